"""The News Feed's live updates: what /feed/updates/ tells an open page, and what it costs."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status
from desk import workflow
from feed import views
from feed.models import FEED, FeedEntry
from lib import pagecache as page_cache

pytestmark = pytest.mark.django_db

NEW_LIST = re.compile(r"<ol class=\"entries\" data-new>(.*?)</ol>", re.DOTALL)
STILL_SHOWN = re.compile(r'<li data-shown="(\d+)" data-updated="([^"]*)">(.*?)</li>', re.DOTALL)


def ask(reader, *shown, **headers):
    response = reader.get(f"/feed/updates/?shown={','.join(str(e.pk) for e in shown)}", **headers)
    assert response.status_code == 200
    return response


def new_ids(response):
    (new,) = NEW_LIST.findall(response.content.decode())
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', new)]


def still_shown(response):
    """{id: (updated time, stamp)} of the shown entries still public, in the page's order."""
    found = STILL_SHOWN.findall(response.content.decode())
    return {int(pk): (updated, stamp) for pk, updated, stamp in found}


@pytest.fixture
def shown(make_entry):
    """What an open page shows: three entries, newest first."""
    now = timezone.now()
    return [make_entry(published_at=now - timedelta(minutes=minutes)) for minutes in (10, 20, 30)]


class TestNewEntries:
    def test_entries_newer_than_the_newest_shown_are_sent_newest_first(
        self, reader, shown, make_entry
    ):
        later = make_entry(headline="Later", published_at=timezone.now() - timedelta(minutes=5))
        latest = make_entry(headline="Latest", published_at=timezone.now() - timedelta(minutes=1))
        response = ask(reader, *shown)
        assert new_ids(response) == [latest.pk, later.pk]
        html = response.content.decode()
        assert "Latest" in html and 'href="/feed/' in html  # whole entries, ready to insert
        assert "data-more-new" not in html

    def test_nothing_new_sends_no_entry(self, reader, shown):
        assert new_ids(ask(reader, *shown)) == []

    def test_older_entries_the_page_does_not_show_are_not_new(self, reader, shown, make_entry):
        make_entry(published_at=timezone.now() - timedelta(hours=3))
        assert new_ids(ask(reader, shown[0])) == []

    def test_an_entry_published_in_the_same_microsecond_is_new_by_its_id(
        self, reader, shown, make_entry
    ):
        twin = make_entry(published_at=shown[0].published_at)
        assert twin.pk > shown[0].pk
        assert new_ids(ask(reader, *shown)) == [twin.pk]

    def test_drafts_and_scheduled_entries_are_not_sent(self, reader, shown, make_entry):
        make_entry(status=FeedEntry.Status.DRAFT, published_at=timezone.now())
        make_entry(published_at=timezone.now() + timedelta(hours=1))
        assert new_ids(ask(reader, *shown)) == []

    def test_an_article_published_from_the_desk_is_new(
        self, reader, shown, make_article, desk_editor
    ):
        article = make_article(publish=False, photo=True)
        workflow.publish_now(article, desk_editor)
        assert new_ids(ask(reader, *shown)) == [article.feed_entry.pk]

    def test_more_new_entries_than_a_batch_are_flagged_not_all_sent(
        self, reader, shown, make_entry, settings
    ):
        settings.NEWSROOM_FEED_BATCH = 2
        for minutes in (1, 2, 3):
            make_entry(published_at=timezone.now() - timedelta(minutes=minutes))
        response = ask(reader, *shown)
        assert len(new_ids(response)) == 2
        assert "data-more-new" in response.content.decode()

    def test_a_pinned_entry_shown_above_the_stream_holds_nothing_back(
        self, reader, shown, make_entry
    ):
        pinned = make_entry(pinned=True, published_at=timezone.now())
        newer = make_entry(published_at=timezone.now() - timedelta(minutes=2))
        assert new_ids(ask(reader, pinned, *shown)) == [newer.pk]

    def test_a_page_showing_nothing_gets_the_latest_batch(self, reader, make_entry):
        entry = make_entry()
        response = reader.get("/feed/updates/?shown=")
        assert new_ids(response) == [entry.pk]


class TestShownEntries:
    def test_public_shown_entries_are_listed_in_the_pages_order(self, reader, shown):
        assert list(still_shown(ask(reader, *shown))) == [entry.pk for entry in shown]

    def test_an_updated_entry_carries_its_new_stamp(self, reader, shown):
        shown[1].mark_updated()
        listed = still_shown(ask(reader, *shown))
        updated, stamp = listed[shown[1].pk]
        assert updated and f'<time datetime="{updated}">' in stamp
        assert stamp.startswith('<span class="entry__updated">(Updated: ')
        assert listed[shown[0].pk] == ("", "")

    def test_a_killed_article_takes_its_entry_off_open_pages(
        self, reader, shown, make_article, desk_editor
    ):
        article = make_article()
        entry = article.feed_entry
        workflow.kill(article, desk_editor, "Withdrawn: the source retracted.")
        assert entry.pk not in still_shown(ask(reader, entry, *shown))

    def test_unpublished_and_deleted_entries_are_gone(
        self, reader, shown, make_article, desk_editor
    ):
        article = make_article()
        workflow.unpublish(article, desk_editor)
        assert article.status == Status.DRAFT
        drafted, deleted = shown[0], shown[2]
        drafted.status = FeedEntry.Status.DRAFT
        drafted.save()
        deleted_pk = deleted.pk
        deleted.delete()
        listed = still_shown(
            reader.get(
                f"/feed/updates/?shown={article.feed_entry.pk},{drafted.pk},"
                f"{shown[1].pk},{deleted_pk}"
            )
        )
        assert list(listed) == [shown[1].pk]

    def test_a_gone_newest_entry_still_anchors_what_is_new(self, reader, shown, make_entry):
        shown[0].status = FeedEntry.Status.DRAFT
        shown[0].save()
        newer = make_entry(published_at=timezone.now() - timedelta(minutes=1))
        response = ask(reader, *shown)
        assert new_ids(response) == [newer.pk]
        assert list(still_shown(response)) == [shown[1].pk, shown[2].pk]

    def test_only_the_first_hundred_shown_are_read(self, reader, make_entry):
        entries = [make_entry() for _ in range(views.MAX_SHOWN + 5)]
        response = ask(reader, *entries)
        assert len(still_shown(response)) == views.MAX_SHOWN


