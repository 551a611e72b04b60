"""After a purge each page is rendered once per app server process: the other readers of
that page wait for the render and are answered from what it stored (a single flight).

The in-process tests serve this module as the URLconf: its page counts its renders and
holds each one until the test lets it go, so the test knows who rendered and who waited.
"""

import collections
import threading
import time

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from lib import pagecache
from lib.middleware import database_unavailable_response
from newsroom.urls import urlpatterns as site_urlpatterns

from . import servers
from .deployed import production_app_server

READERS = 8
SERVER_PORT = 8171


class Newsroom:
    """What the page below shows and how its renders go: each render shows the edition
    current when it began and waits for its edition's gate (or a few seconds)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.edition = 1
        self.renders = []  # (edition, whether the first render had failed), as begun
        self.gates = collections.defaultdict(threading.Event)
        self.first_render = "succeeds"
        self.first_failed = threading.Event()

    def render(self, name):
        with self.lock:
            first = not self.renders
            edition = self.edition
            self.renders.append((edition, self.first_failed.is_set()))
        self.gates[edition].wait(timeout=5)
        if first and self.first_render == "raises":
            self.first_failed.set()
            raise RuntimeError("The render failed.")
        if first and self.first_render == "database unavailable":
            self.first_failed.set()
            return database_unavailable_response()
        return HttpResponse(f"<p>{name}, edition {edition}</p>")

    def new_edition(self):
        with self.lock:
            self.edition += 1


newsroom = Newsroom()


@pagecache.depends_on(lambda name: [f"flight-{name}"])
def page(request, name):
    return newsroom.render(name)


urlpatterns = [path("flight/<slug:name>/", page), *site_urlpatterns]


@pytest.fixture
def pages(page_cache, settings, db):
    """The page cache on, and this module's page served with the site's."""
    global newsroom
    newsroom = Newsroom()
    settings.ROOT_URLCONF = __name__
    # As on a server that has been up a while: it has checked Redis against PostgreSQL.
    assert pagecache.lookup(RequestFactory().get("/"), (pagecache.SITE,)) is not None
    yield newsroom
    for gate in list(newsroom.gates.values()):
        gate.set()  # nothing left waiting, whatever the test did


class Readers:
    """Anonymous readers, each on a thread of its own, as a threaded app server has them."""

    def __init__(self):
        self.results = []
        self.threads = []
        self.lock = threading.Lock()

    def read(self, url, group="readers"):
        thread = threading.Thread(target=self._read, args=(url, group), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _read(self, url, group):
        try:
            response = Client(raise_request_exception=False).get(url)
            outcome = (group, response.status_code, response.get("X-Page-Cache"))
            with self.lock:
                self.results.append((*outcome, response.content.decode()))
        finally:
            connections.close_all()

    def finish(self):
        for thread in self.threads:
            thread.join(timeout=15)
        assert not any(thread.is_alive() for thread in self.threads), "a reader hung"
        return self.results


def until(condition, seconds=5.0):
    """Whether `condition` came true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)  # polling other threads' progress, not timing a result
    return True


def waiting(url):
    """How many readers wait for another's render of `url`."""
    return pagecache.flights.followers(pagecache.page_key(RequestFactory().get(url)))


def test_concurrent_readers_of_an_uncached_page_share_one_render(pages):
    url = "/flight/front/"
    readers = Readers()
    for _ in range(READERS):
        readers.read(url)
    # Every reader is either rendering (as without a single flight) or waiting for one.
    assert until(lambda: len(pages.renders) == READERS or waiting(url) == READERS - 1)
    pages.gates[1].set()
    results = readers.finish()

    assert len(pages.renders) == 1
    assert {(status, body) for _, status, _, body in results} == {(200, "<p>front, edition 1</p>")}
    outcomes = collections.Counter(cache for _, _, cache, _ in results)
    assert outcomes == {"miss": 1, "hit": READERS - 1}
    assert len(pagecache.flights) == 0  # nothing kept once the render is stored


