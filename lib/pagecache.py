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

PostgreSQL keeps the truth about purges: each one is recorded (lib.models.PageVersion) in
the transaction of the change, and only then are its versions written to Redis. Redis can
miss a purge (unreachable at that moment, or the process that made it exits before it could
write) or lose some (restarted empty or from an older snapshot), so every process checks
Redis against the purges recorded since Redis was last checked, at most once a second (and
before it trusts a new connection to Redis or a horizon that went backwards), and purges
again whatever Redis lacks. A hit stays one round trip to Redis. A process that cannot make
that check (the database is down) keeps trusting Redis only if it was checked right up to
the outage and nothing has cast doubt on it since; otherwise it serves nothing cached.

After a purge, the first reader of a page renders it and every other thread of the process
that wants the same page under the same versions waits for that render (a single flight),
then is answered from what it stored, as from any copy whose versions are still current.

The cache is an optimisation. When it is unreachable (Redis down) every call here logs
once, answers "nothing cached", and the site keeps serving fresh pages.
"""

import atexit
import contextvars
import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve

from .postgresql.base import hang_seconds, last_answered

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
# The transaction horizon below which Redis holds every recorded purge, and the time it was
# last checked against PostgreSQL (by any server).
HORIZON_KEY = "pagehorizon"
CHECKED_AT_KEY = "pagehorizon-checked"
# When the first server's check failed in the outage now going on (cleared by a success):
# a server that was idle when the database went away judges Redis from that moment too.
FAILING_SINCE_KEY = "pagehorizon-failing-since"
# How stale a process's check may be; a purge that reached only PostgreSQL holds its
# editor's request this long, so every server has read it when the request returns.
CHECK_SECONDS = 1.0
# While PostgreSQL cannot be asked, Redis is still trusted if it was last checked at most
# this long before the first failed check (it was being checked when the outage began).
TRUST_UNCHECKED_SECONDS = 3.0
# More recorded purges than this for Redis to catch up on: purge every page instead.
CATCH_UP_LIMIT = 20_000
# Headers a stored page keeps; the rest (Date, security headers) are added per response.
STORED_HEADERS = {
    "content-type",
    "content-language",
    "etag",
    "last-modified",
    "expires",
    "vary",
    "cache-control",
    # What a view says of its own page: a sitemap's X-Robots-Tag, a feed's links.
    "x-robots-tag",
    "link",
    "content-disposition",
}
OUTAGE_BACKOFF_SECONDS = 5


class _SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (and its table of reply parsers) for every
    cache call, which costs more than the round trip to Redis on a page-cache hit. One
    redis.Redis per connection pool is thread-safe, so each process keeps and reuses it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        # A new connection may reach a Redis that restarted or was restored meanwhile.
        self._pool_options["redis_connect_func"] = _connected

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

    def write_unless_changed(self, keys, writes_for):
        """Read `keys`, then write what `writes_for(values read)` returns, unless one of
        the keys changed in between (then nothing is written and the answer is False)."""
        client = self._cache.get_client(write=True)
        serializer = self._cache._serializer
        names = {self.make_key(key): key for key in keys}
        with client.pipeline() as pipeline:
            pipeline.watch(*names)
            values = pipeline.mget(list(names))
            held = {
                names[name]: serializer.loads(value)
                for name, value in zip(names, values, strict=True)
                if value is not None
            }
            writes = writes_for(held)
            if not writes:
                return True
            pipeline.multi()
            pipeline.mset({self.make_key(k): serializer.dumps(v) for k, v in writes.items()})
            try:
                pipeline.execute()
            except redis.WatchError:
                return False
        return True


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
# Purges this process could not write to the cache, written as soon as it answers again
# (sooner than the next check would find them in PostgreSQL).
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
    # Fresh versions: they end every page of these tags, and match nothing recorded.
    if not _publish({tag: _new_version() for tag in tags}):
        _pending_purges.update(tags)


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


def _expanded(tags):
    tags = {tag for tag in tags if tag}
    if CONTENT in tags:
        tags |= _listings
    return tags


def _in_transaction():
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def record(*tags):
    """Record in PostgreSQL, in the current transaction, that `tags` are purged, so the
    purge commits with the change and no server can miss it (see `purge`)."""
    tags = _expanded(tags)
    if not tags:
        return {}
    from .models import PageVersion

    versions = {tag: _new_version() for tag in tags}
    PageVersion.record(versions)
    return versions


def purge(*tags):
    """Make every cached page showing any of `tags` stale, on every app server.

    Inside a transaction the purge is recorded with it; Redis is given other versions
    meanwhile, because readers still see the old rows until the commit, and whatever they
    store under these must end with the purge that follows the commit (lib.purging makes
    it). A version that is recorded is written to Redis only once committed, so no page
    rendered before a change can ever carry it."""
    tags = _expanded(tags)
    if not tags:
        return
    reads = _request_reads.get()
    if reads is not None:
        reads.clear()  # what this request renders next is read under the new versions
    in_transaction = _in_transaction()
    try:
        versions = record(*tags)
    except Error as error:
        if in_transaction:
            raise  # the change must not commit without its purge
        logger.warning("Could not record a purge in the database (%s); purging the cache.", error)
        versions = {}
    if in_transaction or not versions:
        versions = {tag: _new_version() for tag in tags}
    if not _publish(versions):
        _pending_purges.update(tags)
        if not in_transaction:
            hold_until_every_server_checked()
    elif not in_transaction:
        check.after_purge()


def _publish(versions):
    keys = {VERSION_PREFIX + tag: version for tag, version in versions.items()}
    failed = object()
    return _call("purge", cache.set_many, keys, None, default=failed) is not failed


# When this request or command may return: a purge that reached only PostgreSQL is read
# from there by every server within CHECK_SECONDS.
_hold_until = contextvars.ContextVar("newsroom_purge_hold_until", default=0.0)
_hold_at_exit = threading.Event()


def hold_until_every_server_checked():
    _hold_until.set(time.monotonic() + CHECK_SECONDS)
    if not _hold_at_exit.is_set():  # a command or shell: its purges count when it exits
        _hold_at_exit.set()
        atexit.register(settle)


def settle():
    """Wait until every server has read the purges this request or command could only
    record in PostgreSQL, so that what the editor did is everywhere when it returns."""
    remaining = _hold_until.get() - time.monotonic()
    _hold_until.set(0.0)
    if remaining > 0:
        time.sleep(remaining)


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
    others: dict = field(default_factory=dict)  # versions read along, not the page's

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


class _Check:
    """Whether this process may believe what Redis holds: checked against the purges
    recorded in PostgreSQL at most CHECK_SECONDS ago, and again at once when something
    casts doubt on it (a new connection, a horizon gone or gone backwards)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = None  # time.monotonic() when the last check that succeeded began
        self.doubt = True  # nothing is known about Redis until it has been checked
        self.highest_horizon = 0
        self.unchecked_since = None  # time.time() when a check that has not succeeded began
        self.retry_at = 0.0
        self.failures_logged_until = 0.0

    def trusts(self, horizon, checked_at, failing_since=None, *, now_please=False):
        """True, False, or CAUGHT_UP when it purged what Redis lacked (read it again).
        `horizon` and `checked_at` are what Redis holds under HORIZON_KEY and
        CHECKED_AT_KEY; `now_please` checks even if the last check is recent."""
        if horizon is None:
            self.doubt = True  # flushed, or restarted empty
        else:
            # A horizon lower than one seen before is two servers' checks finishing out of
            # order, not a restore: a restart (from any snapshot) is a new Redis run, which
            # the next connection to it notices (`_connected`).
            self.highest_horizon = max(self.highest_horizon, horizon)
        now = time.monotonic()
        recent = self.checked_at is not None and now - self.checked_at < CHECK_SECONDS
        if not self.doubt and recent and not now_please:
            return True
        waiting = now < self.retry_at and not self.doubt  # doubt is worth a query each time
        if waiting or not self.lock.acquire(blocking=False):
            # failing, or being checked right now
            return self._trusts_unchecked(checked_at, failing_since)
        try:
            return self._check(horizon, checked_at, now, failing_since)
        finally:
            self.lock.release()

    def _check(self, horizon, checked_at, now, failing_since=None):
        if self.unchecked_since is None:
            self.unchecked_since = time.time()
        doubt, self.doubt = self.doubt, False  # a connection made from here on doubts again
        try:
            caught_up = _catch_up(horizon)
        except Error as error:
            caught_up = None
            if now >= self.failures_logged_until:
                self.failures_logged_until = now + OUTAGE_BACKOFF_SECONDS
                logger.warning("Cannot check the page cache against the database (%s).", error)
        if caught_up is None:
            self.doubt = self.doubt or doubt
            self.retry_at = now + CHECK_SECONDS
            _call("check", cache.add, FAILING_SINCE_KEY, self.unchecked_since, None)
            return self._trusts_unchecked(checked_at, failing_since)
        if self.unchecked_since is not None or failing_since is not None:
            _call("check", cache.delete, FAILING_SINCE_KEY)
        self.checked_at, self.unchecked_since, self.retry_at = now, None, 0.0
        return CAUGHT_UP if caught_up else True

    def _trusts_unchecked(self, checked_at, failing_since=None):
        # The outage began at the first failed check, this process's or another server's
        # (now, while another thread's check is just beginning).
        if failing_since is not None and checked_at is not None and failing_since < checked_at:
            failing_since = None  # left from an earlier outage: a check succeeded since
        starts = [t for t in (self.unchecked_since, failing_since) if t is not None]
        since = min(starts) if starts else time.time()
        # Better still, the last moment the database answered this process, when that is
        # known: a process busy elsewhere may begin its first failing check late.
        answered = last_answered()
        if answered is not None and checked_at is not None and answered >= checked_at:
            since = min(since, answered)
        return (
            not self.doubt
            and checked_at is not None
            and since - checked_at <= TRUST_UNCHECKED_SECONDS
        )

    def after_purge(self):
        """Check now, after this process wrote a purge: Redis then says it was checked
        a moment ago, so a database outage that follows finds every server trusting it."""
        keys = [HORIZON_KEY, CHECKED_AT_KEY, FAILING_SINCE_KEY]
        found = _call("check", cache.get_many, keys, default=None)
        if found is not None:
            self.trusts(
                found.get(HORIZON_KEY),
                found.get(CHECKED_AT_KEY),
                found.get(FAILING_SINCE_KEY),
                now_please=True,
            )

    def forget(self):
        self.__init__()


