"""Links: URL reversing for pages that link dozens of items, and absolute URLs.

`reverse()` walks the URL patterns on every call, and a News Feed page asks for around fifty
addresses. The answer depends only on the name, the arguments, the URLconf and the script
prefix in force, so each process remembers the answers it gave under that whole key.
"""

import functools
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


@functools.lru_cache(maxsize=16_384)
def _reverse(urlconf, prefix, name, args, kwargs):
    return django_reverse(name, args=args, kwargs=dict(kwargs), urlconf=urlconf)


def reverse(name, args=(), kwargs=None):
    """Django's `reverse()`, remembered per process (arguments that cannot be part of a
    key, such as a list, are reversed afresh each time)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    args, kwargs = tuple(args), kwargs or {}
    try:
        return _reverse(urlconf, get_script_prefix(), name, args, tuple(sorted(kwargs.items())))
    except TypeError:  # unhashable
        return django_reverse(name, args=args, kwargs=kwargs, urlconf=urlconf)


def absolute_url_builder(request):
    """A function from a site path (or a full URL) to a full URL on the canonical host,
    the one feeds and sitemaps use too."""
    root = f"{request.scheme}://{get_current_site(request).domain}/"

    def absolute(location):
        location = str(location)
        # Site paths, the common case, need no parsing; urljoin handles everything else.
        if location.startswith("/") and not location.startswith("//"):
            return root + location[1:]
        return urljoin(root, location)

    return absolute
