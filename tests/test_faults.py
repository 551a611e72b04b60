"""Faults: the database or Redis going away must never show readers a 500."""

import contextlib
import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from feed.models import FEED
from lib import middleware
from lib import pagecache as page_cache

from . import servers

DEAD_REDIS = "redis://127.0.0.1:8119/0"  # nothing listens there


@contextlib.contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL has gone away."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture(autouse=True)
def fresh_outage_log():
    """Outages are logged once per few seconds per process; each test starts unlogged."""
    middleware.outage_log.forget()


@pytest.fixture
def story(make_article):
    return make_article(headline="Troops deployed to Kursk", slug="troops-deployed-to-kursk")


class TestDatabaseOutage:
    def test_readers_get_a_static_503_with_retry_after(self, reader, story, settings):
        with database_down():
            response = reader.get(story.get_absolute_url())
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.NEWSROOM_RETRY_AFTER)
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert "back in a moment" in html
        assert "Traceback" not in html and "OperationalError" not in html

    def test_an_outage_in_middleware_is_a_503_too(self, db):
        """A 404 asks the redirects table, from middleware below the view."""
        reader = Client(raise_request_exception=False)
        with database_down():
            response = reader.get("/no-such-page/")
        assert response.status_code == 503
        assert "Retry-After" in response

    def test_the_outage_is_logged_without_a_500(self, reader, story, caplog):
        with caplog.at_level(logging.ERROR), database_down():
            reader.get(story.get_absolute_url())
        assert "Database unavailable" in caplog.text
        assert "Internal Server Error" not in caplog.text

    def test_the_site_recovers_by_itself(self, reader, story):
        with database_down():
            assert reader.get(story.get_absolute_url()).status_code == 503
        assert reader.get(story.get_absolute_url()).status_code == 200

    def test_editors_get_the_503_too(self, editor_client, story):
        editor_client.get("/")  # the session is loaded while the database is up
        with database_down():
            assert editor_client.get(story.get_absolute_url()).status_code == 503


@pytest.mark.usefixtures("page_cache")
class TestCachedPagesDuringAnOutage:
    def test_cached_pages_keep_being_served(self, reader, story):
        url = story.get_absolute_url()
        reader.get(url)
        with database_down():
            response = reader.get(url)
        assert response.status_code == 200
        assert "Troops deployed to Kursk" in response.content.decode()

    def test_pages_past_their_freshness_are_served_stale_rather_than_a_503(
        self, reader, story, settings
    ):
        url = story.get_absolute_url()
        reader.get(url)
        later = timezone.now() + timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_SECONDS + 60)
        with time_machine.travel(later), database_down():
            response = reader.get(url)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "stale"

    def test_a_purged_page_is_never_served_even_during_an_outage(self, reader, story):
        url = story.get_absolute_url()
        reader.get(url)
        story.kill("Withdrawn.")
        with database_down():
            assert reader.get(url).status_code == 503


class TestRedisOutage:
    @pytest.fixture
    def redis_down(self, settings, page_cache):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": DEAD_REDIS,
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }

    def test_pages_are_served_uncached_and_the_problem_logged(
        self, story, redis_down, reader, caplog
    ):
        with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
            first = reader.get(story.get_absolute_url())
            second = reader.get("/")
        assert (first.status_code, second.status_code) == (200, 200)
        assert "X-Page-Cache" not in first
        assert "Cache unreachable" in caplog.text
        # Logged once per outage, not once per request.
        assert caplog.text.count("Cache unreachable") == 1

    def test_editors_saves_succeed_and_their_purges_wait_for_redis(self, story, redis_down):
        story.headline = "Saved while Redis was down"
        story.save()
        story.refresh_from_db()
        assert story.headline == "Saved while Redis was down"
        assert FEED in page_cache._pending_purges

    def test_waiting_purges_are_replayed_when_redis_returns(self, story, redis_down, settings):
        story.save()
        assert page_cache._pending_purges
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "redis-back",
            }
        }
        page_cache.outage.until = 0.0
        from django.core.cache import cache

        page_cache.lookup(_request(story.get_absolute_url()), [FEED])
        assert not page_cache._pending_purges
        assert cache.get(page_cache.VERSION_PREFIX + FEED)


def _request(path):
    from django.test import RequestFactory

    return RequestFactory().get(path)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    servers.collect_static(static_root)
    return static_root


@pytest.mark.django_db(transaction=True)
def test_a_real_app_server_rides_out_a_database_outage(story, collected_static, tmp_path):
    """PostgreSQL behind a relay we cut: the server answers 503s and cached pages, then
    recovers by itself when the database comes back."""
    proxy = servers.TcpProxy(8113, servers.database_address(connection.settings_dict)).start()
    database = servers.database_url(connection.settings_dict, port=8113)
    env = servers.production_env(database, collected_static)
    url = story.get_absolute_url()
    try:
        with servers.app_server(8114, env, tmp_path / "server.log") as server:
            assert servers.http_get(server + url)[0] == 200  # now cached in the server
            assert servers.http_get(server + "/readyz/")[0] == 200

            proxy.stop()
            status, headers, html = servers.http_get(server + url)
            assert status == 200 and "Troops deployed to Kursk" in html
            status, headers, html = servers.http_get(server + "/sections/nowhere/")
            assert status == 503
            assert headers["Retry-After"]
            assert "back in a moment" in html
            # Still in rotation: it serves its cached pages (readiness says "degraded").
            assert servers.http_get(server + "/readyz/")[0] == 200
            assert servers.http_get(server + "/healthz/")[0] == 200

            proxy.start()
            assert servers.http_get(server + "/readyz/")[0] == 200
            status, _, html = servers.http_get(server + story.section.get_absolute_url())
            assert status == 200 and "Troops deployed to Kursk" in html
    finally:
        proxy.stop()


class TestOutageLogging:
    def test_a_database_outage_is_logged_once_per_few_seconds_not_per_request(self, story, caplog):
        reader = Client(raise_request_exception=False)
        with caplog.at_level(logging.INFO), database_down():
            for _ in range(3):
                assert reader.get(story.get_absolute_url()).status_code == 503
                assert reader.get("/no-such-page/").status_code == 503  # in middleware
        lines = [record.getMessage() for record in caplog.records]
        assert len([line for line in lines if "Database unavailable" in line]) == 1
        assert not [line for line in lines if line.startswith(("Service Unavailable", "Internal"))]

    def test_the_next_line_says_how_many_requests_were_answered_503_meanwhile(self, story, caplog):
        reader = Client(raise_request_exception=False)
        with caplog.at_level(logging.ERROR), database_down():
            for _ in range(3):
                reader.get(story.get_absolute_url())
            middleware.outage_log.next_line_at = 0.0  # a few seconds later
            reader.get(story.get_absolute_url())
        assert "(2 more answered 503 since the last line)" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_head_requests_get_headers_only_and_no_warning(story, collected_static, tmp_path):
    import http.client

    env = servers.production_env(servers.database_url(connection.settings_dict), collected_static)
    log = tmp_path / "server.log"
    with servers.app_server(8115, env, log):
        for path in (story.get_absolute_url(), "/", story.get_absolute_url()):
            conn = http.client.HTTPConnection("127.0.0.1", 8115, timeout=15)
            conn.request("HEAD", path, headers={"Host": "localhost"})
            response = conn.getresponse()
            assert response.status == 200 and response.read() == b""
            assert int(response.getheader("Content-Length")) > 0
            conn.close()
    assert "no-body response" not in log.read_text()
