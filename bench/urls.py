"""The site's URLs plus the floor.

The floor is a bare view answering with bytes already in memory, served by the same
gunicorn, settings and middleware as the real pages, so its rate is the most this machine
and stack can give; every page is reported as a share of it. Where a page's own time goes
is for `python -m bench.profile` to show.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from lib import pagecache as page_cache
from newsroom.urls import urlpatterns as site_urlpatterns

_floor_bytes = None


@page_cache.exempt
def floor(request):
    global _floor_bytes
    if _floor_bytes is None:
        _floor_bytes = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
    return HttpResponse(_floor_bytes, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("__floor__/", floor),
    *site_urlpatterns,
]