check = _Check()
CAUGHT_UP = "caught up"


_redis_run_id = None


def _connected(connection):
    """A new connection to Redis doubts what it holds only when it reaches another Redis
    run (a restart, perhaps from an older snapshot). A pool opening one more connection to
    the same server, as it does under load, is no reason to stop trusting it."""
    global _redis_run_id
    connection.on_connect()
    try:
        connection.send_command("INFO", "server")
        info = connection.read_response()
        if isinstance(info, bytes):
            info = info.decode()
        run_id = next(
            line.split(":", 1)[1].strip()
            for line in str(info).splitlines()
            if line.startswith("run_id:")
        )
    except Exception:  # noqa: BLE001 - an answer we cannot read proves nothing
        check.doubt = True
        return
    if run_id != _redis_run_id:
        check.doubt = True
        _redis_run_id = run_id


def _catch_up(horizon):
    """Write into Redis whatever it lacks of the purges recorded since `horizon`; whether
    it lacked any, or None when Redis did not answer."""
    from .models import PageVersion

    started = time.time()
    latest, recorded = PageVersion.committed_since(horizon or 0)
    if horizon is None or len(recorded) > CATCH_UP_LIMIT:
        # No horizon: Redis was flushed, restarted empty or restored from a snapshot older
        # than any check, and its pages cannot be told apart. Every page goes (a fresh
        # version matches no page); purges older than `latest` are never read again.
        lacking = {SITE: _new_version()}
        if not _publish(lacking):
            return None
    else:
        keys = [VERSION_PREFIX + tag for tag in recorded]
        held = _call("check", cache.get_many, keys, default=None) if keys else {}
        if held is None:
            return None
        lacking = [t for t, v in recorded.items() if held.get(VERSION_PREFIX + t) != v]
        if lacking and not _write_recorded(lacking):
            return None
    written = {HORIZON_KEY: max(latest, horizon or 0), CHECKED_AT_KEY: started}
    failed = object()
    if _call("check", cache.set_many, written, None, default=failed) is failed:
        return None
    check.highest_horizon = max(check.highest_horizon, written[HORIZON_KEY])
    return bool(lacking)


