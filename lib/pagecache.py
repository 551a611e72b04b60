"""Full-page cache for anonymous readers, purged by tags.

Every cached page records the version of each tag it depends on: the article it shows,
its section, the News Feed, or plain "content" for RSS, sitemaps and other listings.
Purging a tag writes a new version into the shared cache, so every app server stops
answering with pages rendered before the purge at once, whatever process rendered them.
Versions are read before the page is rendered: a page that raced an editor's save carries
the old version and is never served.

Each process also keeps its own copies of the pages it served lately, so a hit on a busy
page fetches only the few small version keys from the shared cache, never the page itself.
A copy is served only when every version it was rendered under is still the current one.
Versions are always set before a page is rendered (a missing one, after Redis restarts or
is flushed, is written afresh), so a copy can never match versions that vanished.

The cache is an optimisation. When it is unreachable (Redis down) every call here logs
once, answers "nothing cached", and the site keeps serving fresh pages.
"""

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve

logger = logging.getLogger("newsroom.cache")

# Tags. SITE is on every page (the section navigation); CONTENT is on every page that
# declares no narrower tags (feeds, sitemaps, search), and every content change purges it.
# The apps name their own tags: each public model says which tags show it (`cache_tags()`)
# and each view which tags it shows (`depends_on`).
SITE = "site"
CONTENT = "content"
# Tags of listings that show any content, purged whenever CONTENT is (see `listing`).
_listings = set()


def listing(tag):
    """Declare `tag` a listing of all content: every purge of CONTENT purges it too."""
    _listings.add(tag)
    return tag


def depends_on(tags):
    """Declare which tags a view's pages show, from the URL's arguments alone (no database
    query decides a hit): `tags(**kwargs)` returns them. SITE is always added; a view that
    declares nothing depends on CONTENT."""

    def decorate(view):
        view.page_cache_tags = tags
        return view

    return decorate


UNCACHED_NAMESPACES = {"admin"}

VERSION_PREFIX = "pagever:"
PAGE_PREFIX = "page:"
SCHEDULE_KEY = "pageschedule"
# Headers a stored page keeps; the rest (Date, security headers) are added per response.
STORED_HEADERS = {"content-type", "content-language", "etag", "vary", "cache-control"}
OUTAGE_BACKOFF_SECONDS = 5


