"""Probes for the load balancer and the orchestrator.

/healthz: the process is alive and answering (no dependency is touched).
/readyz: it can serve readers: the database answers a query and the cache a round trip.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
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
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
