"""The desk's pieces of the admin's templates: the dashboard, the notification badge and
times in the newsroom's zone."""

from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime

from desk import dashboard, notifications, workflow

register = template.Library()


@register.inclusion_tag("admin/desk/dashboard.html", takes_context=True)
def desk_dashboard(context):
    user = context["request"].user
    return {
        "panels": dashboard.panels(user),
        "corrections": dashboard.recent_corrections(),
        "is_editor": workflow.is_editor(user),
    }


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    user = context["request"].user
    return notifications.unread_count(user) if user.is_authenticated else 0


@register.filter
def newsroom_time(value):
    """A time (or a stored ISO text) in the newsroom's zone, with the zone and offset."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return "—"
    return workflow.local_time(value)