class _SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (and its table of reply parsers) for every
    cache call, which costs more than the round trip to Redis on a page-cache hit. One
    redis.Redis per connection pool is thread-safe, so each process keeps and reuses it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend, reusing its Redis clients (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient

    def validate_key(self, key):
        """Django checks every key against memcached's limits (length, control
        characters), character by character, on every call. Redis has neither limit, and
        a page-cache hit reads several keys."""


def exempt(view):
    """Never serve or store this view's responses from the page cache."""
    view.page_cache_exempt = True
    return view


def tags_for(path):
    """The tags a page at `path` depends on, or None when it is never cached."""
    return _tags_for(get_urlconf() or settings.ROOT_URLCONF, path)


# Resolving a URL costs more than the rest of a cache hit; a path always resolves the same
# way under one URLconf, so each process remembers the answers for its busiest paths.
@functools.lru_cache(maxsize=8192)
def _tags_for(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    if getattr(match.func, "page_cache_exempt", False):
        return None
    if UNCACHED_NAMESPACES.intersection(match.namespaces):
        return None
    route_tags = getattr(match.func, "page_cache_tags", None)
    return (SITE, *(route_tags(**match.kwargs) if route_tags else [CONTENT]))


class _Outage:
    """Skips the cache for a few seconds after it failed, so a dead Redis costs one
    timeout per process every few seconds instead of one per request."""

    def __init__(self):
        self.until = 0.0

    @property
    def active(self):
        return time.monotonic() < self.until

    def record(self, operation, error):
        if not self.active:
            logger.warning(
                "Cache unreachable during %s (%s: %s); serving uncached for %ss.",
                operation,
                type(error).__name__,
                error,
                OUTAGE_BACKOFF_SECONDS,
            )
        self.until = time.monotonic() + OUTAGE_BACKOFF_SECONDS


outage = _Outage()
# Purges that failed while the cache was unreachable, replayed when it answers again.
_pending_purges = set()


def _call(operation, function, *args, default=None):
    if outage.active:
        return default
    try:
        result = function(*args)
    except Exception as error:  # any backend failure means "no cache", never a 500
        outage.record(operation, error)
        return default
    if _pending_purges and operation != "purge":
        _replay_pending_purges()
    return result


def _replay_pending_purges():
    tags = set(_pending_purges)
    _pending_purges.clear()
    purge(*tags)


def _new_version():
    # The time leads so a reader can tell how recently a tag was purged.
    return f"{time.time():.6f}:{secrets.token_hex(4)}"


def version_age(version):
    """Seconds since a version was written (None when never purged)."""
    if not version:
        return None
    try:
        return time.time() - float(version.split(":", 1)[0])
    except ValueError:
        return None


def purge(*tags):
    """Make every cached page showing any of `tags` stale, on every app server."""
    tags = {tag for tag in tags if tag}
    if CONTENT in tags:
        tags |= _listings
    if not tags:
        return
    versions = {VERSION_PREFIX + tag: _new_version() for tag in tags}
    failed = object()
    if _call("purge", cache.set_many, versions, None, default=failed) is failed:
        _pending_purges.update(tags)


def purge_everything():
    """For bulk writes that bypass model signals (imports, seeding, raw updates)."""
    purge(SITE, CONTENT)


def schedule(at):
    """Remember that public content changes at `at` by the clock alone (a scheduled
    publish or an embargo lifting), so no page stays fresh past that moment."""
    moment = at.timestamp()
    now = time.time()
    if moment <= now:
        return
    current = _call("schedule", cache.get, SCHEDULE_KEY, default=None) or []
    upcoming = sorted({*(t for t in current if t > now), moment})
    _call("schedule", cache.set, SCHEDULE_KEY, upcoming, None)


def page_key(request):
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return PAGE_PREFIX + digest


@dataclass
class Lookup:
    """What the cache holds for one request, read in a single round trip."""

    key: str
    versions: dict
    entry: dict | None = None
    schedule: list = field(default_factory=list)

    @property
    def valid(self):
        """A stored page that no purge has touched since it was rendered."""
        return self.entry is not None and self.entry["versions"] == self.versions

    @property
    def fresh(self):
        return self.valid and time.time() < self.entry["fresh_until"]

    @property
    def recently_purged(self):
        """Whether a tag was purged within the replica's allowed lag."""
        window = settings.NEWSROOM_REPLICA_LAG_SECONDS
        ages = [version_age(version) for version in self.versions.values()]
        return any(age is not None and age < window for age in ages)


class LocalPages:
    """The pages this process served lately, newest last, at most
    NEWSROOM_LOCAL_PAGE_CACHE_ENTRIES of them. Shared by the worker's threads."""

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = settings.NEWSROOM_LOCAL_PAGE_CACHE_ENTRIES
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def discard(self, key):
        with self._lock:
            self._entries.pop(key, None)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


local_pages = LocalPages()


def _set_missing_versions(versions):
    """`versions` with every unset tag given a version that every app server then reads
    (the first writer wins). None when the cache cannot be reached."""
    for tag, version in versions.items():
        if version is not None:
            continue
        key, fresh = VERSION_PREFIX + tag, _new_version()
        if _call("lookup", cache.add, key, fresh, None, default=False):
            version = fresh
        else:
            version = _call("lookup", cache.get, key, default=None)
        if version is None:
            return None
        versions = {**versions, tag: version}
    return versions


def lookup(request, tags):
    """What the caches hold for this request: the current versions of its tags, the page
    (from this process's copy when it has one) and the upcoming scheduled changes."""
    key = page_key(request)
    version_keys = [VERSION_PREFIX + tag for tag in tags]
    local = local_pages.get(key)
    wanted = [SCHEDULE_KEY, *version_keys]
    found = _call(
        "lookup", cache.get_many, wanted if local is not None else [key, *wanted], default=None
    )
    if found is None:
        return None
    versions = {tag: found.get(VERSION_PREFIX + tag) for tag in tags}
    if None in versions.values():
        versions = _set_missing_versions(versions)
        if versions is None:
            return None
    entry = local if local is not None else found.get(key)
    result = Lookup(key, versions, entry, found.get(SCHEDULE_KEY) or [])
    if local is not None and not result.valid:
        # Purged since this process kept it; another server may hold a newer page.
        local_pages.discard(key)
        result.entry = _call("lookup", cache.get, key, default=None)
    if result.entry is not local and result.valid:
        local_pages.put(key, result.entry)
    return result


def store(found, response):
    now = time.time()
    fresh_until = now + settings.NEWSROOM_PAGE_CACHE_SECONDS
    upcoming = [moment for moment in found.schedule if moment > now]
    if upcoming:
        fresh_until = min(fresh_until, min(upcoming))
    entry = {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() in STORED_HEADERS
        ],
        "content": response.content,
        "versions": found.versions,
        "fresh_until": fresh_until,
        "stored_at": now,
    }
    timeout = int(fresh_until - now) + settings.NEWSROOM_PAGE_STALE_SECONDS
    _call("store", cache.set, found.key, entry, timeout)
    local_pages.put(found.key, entry)


def response_from(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers["Age"] = str(max(0, int(time.time() - entry["stored_at"])))
    return response
