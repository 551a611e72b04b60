from django import template

from articles.models import Section

register = template.Library()


@register.inclusion_tag("includes/_section_nav.html", takes_context=True)
def section_nav(context):
    return {"sections": Section.objects.all(), "request": context.get("request")}


@register.filter(expects_localtime=True, is_safe=True)
def machine_time(value):
    """A moment for `<time datetime>` in local time, as `date:'Y-m-d\\TH:i:sO'` writes it,
    for a fraction of the cost: lists print two of these per item."""
    if not value:
        return ""
    try:
        return value.strftime("%Y-%m-%dT%H:%M:%S%z")
    except AttributeError:
        return ""
