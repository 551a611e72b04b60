"""The site's URLs plus the floor and the article page's ceilings.

The floor is a bare view answering with bytes already in memory, served by the same
gunicorn, settings and middleware as the real pages, so its rate is the most this machine
and stack can give; every page is reported as a share of it.

The ceilings take the article page apart, so a shortfall can be placed:
- `/__ceiling__/sql/<n>/` sends the exact SQL statements the page sent for article n
  (captured once per process) and answers with the floor's bytes: PostgreSQL and the
  driver, without the ORM building queries or the template rendering anything;
- `/__ceiling__/render/<n>/` renders the page of article n from objects loaded once per
  process, with no query at all: the template alone.
Both are checked against the real page when prepared, so they cannot drift from it.
"""

import os
import re
import threading
from pathlib import Path

from django.db import connection
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from articles import reach, views
from articles.models import Article
from feed.models import FeedEntry
from newsroom import cache as page_cache
from newsroom.pagination import seek
from newsroom.urls import urlpatterns as site_urlpatterns

# The template helpers that query; the render ceiling hands the template their results.
QUERYING_HELPERS = ("related_articles", "latest_articles", "site_sections")
NONCE = re.compile(rb'nonce="[^"]*"')

_floor_bytes = None
_ceiling = None
_ceiling_lock = threading.Lock()


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


def _prepare_article(request, slug):
    """The statements the article page sends, and a zero-query render of it."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    views.detail(request, slug)  # the process's one-off lookups are not the page's
    with connection.execute_wrapper(record):
        page = views.detail(request, slug).content

    # The detail view's context, with every querying helper's result fixed in advance.
    context = {
        "article": Article.objects.published().for_page().get(slug=slug),
        "latest": seek(FeedEntry.objects.stream(), size=views.SIDEBAR_ENTRIES),
        **{name: _remembered(getattr(reach, name)) for name in QUERYING_HELPERS},
    }
    render_to_string("articles/detail.html", context, request)  # fills the helpers
    with CaptureQueriesContext(connection) as queries:
        rendered = render_to_string("articles/detail.html", context, request).encode()
    if queries.captured_queries or NONCE.sub(b"", rendered) != NONCE.sub(b"", page):
        raise RuntimeError(f"The render ceiling of {slug} is not the article page.")
    return statements, context


def prepare_ceilings():
    """Load the ceiling articles: article n is line n of BENCH_CEILING_FILE (paths of
    article pages). Each app-server process does it once, as it starts (bench/wsgi.py)."""
    global _ceiling
    with _ceiling_lock:
        if _ceiling is not None:
            return _ceiling
        paths = Path(os.environ["BENCH_CEILING_FILE"]).read_text().split()
        factory = RequestFactory(headers={"x-forwarded-proto": "https"})
        prepared = []
        for page_path in paths:
            slug = page_path.rstrip("/").rsplit("/", 1)[-1]
            prepared.append(_prepare_article(factory.get(page_path), slug))
        _ceiling = prepared
        return _ceiling


def _article(n):
    prepared = prepare_ceilings()
    if not 0 <= n < len(prepared):
        raise Http404
    return prepared[n]


@page_cache.exempt
def ceiling_sql(request, n):
    statements, _ = _article(n)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return floor(request)


@page_cache.exempt
def ceiling_render(request, n):
    _, context = _article(n)
    return HttpResponse(render_to_string("articles/detail.html", context, request))


urlpatterns = [
    path("__floor__/", floor),
    path("__ceiling__/sql/<int:n>/", ceiling_sql),
    path("__ceiling__/render/<int:n>/", ceiling_render),
    *site_urlpatterns,
]
