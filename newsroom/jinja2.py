"""The Jinja2 environment of the public pages (templates/jinja2/).

Filters and globals give the same text the Django template language gave: dates in the
current time zone as its `date` filter writes them, `truncatewords`, `pluralize`, `now`
and `querystring`, plus `url`, `static`, the page's head metadata and the blocks the apps
offer the pages (articles.blocks, feed.blocks).
"""

import functools
import html
from datetime import datetime

import jinja2
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from markupsafe import Markup

from articles import blocks as article_blocks
from articles import structured_data
from feed import structured_data as feed_structured_data
from lib import blocks as shared_blocks
from lib import links
from liveblogs import blocks as live_blocks

MACHINE_TIME = "Y-m-d\\TH:i:sO"


@functools.lru_cache(maxsize=16)
def _month_abbreviations(language):
    """`M` of the date filter for each month in one language (index 1 to 12)."""
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def _months():
    return _month_abbreviations(translation.get_language())


def _offset(moment):
    """`O`: the UTC offset as +HHMM, or None where the date filter would write none (a
    wall-clock time that is repeated or skipped when the clocks change)."""
    zone = moment.tzinfo
    offset = zone.utcoffset(moment)
    if offset is None or zone.utcoffset(moment.replace(fold=not moment.fold)) != offset:
        return None
    seconds = offset.days * 86400 + offset.seconds
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}{(seconds // 60) % 60:02d}"


def _machine(moment):
    offset = _offset(moment)
    if offset is None:
        return None
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{offset}"
    )


def _day_month_year_time(moment):
    return (
        f"{_months()[moment.month]} {moment.day}, {moment.year:04d}, "
        f"{moment.hour:02d}:{moment.minute:02d}"
    )


def _day_month_year(moment):
    return f"{_months()[moment.month]} {moment.day}, {moment.year:04d}"


def _day_month_time(moment):
    return f"{_months()[moment.month]} {moment.day}, {moment.hour:02d}:{moment.minute:02d}"


# The formats the pages use, written directly; any other goes through Django's filter.
_FAST_FORMATS = {
    MACHINE_TIME: _machine,
    "M j, Y, H:i": _day_month_year_time,
    "M j, Y": _day_month_year,
    "M j, H:i": _day_month_time,
}


def date(value, format="M j, Y, H:i"):
    """What `{{ value|date:format }}` writes in a Django template, in the current time
    zone. The page formats are built directly; the result is a plain (escaped) string."""
    if not value:  # None, "" and undefined names print nothing, as in Django's filter
        return ""
    value = timezone.template_localtime(value)
    fast = _FAST_FORMATS.get(format)
    if fast is not None and isinstance(value, datetime) and value.tzinfo is not None:
        text = fast(value)
        if text is not None:
            return text
    return defaultfilters.date(value, format)


def machine_time(value):
    """A moment for `<time datetime>`, as `date:'Y-m-d\\TH:i:sO'` writes it."""
    return date(value, MACHINE_TIME)


def now(format):
    """The current time in the current time zone, like the `{% now %}` tag."""
    return date(timezone.now(), format)


def truncatewords(value, length):
    return defaultfilters.truncatewords(value, length)


def pluralize(value, suffix="s"):
    return defaultfilters.pluralize(value, suffix)


def url(name, *args, **kwargs):
    """`{% url name arg… %}`."""
    return links.reverse(name, args, kwargs)


@jinja2.pass_context
def querystring(context, **changes):
    """`{% querystring key=value %}`: the request's query string with these keys set, or
    removed where the value is None."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}" if params else "?"


@jinja2.pass_context
def seo_meta(context, meta):
    """What the head's tags print of the `meta` the view gave (articles.metadata), or None
    on a page rendered with none or without a request (the error pages)."""
    request = context.get("request")
    if request is None or not meta:
        return None
    return meta.for_head(request)


@jinja2.pass_context
def article_json_ld(context, article):
    """The article's NewsArticle data as a `<script>` element, safe to print as it is."""
    absolute = links.absolute_url_builder(context["request"])
    return structured_data.json_ld_script(structured_data.news_article(article, absolute))


@jinja2.pass_context
def news_feed_json_ld(context, entries):
    """The News Feed's WebSite and ItemList data as a `<script>` element."""
    absolute = links.absolute_url_builder(context["request"])
    data = feed_structured_data.news_feed(entries, absolute)
    return structured_data.json_ld_script(data)


def escape_as_django(value):
    """Escape a printed value as Django does (`&quot;` and `&#x27;` where MarkupSafe writes
    `&#34;` and `&#39;`), so pages keep the bytes they had under Django's templates.

    Runs before autoescaping, which leaves the Markup returned here as it is; values that
    are already safe (macros, `|safe`, Django's SafeString) pass through."""
    if type(value) is str:
        return Markup(html.escape(value))
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


def environment(**options):
    # Pages end in a newline, as Django's templates do.
    options.setdefault("keep_trailing_newline", True)
    if options.get("autoescape") is True:  # as Django's Jinja2 backend sets it
        options.setdefault("finalize", escape_as_django)
    env = jinja2.Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        now=now,
        querystring=querystring,
        seo_meta=seo_meta,
        article_json_ld=article_json_ld,
        news_feed_json_ld=news_feed_json_ld,
        site_sections=article_blocks.site_sections,
        hole=shared_blocks.hole,
        live_blog=live_blocks.live_blog,
        live_blog_json_ld=live_blocks.live_blog_json_ld,
    )
    env.filters.update(
        date=date,
        machine_time=machine_time,
        truncatewords=truncatewords,
        pluralize=pluralize,
    )
    return env