def _write_recorded(tags):
    """Write the recorded versions of `tags`, read from PostgreSQL only after Redis was:
    a purge published since (a newer version) is then either read here too or makes the
    write fail, so an older version never replaces it."""
    from .models import PageVersion

    keys = [VERSION_PREFIX + tag for tag in tags]

    def writes_for(held):
        recorded = PageVersion.objects.using(DEFAULT_DB_ALIAS).filter(tag__in=tags)
        pairs = recorded.values_list("tag", "version")
        versions = {VERSION_PREFIX + tag: version for tag, version in pairs}
        return {key: version for key, version in versions.items() if held.get(key) != version}

    write = getattr(cache, "write_unless_changed", None)
    if write is None:  # a cache of this process only: nobody else writes meanwhile
        cache.set_many(writes_for(cache.get_many(keys)), None)
        return True
    for _attempt in range(3):  # each retry follows a purge that landed meanwhile
        try:
            if write(keys, writes_for):
                return True
        except Error:
            raise  # the database's, for the caller
        except Exception as error:  # the cache's: no check this time
            outage.record("check", error)
            return False
    return False


def _read(tags, keys=(), *, caught_up=False):
    """The current versions of `tags`, and what Redis holds under `keys`, read in one round
    trip once this process may trust Redis: (versions, found), or None when nothing cached
    may be used."""
    version_keys = [VERSION_PREFIX + tag for tag in tags]
    wanted = [*keys, SCHEDULE_KEY, HORIZON_KEY, CHECKED_AT_KEY, FAILING_SINCE_KEY, *version_keys]
    found = _call("lookup", cache.get_many, wanted, default=None)
    if found is None:
        return None
    trusted = check.trusts(
        found.get(HORIZON_KEY), found.get(CHECKED_AT_KEY), found.get(FAILING_SINCE_KEY)
    )
    if trusted == CAUGHT_UP and not caught_up:
        return _read(tags, keys, caught_up=True)
    if not trusted:
        return None
    versions = {tag: found.get(VERSION_PREFIX + tag) for tag in tags}
    if None in versions.values():
        versions = _set_missing_versions(versions)
        if versions is None:
            return None
    return versions, found


