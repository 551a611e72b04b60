"""The site's URLs plus the floor and the ceilings of the article and feed pages.

The floor is a bare view answering with bytes already in memory, served by the same
gunicorn, settings and middleware as the real pages, so its rate is the most this machine
and stack can give; every page is reported as a share of it.

The ceilings take a page apart, so a shortfall can be placed:
- `/__ceiling__/<page>/sql/<n>/` sends the exact SQL statements the page sent (captured
  once per process) and answers with the floor's bytes: PostgreSQL and the driver, without
  the ORM building queries or the template rendering anything;
- `/__ceiling__/<page>/render/<n>/` renders the page from objects loaded once per process,
  with no query at all: the template alone.
`<page>` is `article` (n: line n of BENCH_CEILING_FILE, paths of article pages) or `feed`
(n: 0, the News Feed's first batch). Each is checked against the real page when it is
prepared, so a ceiling cannot drift from the page it stands for.
"""

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from articles import metadata
from articles import views as article_views
from articles.models import Article
from feed import views as feed_views
from feed.models import FeedEntry
from lib import pagecache as page_cache
from lib.pagination import seek
from newsroom.urls import urlpatterns as site_urlpatterns

# The template helpers that query; the render ceiling hands the template their results.
QUERYING_HELPERS = ("related_articles", "latest_articles", "site_sections", "news_feed_sidebar")
NONCE = re.compile(rb'nonce="[^"]*"')

_floor_bytes = None
_ceilings = None
_ceilings_lock = threading.Lock()


@page_cache.exempt
def floor(request):
    global _floor_bytes
    if _floor_bytes is None:
        _floor_bytes = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
    return HttpResponse(_floor_bytes, content_type="text/html; charset=utf-8")


def _remembered(function):
    results = {}

    def remembered(*args):
        key = tuple(getattr(arg, "pk", arg) for arg in args)
        if key not in results:
            results[key] = function(*args)
        return results[key]

    return remembered


@dataclass(frozen=True)
class Parts:
    statements: list  # (sql, params), in the order the page sent them
    template: str
    context: dict
    path: str


def _take_apart(request, view, template, context):
    """The statements `view` sends for `request`, and `context` made ready for a
    zero-query render of `template` that gives the view's own page."""
    statements = []

    def record(execute, sql, params, many, call):
        statements.append((sql, params))
        return execute(sql, params, many, call)

    view(request)  # the process's one-off lookups are not the page's
    with connection.execute_wrapper(record):
        page = view(request).content

    helpers = engines["jinja2"].env.globals
    context.update({name: _remembered(helpers[name]) for name in QUERYING_HELPERS})
    render_to_string(template, {**context}, request)  # fills the helpers
    with CaptureQueriesContext(connection) as queries:
        rendered = render_to_string(template, {**context}, request).encode()
    if queries.captured_queries or NONCE.sub(b"", rendered) != NONCE.sub(b"", page):
        raise RuntimeError(f"The render ceiling of {request.path} is not the page.")
    return Parts(statements, template, context, request.path)


def _article(request):
    slug = request.path.rstrip("/").rsplit("/", 1)[-1]
    article = Article.objects.published().for_page().get(slug=slug)
    # What the detail view hands its template.
    context = {"article": article, "meta": metadata.article_page(request, article)}
    return _take_apart(
        request, lambda r: article_views.detail(r, slug), "articles/detail.html", context
    )


def _feed(request):
    batch = seek(FeedEntry.objects.stream(), size=settings.NEWSROOM_FEED_BATCH)
    context = {  # what the index view hands its template for the first batch
        "batch": batch,
        "pinned": list(FeedEntry.objects.pinned()),
        "meta": feed_views.index_meta(request, batch),
    }
    return _take_apart(request, feed_views.index, "feed/index.html", context)


def prepare_ceilings():
    """Take the pages apart, once per app-server process, as it starts (bench/wsgi.py)."""
    global _ceilings
    if _ceilings is not None:
        return _ceilings
    with _ceilings_lock:
        if _ceilings is None:
            factory = RequestFactory(headers={"x-forwarded-proto": "https"})
            paths = Path(os.environ["BENCH_CEILING_FILE"]).read_text().split()
            _ceilings = {
                "article": [_article(factory.get(page_path)) for page_path in paths],
                "feed": [_feed(factory.get("/"))],
            }
        return _ceilings


def _parts(page, n):
    prepared = prepare_ceilings().get(page, [])
    if not 0 <= n < len(prepared):
        raise Http404
    return prepared[n]


@page_cache.exempt
def ceiling_sql(request, page, n):
    with connection.cursor() as cursor:
        for sql, params in _parts(page, n).statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return floor(request)


@page_cache.exempt
def ceiling_render(request, page, n):
    parts = _parts(page, n)
    request.path = parts.path  # the page's own address, for its canonical and og:url links
    # A copy: rendering adds the request, its CSRF token and CSP nonce to the dict.
    return HttpResponse(render_to_string(parts.template, {**parts.context}, request))


urlpatterns = [
    path("__floor__/", floor),
    path("__ceiling__/<slug:page>/sql/<int:n>/", ceiling_sql),
    path("__ceiling__/<slug:page>/render/<int:n>/", ceiling_render),
    *site_urlpatterns,
]