def test_readers_who_arrive_after_a_purge_never_get_the_page_rendered_before_it(pages):
    url = "/flight/front/"
    readers = Readers()
    readers.read(url, "leader")
    assert until(lambda: len(pages.renders) == 1)
    for _ in range(READERS - 1):
        readers.read(url, "before")
    assert until(lambda: len(pages.renders) == READERS or waiting(url) == READERS - 1)

    # The leader is still rendering edition 1 when edition 2 is published and purged.
    pages.new_edition()
    pagecache.purge("flight-front")
    for _ in range(READERS):
        readers.read(url, "after")
    every_reader = 2 * READERS
    assert until(lambda: len(pages.renders) == every_reader or waiting(url) == every_reader - 2)
    pages.gates[1].set()  # the pre-purge render is stored, under versions no longer current
    assert until(lambda: any(group == "leader" for group, *_ in readers.results))
    pages.gates[2].set()
    results = readers.finish()

    # One render under each set of versions: the one begun before the purge, and one after.
    assert [edition for edition, _ in pages.renders] == [1, 2]
    after = [(status, body) for group, status, _, body in results if group == "after"]
    assert set(after) == {(200, "<p>front, edition 2</p>")}
    # Those who waited for the pre-purge render are not handed it either, once it is
    # stale: only the reader who rendered it gets it.
    editions = collections.Counter(body for _, _, _, body in results)
    assert editions == {"<p>front, edition 1</p>": 1, "<p>front, edition 2</p>": 2 * READERS - 1}
    assert len(pagecache.flights) == 0


@pytest.mark.parametrize("failure", ["raises", "database unavailable"])
def test_when_the_render_fails_the_waiting_readers_render_the_page_themselves(pages, failure):
    pages.first_render = failure
    url = "/flight/front/"
    readers = Readers()
    for _ in range(READERS):
        readers.read(url)
    assert until(lambda: len(pages.renders) == READERS or waiting(url) == READERS - 1)
    pages.gates[1].set()
    results = readers.finish()

    statuses = collections.Counter(status for _, status, _, _ in results)
    assert statuses == {{"raises": 500, "database unavailable": 503}[failure]: 1, 200: READERS - 1}
    # They waited for the failed render, then tried themselves (no reader hangs); the
    # first to store the page may answer the rest.
    first, *then = [failed for _, failed in pages.renders]
    assert not first and then and all(then)
    assert len(pagecache.flights) == 0


def test_a_render_slower_than_the_wait_lets_the_waiting_readers_render_themselves(
    pages, monkeypatch, settings
):
    monkeypatch.setattr(pagecache, "FOLLOW_SECONDS", 0.2)
    settings.NEWSROOM_DATABASE_HANG_SECONDS = 0
    url = "/flight/front/"
    readers = Readers()
    readers.read(url, "leader")
    assert until(lambda: len(pages.renders) == 1)
    # The leader is held until every other reader is answered; theirs are not.
    pages.new_edition()
    pages.gates[2].set()
    for _ in range(READERS - 1):
        readers.read(url, "follower")
    assert until(lambda: len(readers.results) == READERS - 1)
    pages.gates[1].set()
    results = readers.finish()

    assert len(pages.renders) == READERS
    assert {status for _, status, _, _ in results} == {200}
    leader = [body for group, _, _, body in results if group == "leader"]
    assert leader == ["<p>front, edition 1</p>"]
    assert len(pagecache.flights) == 0


def test_followers_of_a_render_held_by_a_hung_database_wait_until_it_is_cut(settings):
    settings.NEWSROOM_DATABASE_HANG_SECONDS = 4
    assert pagecache.follow_seconds() > 4
    settings.NEWSROOM_DATABASE_HANG_SECONDS = 0
    assert pagecache.follow_seconds() == pagecache.FOLLOW_SECONDS


@pytest.mark.django_db(transaction=True)
def test_a_threaded_app_server_renders_a_purged_page_once_for_every_reader(
    make_article, static_root, shared_redis, tmp_path
):
    story = make_article(headline="Ceasefire talks resume in Geneva")
    url = story.get_absolute_url()
    env = servers.production_env(
        servers.database_url(connection.settings_dict), static_root, **shared_redis
    )
    clients = 16
    with production_app_server(SERVER_PORT, env, tmp_path / "gunicorn.log") as base:
        for expected in ("miss", "hit"):
            status, headers, _ = servers.http_get(base + url, {"Host": "localhost"})
            assert (status, headers["X-Page-Cache"]) == (200, expected)

        story.headline = "Ceasefire talks collapse in Geneva"
        story.save()  # purges the page on every server

        start = threading.Barrier(clients)
        answers = []

        def read():
            start.wait(timeout=10)
            status, headers, html = servers.http_get(base + url, {"Host": "localhost"})
            answers.append((status, headers["X-Page-Cache"], html))

        threads = [threading.Thread(target=read) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert len(answers) == clients
    assert collections.Counter(cache for _, cache, _ in answers) == {"miss": 1, "hit": clients - 1}
    assert {status for status, _, _ in answers} == {200}
    assert len({html for _, _, html in answers}) == 1
    assert "Ceasefire talks collapse in Geneva" in answers[0][2]
