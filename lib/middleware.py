"""Serving readers fast and through faults: the page cache and the database-outage page."""

import logging
import sys
import threading
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from . import blocks, routers
from . import pagecache as page_cache

logger = logging.getLogger("newsroom.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Vary values that do not split what an anonymous reader without cookies is sent.
HARMLESS_VARY = {"cookie", "accept-encoding"}
OUTAGE_LOG_SECONDS = 5


class _OutageLog:
    """One line per few seconds per process while the database is down, not one per
    request: the first failure, then how many requests were answered 503 since."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_line_at = 0.0
        self.unlogged = 0

    def failed(self, error):
        now = time.monotonic()
        with self.lock:
            if now < self.next_line_at:
                self.unlogged += 1
                return
            self.next_line_at = now + OUTAGE_LOG_SECONDS
            unlogged, self.unlogged = self.unlogged, 0
        since = f" ({unlogged} more answered 503 since the last line)" if unlogged else ""
        logger.error("Database unavailable, answering 503: %s%s", error, since)

    def forget(self):
        with self.lock:
            self.next_line_at, self.unlogged = 0.0, 0


outage_log = _OutageLog()


class _DatabaseErrorsLoggedOnce(logging.Filter):
    """Django logs the 500 a database error in the middleware below becomes, before that
    500 is turned into the 503 page (see DatabaseOutageMiddleware); `outage_log` says it."""

    def filter(self, record):
        request = getattr(record, "request", None)
        return not getattr(request, "_database_outage", False)


logging.getLogger("django.request").addFilter(_DatabaseErrorsLoggedOnce())


def is_anonymous_read(request):
    """A GET (or HEAD) from someone with no session: every such reader is sent the same
    page (HEAD without its body)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def can_store(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = response.get("Cache-Control", "").lower()
    if any(word in directives for word in ("private", "no-store", "no-cache", "max-age=0")):
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value}
    if vary - HARMLESS_VARY:
        return False
    # A nonce must never repeat, so a page that used one is rendered afresh each time.
    return not getattr(request, "_csp_nonce", None)


def mark_public(response):
    if response.has_header("Cache-Control"):
        set_response_etag(response)
        return  # the view chose its own lifetime
    patch_cache_control(
        response,
        public=True,
        max_age=settings.NEWSROOM_HTTP_MAX_AGE,
        s_maxage=settings.NEWSROOM_HTTP_S_MAXAGE,
        stale_while_revalidate=settings.NEWSROOM_HTTP_STALE_WHILE_REVALIDATE,
        stale_if_error=settings.NEWSROOM_HTTP_STALE_IF_ERROR,
    )
    patch_vary_headers(response, ["Cookie"])
    set_response_etag(response)


class PageCacheMiddleware:
    """Answers anonymous GETs from the shared page cache; editors always get fresh pages.

    Sits above everything that touches the database, so a hit costs one cache round trip,
    and while the database is down the pages no purge has touched keep being served.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The versions read for the page serve its shared blocks too (lib.blocks), which
        # fill its holes whether it was rendered now or kept.
        with page_cache.request_reads():
            response = blocks.fill(self._respond(request))
        if request.method == "HEAD":
            # Headers only (Content-Length stays that of the page); a body here would be
            # dropped, and warned about, by the server.
            if response.streaming:
                response.streaming_content = []
            else:
                response.headers.setdefault("Content-Length", str(len(response.content)))
                response.content = b""
        return response

    def _respond(self, request):
        if not is_anonymous_read(request):
            try:
                response = self.get_response(request)
            finally:
                # A purge that could reach only PostgreSQL: every server reads it first.
                page_cache.settle()
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        tags = page_cache.tags_for(request.path_info)
        if tags is None:
            return self.get_response(request)
        found = None
        if settings.NEWSROOM_PAGE_CACHE_SECONDS > 0:
            found = page_cache.lookup(request, tags)
            page_cache.request_reads.remember(found)
        if found is not None and found.fresh:
            return self._hit(found)
        flight = None
        if found is not None:
            # After a purge, one thread renders the page and the others wait for it.
            found, flight = page_cache.render_once(request, tags, found)
            if found is not None and found.fresh:
                return self._hit(found)
        try:
            return self._render(request, found)
        finally:
            if flight is not None:
                page_cache.flights.land(flight)

    @staticmethod
    def _hit(found):
        response = page_cache.response_from(found.entry)
        response["X-Page-Cache"] = "hit"
        return response

    def _render(self, request, found):
        # Pages purged a moment ago are read from the primary, which a replica may trail.
        with routers.replica_reads(found is None or not found.recently_purged):
            response = self.get_response(request)

        if getattr(response, "database_unavailable", False) and found is not None and found.valid:
            stale = page_cache.response_from(found.entry)
            stale["X-Page-Cache"] = "stale"
            return stale
        if can_store(request, response):
            mark_public(response)
            if found is not None:
                page_cache.store(found, response)
                response["X-Page-Cache"] = "miss"
        return response


def database_unavailable_response():
    page = render_to_string("503.html", {"retry_after": settings.NEWSROOM_RETRY_AFTER})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(settings.NEWSROOM_RETRY_AFTER)
    patch_cache_control(response, no_store=True)
    response.database_unavailable = True
    response._has_been_logged = True  # by `outage_log`, not by Django once per request
    return response


class DatabaseOutageMiddleware:
    """Turns an unreachable database into a static 503 with Retry-After, never a 500.

    Views' errors arrive in process_exception. Errors raised inside the middleware below
    (sessions, redirects) have already become a 500 by the time they get here; the
    receiver below flags those requests so the 500 is swapped for the same 503.
    Persistent connections are health-checked, so the site recovers by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_outage", False):
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            outage_log.failed(exception)
            return database_unavailable_response()
        return None


@receiver(got_request_exception, dispatch_uid="newsroom.flag_database_outage")
def flag_database_outage(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._database_outage = True
        outage_log.failed(error)