def lookup(request, tags):
    """What the caches hold for this request: the current versions of its tags, the page
    (from this process's copy when it has one) and the upcoming scheduled changes. None
    when nothing cached may be used."""
    key = page_key(request)
    local = local_pages.get(key)
    # The versions the shared blocks of a page are kept under come along (lib.blocks).
    others = [tag for tag in (SITE, CONTENT) if tag not in tags]
    read = _read([*tags, *others], [] if local is not None else [key])
    if read is None:
        return None
    versions, found = read
    entry = local if local is not None else found.get(key)
    result = Lookup(
        key,
        {tag: versions[tag] for tag in tags},
        entry,
        found.get(SCHEDULE_KEY) or [],
        {tag: versions[tag] for tag in others},
    )
    if local is not None and not result.valid:
        # Purged since this process kept it; another server may hold a newer page.
        local_pages.discard(key)
        result.entry = _call("lookup", cache.get, key, default=None)
    if result.entry is not local and result.valid:
        local_pages.put(key, result.entry)
    return result


# The versions a request has read (its page's lookup, or a shared block's), so the blocks
# of its page need no round trip of their own. Set for one request at a time.
_request_reads = contextvars.ContextVar("newsroom_request_reads", default=None)


class request_reads:
    """Scope of one request: the versions read during it are reused until it ends."""

    def __enter__(self):
        self.token = _request_reads.set({})
        return self

    def __exit__(self, *exc):
        _request_reads.reset(self.token)

    @staticmethod
    def remember(found):
        """Reuse what the page lookup `found` read (when it could read anything)."""
        reads = _request_reads.get()
        if reads is not None and found is not None:
            for tag, version in {**found.others, **found.versions}.items():
                reads[tag] = (version, found.schedule)