class TestRequests:
    @pytest.mark.parametrize(
        "shown", ["abc", "1,,2", "-1", "1;2", "%00", "²", "9" * 30, "1, 2", str(2**63)]
    )
    def test_a_list_that_is_not_of_ids_is_a_400(self, reader, shown):
        assert reader.get("/feed/updates/", {"shown": shown}).status_code == 400

    def test_says_how_often_to_ask_and_when_an_idle_page_stops(self, reader, shown, settings):
        html = ask(reader, *shown).content.decode()
        assert f'data-check-after="{settings.NEWSROOM_FEED_CHECK_SECONDS}"' in html
        assert f'data-idle-after="{settings.NEWSROOM_FEED_IDLE_SECONDS}"' in html
        settings.NEWSROOM_FEED_CHECK_SECONDS = 5
        assert 'data-check-after="5"' in ask(reader, *shown).content.decode()

    def test_is_a_fragment_kept_out_of_search_engines(self, reader, shown):
        response = ask(reader, *shown)
        assert response["X-Robots-Tag"] == "noindex"
        assert "<html" not in response.content.decode()

    @pytest.mark.parametrize("count", [2, 4, 60])
    def test_query_count_is_constant(self, reader, make_entry, count, django_assert_num_queries):
        entries = [make_entry() for _ in range(count)]
        newest = entries.pop(0)
        reader.get("/feed/updates/?shown=")
        with django_assert_num_queries(2):  # the shown entries, then what is newer
            response = ask(reader, *entries)
        assert new_ids(response) == [newest.pk]
        with django_assert_num_queries(1):
            reader.get("/feed/updates/?shown=")


class TestPageCache:
    def test_depends_on_the_news_feed_only(self):
        assert page_cache.tags_for("/feed/updates/") == (page_cache.SITE, FEED)

    def test_every_open_page_alike_is_answered_from_the_cache_and_304(
        self, page_cache, reader, shown, django_assert_num_queries
    ):
        first = ask(reader, *shown)
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            again = ask(reader, *shown)
            unchanged = reader.get(
                f"/feed/updates/?shown={','.join(str(e.pk) for e in shown)}",
                headers={"if-none-match": first["ETag"]},
            )
        assert again["X-Page-Cache"] == "hit"
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == first["ETag"]

    def test_a_new_entry_ends_the_cached_answer(self, page_cache, reader, shown, make_entry):
        before = ask(reader, *shown)
        entry = make_entry(published_at=timezone.now())
        after = reader.get(
            f"/feed/updates/?shown={','.join(str(e.pk) for e in shown)}",
            headers={"if-none-match": before["ETag"]},
        )
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert new_ids(after) == [entry.pk]

    def test_a_kill_ends_the_cached_answer(
        self, page_cache, reader, shown, make_article, desk_editor,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        article = make_article()
        entry = article.feed_entry
        assert entry.pk in still_shown(ask(reader, entry, *shown))
        with django_capture_on_commit_callbacks(execute=True):  # the desk purges on commit
            workflow.kill(article, desk_editor, "Withdrawn.")
        assert entry.pk not in still_shown(ask(reader, entry, *shown))


class TestPagesThatUpdate:
    def test_the_news_feed_asks_for_updates_on_its_first_page_only(
        self, reader, make_entry, settings
    ):
        settings.NEWSROOM_FEED_BATCH = 2
        entries = [make_entry() for _ in range(3)]
        html = reader.get("/").content.decode()
        assert 'data-live="/feed/updates/" data-live-into="feed-entries"' in html
        assert f'data-entry="{entries[0].pk}" data-updated=""' in html
        cursor = reader.get("/").context["batch"].next_cursor
        assert "data-live=" not in reader.get(f"/?before={cursor}").content.decode()

    def test_an_updated_entry_carries_its_updated_time(self, reader, make_entry):
        entry = make_entry()
        entry.mark_updated()
        html = reader.get("/").content.decode()
        stamp = re.search(rf'data-entry="{entry.pk}" data-updated="([^"]+)"', html).group(1)
        assert f'(Updated: <time datetime="{stamp}">' in html

    def test_the_article_sidebar_asks_for_updates(self, reader, make_article):
        article = make_article()
        html = reader.get(article.get_absolute_url()).content.decode()
        assert 'data-live="/feed/updates/" data-live-into="sidebar-entries"' in html
        assert f'data-entry="{article.feed_entry.pk}"' in html
