"""A database that hangs (accepts connections, answers nothing) never takes the site down.

Real processes: gunicorn with deploy/gunicorn.conf.py and production settings, sharing a
Redis page cache, reaching PostgreSQL through a relay the test freezes. Under load from
16 connections, cached pages, /healthz/ and static files keep answering fast, uncached
pages answer 503 with Retry-After within 5 seconds, and the site recovers by itself within
a second of the database answering again.
"""

import collections
import http.client
import statistics
import threading
import time

import pytest
from django.db import connection

from lib.postgresql import base

from . import servers
from .deployed import env_through, production_app_server, start_relay
from .relays import FreezableRelay

pytestmark = pytest.mark.django_db(transaction=True)

RELAY_PORT, APP_PORT = 8141, 8142
CONNECTIONS = 16
FROZEN_SECONDS = 8.0
AFTER_THAW_SECONDS = 3.0


class Load:
    """CONNECTIONS clients, each on its own keep-alive connection, cycling through `kinds`
    (name -> function giving a path) and recording (kind, started, seconds, status)."""

    def __init__(self, kinds):
        self.kinds = list(kinds.items())
        self.results = []
        self.lock = threading.Lock()
        self.running = threading.Event()

    def _client(self, number):
        conn = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
        turn = number
        while self.running.is_set():
            name, path_for = self.kinds[turn % len(self.kinds)]
            turn += 1
            started = time.monotonic()
            try:
                conn.request("GET", path_for(), headers={"Host": "localhost"})
                response = conn.getresponse()
                response.read()
                status, retry = response.status, response.getheader("Retry-After")
            except OSError:
                status, retry = None, None
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
            with self.lock:
                self.results.append((name, started, time.monotonic() - started, status, retry))
        conn.close()

    def __enter__(self):
        self.running.set()
        self.threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(CONNECTIONS)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=40)

    def between(self, start, end, *names):
        return [r for r in self.results if start <= r[1] < end and r[0] in names]


def p99(values):
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else max(values)


def test_a_hung_database_leaves_cached_pages_fast_and_uncached_ones_a_quick_503(
    make_article, static_root, tmp_path
):
    stories = [make_article(headline=f"Story {number} of the day") for number in range(2)]
    relay = start_relay(RELAY_PORT, FreezableRelay)
    env = env_through(relay, static_root)
    static_path = next((static_root / "css").glob("site.*.css")).relative_to(static_root)
    searches = iter(range(10**9))
    kinds = {
        "cached": lambda: stories[next(searches) % 2].get_absolute_url(),
        "healthz": lambda: "/healthz/",
        "static": lambda: f"/static/{static_path}",
        "uncached": lambda: f"/search/?q=story{next(searches)}",
    }
    try:
        with production_app_server(APP_PORT, env, tmp_path / "gunicorn.log", workers=2) as base:
            for story in stories:  # in the shared cache for both workers
                for _ in range(3):
                    page = servers.http_get(base + story.get_absolute_url(), {"Host": "localhost"})
                    assert page[0] == 200
            with Load(kinds) as load:
                time.sleep(1.0)  # the load runs against a healthy database first
                frozen_at = time.monotonic()
                relay.freeze()
                time.sleep(FROZEN_SECONDS)
                thawed_at = time.monotonic()
                relay.thaw()
                time.sleep(AFTER_THAW_SECONDS)
    finally:
        relay.thaw()
        relay.stop()

    frozen = load.between(frozen_at, thawed_at, "cached", "healthz", "static")
    failed = collections.Counter(
        (kind, status) for kind, _, _, status, _ in frozen if status != 200
    )
    assert frozen and not failed, failed
    fast = p99([seconds for _, _, seconds, _, _ in frozen])
    uncached = load.between(frozen_at, thawed_at - 5, "uncached")
    assert uncached and all(status == 503 and retry for *_, status, retry in uncached)
    slowest_503 = max(seconds for _, _, seconds, _, _ in uncached)
    recovered = [
        started + seconds - thawed_at
        for _, started, seconds, status, _ in load.between(thawed_at, thawed_at + 3, "uncached")
        if status == 200
    ]
    print(
        f"\nfrozen {FROZEN_SECONDS:.0f}s, {CONNECTIONS} connections: "
        f"cached/healthz/static {len(frozen)} requests, p99 {fast * 1000:.1f} ms; "
        f"uncached {len(uncached)} answered 503, slowest {slowest_503:.2f} s; "
        f"first 200 after thaw {min(recovered, default=float('nan')):.2f} s"
    )
    assert fast < 0.100
    assert slowest_503 < 5.0
    assert recovered and min(recovered) < 1.0


def test_a_migration_holding_a_table_lock_costs_readers_a_503_in_seconds(make_article, client):
    """A migration's ACCESS EXCLUSIVE lock: readers give up at lock_timeout, not after it."""
    import psycopg

    story = make_article(headline="Locked out for a moment")
    settings_dict = connection.settings_dict
    with psycopg.connect(servers.database_url(settings_dict)) as migration:
        migration.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = client.get(story.get_absolute_url())
        waited = time.monotonic() - started
        migration.rollback()
    assert response.status_code == 503 and response["Retry-After"]
    assert waited < 5.0
    assert client.get(story.get_absolute_url()).status_code == 200  # the lock is gone


def test_timeouts_in_numbers_trip_the_breaker_and_the_site_recovers_within_a_second(
    make_article, client
):
    import psycopg

    story = make_article(headline="Locked out for a moment")
    with psycopg.connect(servers.database_url(connection.settings_dict)) as migration:
        migration.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        for _ in range(base.TIMEOUTS_TO_TRIP):
            assert client.get(story.get_absolute_url()).status_code == 503
        started = time.monotonic()
        assert client.get(story.get_absolute_url()).status_code == 503
        assert time.monotonic() - started < 0.1  # failed at once: no worker waits
        migration.rollback()
    released = time.monotonic()
    while client.get(story.get_absolute_url()).status_code != 200:
        assert time.monotonic() - released < 1.5
        time.sleep(0.05)  # polling the site's own recovery, not timing a result
