"""Every response a reader can get carries the same security headers: a page-cache miss
and the next hit, a 304, a 404, a 410, a stale copy and the 503 page, from a real app
server with production settings and the page cache on."""

import time

import pytest

from articles.models import Status

from . import servers
from .deployed import env_through, start_relay

pytestmark = pytest.mark.django_db(transaction=True)

RELAY_PORT, APP_PORT = 8143, 8144
SECURITY_HEADERS = {
    "content-security-policy",
    "x-frame-options",
    "strict-transport-security",
    "x-content-type-options",
    "referrer-policy",
}
# What legitimately differs between a miss and a hit of the same page.
PER_RESPONSE = {"age", "x-page-cache", "date"}


def fetch(base, path, **headers):
    # As the TLS proxy in front sends them: the site's host, over HTTPS.
    sent = {"Host": "localhost", "X-Forwarded-Proto": "https", **headers}
    status, received, body = servers.http_get(base + path, sent)
    return status, {name.lower(): value for name, value in received.items()}, body


def names(headers):
    return set(headers) - PER_RESPONSE


def test_every_response_a_reader_can_get_carries_the_security_headers(
    make_article, make_entry, static_root, tmp_path
):
    story = make_article(headline="Grain corridor reopens", tags=["grain"], photo=True)
    killed = make_article(headline="A story withdrawn")
    killed.status, killed.kill_note = Status.KILLED, "Withdrawn."
    killed.save()
    entry = make_entry(headline="Sirens in Kyiv")
    author = story.byline[0]
    pages = [
        "/",
        f"/feed/{entry.pk}/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/tags/grain/",
        author.get_absolute_url(),
        "/search/?q=grain",
        "/corrections/",
        "/feed/rss/",
        f"/sections/{story.section.slug}/atom/",
        "/sitemap.xml",
    ]
    relay = start_relay(RELAY_PORT)
    env = env_through(
        relay,
        static_root,
        DJANGO_BEHIND_TLS_PROXY="1",
        NEWSROOM_PAGE_CACHE_SECONDS="1",  # so a kept copy turns stale within the test
    )
    try:
        with servers.app_server(APP_PORT, env, tmp_path / "server.log") as base:
            for path in pages:
                status, miss, _ = fetch(base, path)
                assert (status, miss.get("x-page-cache")) == (200, "miss"), path
                status, hit, _ = fetch(base, path)
                assert (status, hit.get("x-page-cache")) == (200, "hit"), path
                assert names(miss) >= SECURITY_HEADERS, path
                assert names(hit) == names(miss), path

                status, not_modified, _ = fetch(base, path, **{"If-None-Match": hit["etag"]})
                assert status == 304, path
                assert names(not_modified) >= SECURITY_HEADERS, path

            for path, expected in (
                ("/articles/no-such-story/", 404),
                (killed.get_absolute_url(), 410),
            ):
                status, headers, _ = fetch(base, path)
                assert status == expected, path
                assert names(headers) >= SECURITY_HEADERS, path

            relay.stop()  # the database goes away
            time.sleep(1.1)  # and the kept copies have turned stale
            status, stale, body = fetch(base, story.get_absolute_url())
            assert (status, stale.get("x-page-cache")) == (200, "stale")
            assert "Grain corridor reopens" in body
            assert names(stale) >= SECURITY_HEADERS
            status, unavailable, _ = fetch(base, "/search/?q=never-asked-before")
            assert status == 503 and unavailable.get("retry-after")
            assert names(unavailable) >= SECURITY_HEADERS
    finally:
        relay.stop()
