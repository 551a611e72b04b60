"""The shortcuts that keep pages cheap give the same answers as the long way round."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template, engines

from articles.models import Article
from lib import pagecache as page_cache

REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 15, 22, 30, 5, 123456, tzinfo=UTC),  # winter, next day in Kyiv
        datetime(2026, 7, 1, 8, 0, 0, tzinfo=UTC),  # summer time
    ],
)
def test_machine_time_writes_what_the_date_filter_writes(moment):
    fast = engines["jinja2"].from_string("{{ moment|machine_time }}").render({"moment": moment})
    slow = Template("{{ moment|date:'Y-m-d\\TH:i:sO' }}").render(Context({"moment": moment}))
    assert fast == slow
    assert fast in ("2026-01-16T00:30:05+0200", "2026-07-01T11:00:00+0300")


def test_machine_time_of_nothing_is_empty():
    assert engines["jinja2"].from_string("[{{ missing|machine_time }}]").render({}) == "[]"


def test_redis_backend_reuses_one_client_and_still_reads_and_writes():
    backend = page_cache.RedisCache(REDIS_URL, {"KEY_PREFIX": "test-render-costs"})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    backend.set("probe", {"value": 1}, 30)
    assert backend.get_many(["probe", "absent"]) == {"probe": {"value": 1}}
    backend.delete("probe")
    assert backend.get("probe") is None


def test_page_tags_follow_the_urlconf_in_force(settings):
    # The stories and entries beside it are holes of the page (lib.blocks).
    assert page_cache.tags_for("/articles/a-story/") == (
        page_cache.SITE,
        Article.cache_tag("a-story"),
    )
    # The same path under another URLconf is answered afresh, not from memory.
    settings.ROOT_URLCONF = "tests.urls_error"
    assert page_cache.tags_for("/articles/a-story/") == (page_cache.SITE, page_cache.CONTENT)
    assert page_cache.tags_for("/admin/") is None