def current_versions(tags):
    """(versions of `tags`, upcoming scheduled changes), as a page lookup reads them, and
    once per request inside `request_reads`; None when nothing cached may be used."""
    reads = _request_reads.get()
    if reads is not None and all(tag in reads for tag in tags):
        versions = {tag: reads[tag][0] for tag in tags}
        return versions, reads[tags[0]][1] if tags else []
    # The tags of nearly every block come along, so a page's blocks make one round trip.
    read = _read(list(dict.fromkeys([*tags, SITE, CONTENT])))
    if read is None:
        return None
    versions, found = read
    schedule = found.get(SCHEDULE_KEY) or []
    if reads is not None:
        reads.update({tag: (version, schedule) for tag, version in versions.items()})
    return {tag: versions[tag] for tag in tags}, schedule


# How long a reader waits for another thread's render of its page before rendering it
# itself; longer while the database is watched for hangs (see `follow_seconds`).
FOLLOW_SECONDS = 2.0


def follow_seconds():
    """A leader held by a hung database is cut after the hang limit, and the breaker then
    fails a follower's own render at once. A follower that stopped waiting before that
    would begin a wait of its own on the database, and answer late."""
    hang = hang_seconds()
    return max(FOLLOW_SECONDS, hang + 1.0) if hang else FOLLOW_SECONDS


class _Flight:
    """One page being rendered in this process, under the versions its lookup read."""

    __slots__ = ("ident", "landed", "followers")

    def __init__(self, ident):
        self.ident = ident
        self.landed = threading.Event()
        self.followers = 0


class Flights:
    """The pages this process is rendering right now, shared by the worker's threads. An
    entry lives from its render's start to the end of its store (`land`), so nothing
    outlives the requests that use it."""

    def __init__(self):
        self._flying = {}
        self._lock = threading.Lock()

    def board(self, found):
        """(flight, leading): the render of `found`'s page under `found`'s versions, joined
        as a follower, or a new one that this thread leads and must `land`."""
        ident = (found.key, frozenset(found.versions.items()))
        with self._lock:
            flight = self._flying.get(ident)
            if flight is None:
                flight = self._flying[ident] = _Flight(ident)
                return flight, True
            flight.followers += 1
            return flight, False

    def follow(self, flight, seconds):
        """Wait up to `seconds` for `flight` to land; whether it did."""
        try:
            return flight.landed.wait(max(0.0, seconds))
        finally:
            with self._lock:
                flight.followers -= 1

    def land(self, flight):
        with self._lock:
            if self._flying.get(flight.ident) is flight:
                del self._flying[flight.ident]
        flight.landed.set()

    def followers(self, key):
        """How many threads wait for a render of the page at `key`."""
        with self._lock:
            return sum(f.followers for ident, f in self._flying.items() if ident[0] == key)

    def __len__(self):
        return len(self._flying)


flights = Flights()


def render_once(request, tags, found):
    """Before rendering a page `found` has no fresh copy of: wait for the render another
    thread has begun of it under the same versions, and read the caches again. Returns
    (lookup, flight): serve `lookup` when it is fresh; otherwise render, and when `flight`
    is given, this thread leads it and lands it once the page is stored (or not)."""
    deadline = time.monotonic() + follow_seconds()
    while True:
        flight, leading = flights.board(found)
        if leading:
            # A render that landed between this thread's lookup and now kept its page here.
            stored = replace(found, entry=local_pages.get(found.key))
            if not stored.fresh:
                return found, flight
            flights.land(flight)
            return stored, None
        if not flights.follow(flight, deadline - time.monotonic()):
            return found, None  # the leader is slow: no longer wait for it
        again = lookup(request, tags)
        if again is None or again.fresh or again.versions == found.versions:
            # Stored by the leader; or it failed or made a page that cannot be kept, and
            # this thread tries itself.
            return again, None
        # Purged meanwhile: the leader's page is stale. Wait for a render under the new
        # versions, or make it.
        found = again


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
    # As a fresh page has it (CommonMiddleware, below the cache, sets it there).
    response.headers["Content-Length"] = str(len(entry["content"]))
    response.headers["Age"] = str(max(0, int(time.time() - entry["stored_at"])))
    return response
