"""Probes for the load balancer and the orchestrator.

/healthz: the process is alive and answering (no dependency is touched). Restart on it.
/readyz: the process can serve readers. Route on it. A server keeps serving through the
failure of one dependency (cached pages while the database is down, uncached pages while
the cache is down), so it stays in rotation then and reports itself "degraded"; only with
both down can it serve nothing but error pages, and it answers 503.

Both are answered by `ProbeMiddleware` before anything else runs, so they answer whatever
Host the load balancer sends (usually the backend's own address, which ALLOWED_HOSTS does
not list) and are never cached or redirected to HTTPS.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache

from .pagecache import exempt

logger = logging.getLogger("newsroom.health")


@exempt
@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _check_cache():
    token = secrets.token_hex(8)
    key = f"readyz:{token}"
    cache.set(key, token, 10)
    try:
        return cache.get(key) == token
    finally:
        cache.delete(key)


CHECKS = {"database": _check_database, "cache": _check_cache}


@exempt
@never_cache
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "failing"
        except Exception as error:  # a probe reports failures, it never raises them
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = "failing"
    working = [result == "ok" for result in results.values()]
    status = "ready" if all(working) else "degraded" if any(working) else "unavailable"
    return JsonResponse(
        {"status": status, "checks": results}, status=503 if status == "unavailable" else 200
    )


PROBES = {"/healthz/": healthz, "/readyz/": readyz}


class ProbeMiddleware:
    """Answers the probes first: no Host check, HTTPS redirect, session or page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = probe(request)
        add_never_cache_headers(response)
        return response
