"""No purge is ever lost: once an editor's kill returns, no app server serves the killed
article again, whatever happens to Redis, to the database or to the process that killed it.

Real processes: two gunicorn app servers with production settings, sharing a redis-server
of the test's own and reaching PostgreSQL through a relay the test can cut; the kill is
made by `manage.py shell -c`, a process that exits when it is done.
"""

import contextlib
import textwrap

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from . import servers

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_PORT, SERVER_PORTS, RELAY_PORT = 8151, (8152, 8153), 8154
HEADLINE = "Troops deployed to Kursk"
NOTE = "Withdrawn: the report could not be verified."


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    servers.collect_static(root)
    return root


@pytest.fixture
def story(make_article, make_section):
    section = make_section(name="World", slug="world", in_news_feed=True)
    return make_article(headline=HEADLINE, slug="troops-deployed-to-kursk", section=section)


@pytest.fixture
def untouched(make_article, make_section):
    """The page of a section the killed article is not in, which the kill does not change."""
    quiet = make_section(name="Culture", slug="culture", in_news_feed=False)
    make_article(headline="Opera season opens", slug="opera-season-opens", section=quiet)
    return quiet.get_absolute_url()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("desk-editor", password="not-used-here")


@pytest.fixture
def redis_server(tmp_path):
    server = servers.RedisServer(REDIS_PORT, tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def cluster(redis_server, static_root, tmp_path):
    """Two app servers sharing the Redis; their database goes through a relay to cut."""
    relay = servers.TcpProxy(RELAY_PORT, servers.database_address(connection.settings_dict))
    relay.start()
    env = servers.production_env(
        servers.database_url(connection.settings_dict, port=RELAY_PORT),
        static_root,
        REDIS_URL=redis_server.url,
    )
    try:
        with contextlib.ExitStack() as stack:
            bases = [
                stack.enter_context(servers.app_server(port, env, tmp_path / f"{port}.log"))
                for port in SERVER_PORTS
            ]
            yield relay, bases
    finally:
        relay.stop()


@pytest.fixture
def shell_env(redis_server, static_root):
    """A staff shell's environment: production settings, the database reached directly."""
    return servers.production_env(
        servers.database_url(connection.settings_dict), static_root, REDIS_URL=redis_server.url
    )


def get_as_site(url):
    return servers.http_get(url, headers={"Host": "localhost"})


def pages_showing(story):
    return [story.get_absolute_url(), "/", story.section.get_absolute_url()]


def cache_everywhere(bases, urls):
    """Every server answers every page from the cache (its own copy or Redis)."""
    for base in bases:
        for url in urls:
            get_as_site(base + url)
            status, headers, html = get_as_site(base + url)
            assert (status, headers["X-Page-Cache"]) == (200, "hit"), (base, url)
            assert HEADLINE in html or "culture" in url, (base, url)


def stale_reads(bases, story):
    """Every answer, on any server, that still shows the killed article."""
    reads = []
    for base in bases:
        for url in pages_showing(story):
            status, headers, html = get_as_site(base + url)
            if status == 200 and HEADLINE in html:
                reads.append((base, url, headers.get("X-Page-Cache")))
    return reads


def kill_from_a_shell(env, story, editor, *, after_a_reader=False):
    """The kill, by the desk's one step, from a process that exits when it is done.
    `after_a_reader`: the process has just served a reader, as a worker has."""
    reader = 'Client(HTTP_HOST="localhost").get("/")\n' if after_a_reader else ""
    code = textwrap.dedent(f"""\
        from django.contrib.auth import get_user_model
        from django.test import Client
        from articles.models import Article
        from desk import workflow
        {reader}
        article = Article.objects.get(pk={story.pk})
        user = get_user_model().objects.get(pk={editor.pk})
        workflow.kill(article, user, {NOTE!r})
        """)
    servers.manage(env, "shell", "-c", code)
    story.refresh_from_db()
    assert story.status == "killed"


def assert_killed_everywhere(bases, story):
    for base in bases:
        status, _, html = get_as_site(base + story.get_absolute_url())
        assert status == 410 and NOTE in html, base


def test_a_kill_made_while_redis_hangs_holds_after_the_killing_process_exits(
    cluster, redis_server, shell_env, story, editor
):
    _, bases = cluster
    cache_everywhere(bases, pages_showing(story))

    redis_server.hang()
    kill_from_a_shell(shell_env, story, editor, after_a_reader=True)  # it could not reach Redis
    redis_server.resume()

    assert stale_reads(bases, story) == []
    assert_killed_everywhere(bases, story)


def test_a_kill_from_a_shell_while_redis_is_down_holds_when_redis_returns(
    cluster, redis_server, shell_env, story, editor
):
    _, bases = cluster
    cache_everywhere(bases, pages_showing(story))

    redis_server.stop(snapshot=True)  # down for maintenance, its pages kept on disk
    kill_from_a_shell(shell_env, story, editor)
    redis_server.start()

    assert stale_reads(bases, story) == []
    assert_killed_everywhere(bases, story)


def test_redis_restored_from_a_snapshot_taken_before_the_kill_never_brings_it_back(
    cluster, redis_server, shell_env, story, editor
):
    _, bases = cluster
    cache_everywhere(bases, pages_showing(story))
    redis_server.snapshot()

    kill_from_a_shell(shell_env, story, editor)
    assert stale_reads(bases, story) == []  # Redis had the purge, until...
    redis_server.stop()
    redis_server.start()  # ...it restarts from the older snapshot

    assert stale_reads(bases, story) == []
    assert_killed_everywhere(bases, story)


def test_a_database_outage_after_a_kill_redis_missed_never_serves_it_stale(
    cluster, redis_server, shell_env, story, editor
):
    relay, bases = cluster
    cache_everywhere(bases, pages_showing(story))

    redis_server.stop(snapshot=True)
    kill_from_a_shell(shell_env, story, editor)
    relay.stop()  # the database goes away before any server could catch up
    redis_server.start()

    assert stale_reads(bases, story) == []
    for base in bases:
        status, headers, _ = get_as_site(base + story.get_absolute_url())
        assert status == 503 and headers["Retry-After"], base

    relay.start()
    assert stale_reads(bases, story) == []
    assert_killed_everywhere(bases, story)


def test_during_a_database_outage_after_a_kill_the_untouched_pages_are_still_served(
    cluster, shell_env, story, untouched, editor
):
    relay, bases = cluster
    cache_everywhere(bases, [*pages_showing(story), untouched])

    kill_from_a_shell(shell_env, story, editor)
    relay.stop()

    assert stale_reads(bases, story) == []
    for base in bases:
        status, headers, html = get_as_site(base + untouched)
        assert status == 200 and headers["X-Page-Cache"] in {"hit", "stale"}, base
        assert "Opera season opens" in html
