"""The blocks many pages show alike (section navigation, the News Feed beside a story,
Latest, Related, the pinned entries) are built once per purge and kept in each process;
every publish, update, correction, unpublish and kill reaches each of them at the next
render, on every app server, and so does a story whose time comes by the clock alone."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from articles.models import Status
from desk import workflow
from feed import publishing
from lib import pagecache
from lib.blocks import shared_blocks

from . import servers
from .deployed import production_app_server

FIRST_SERVER_PORT = 8174
SECOND_SERVER_PORT = 8175


def body(response):
    return response.content.decode()


@pytest.fixture
def story(make_article):
    """A story whose page carries every block; the page cache itself is off."""
    return make_article(headline="Harbour bridge reopens", tags=["transport"])


@pytest.fixture
def warm(reader, story):
    """The blocks built once, by a render of the story."""
    assert reader.get(story.get_absolute_url()).status_code == 200
    assert len(shared_blocks) >= 4
    return story


def test_blocks_are_built_once_for_every_page_that_shows_them(
    reader, make_article, django_assert_num_queries
):
    first = make_article(tags=["transport"])
    second = make_article(tags=["transport"])
    third = make_article(tags=["transport"])
    reader.get(first.get_absolute_url())
    reader.get(second.get_absolute_url())
    # The story itself, and its Related; the sidebar, Latest and navigation are kept.
    with django_assert_num_queries(2):
        assert reader.get(third.get_absolute_url()).status_code == 200
    # A page already shown: Related is kept too.
    with django_assert_num_queries(1):
        assert reader.get(third.get_absolute_url()).status_code == 200


def test_the_feed_page_keeps_its_pinned_entries_and_navigation(
    reader, make_entry, django_assert_num_queries
):
    make_entry(headline="Pinned: live updates", pinned=True)
    make_entry(headline="A plain entry")
    reader.get("/")
    with django_assert_num_queries(1):  # the stream alone
        page = body(reader.get("/"))
    assert "Pinned: live updates" in page and "A plain entry" in page


def test_a_new_entry_reaches_the_sidebar(reader, warm, make_entry):
    make_entry(headline="Ferry services resume")
    assert "Ferry services resume" in body(reader.get(warm.get_absolute_url()))


def test_an_updated_entry_reaches_the_sidebar(reader, warm, make_entry):
    entry = make_entry(headline="Traffic builds on the ring road")
    reader.get(warm.get_absolute_url())
    entry.headline = "Traffic clears on the ring road"
    entry.save()
    page = body(reader.get(warm.get_absolute_url()))
    assert "Traffic clears on the ring road" in page
    assert "Traffic builds on the ring road" not in page


def test_an_unpublished_entry_leaves_the_sidebar_and_the_pinned_entries(reader, warm, make_entry):
    entry = make_entry(headline="Storm warning lifted", pinned=True)
    assert "Storm warning lifted" in body(reader.get("/"))
    entry.status = entry.Status.DRAFT
    entry.save()
    assert "Storm warning lifted" not in body(reader.get("/"))
    assert "Storm warning lifted" not in body(reader.get(warm.get_absolute_url()))


def test_a_published_story_reaches_latest(reader, warm, make_article):
    make_article(headline="Council approves new budget")
    assert "Council approves new budget" in body(reader.get(warm.get_absolute_url()))


def test_a_killed_story_leaves_latest_related_and_the_sidebar(
    reader, make_article, editor, django_capture_on_commit_callbacks
):
    killed = make_article(headline="Minister resigns", tags=["transport"])
    story = make_article(headline="Rail strike called off", tags=["transport"])
    page = body(reader.get(story.get_absolute_url()))
    assert page.count("Minister resigns") >= 2  # Related, Latest and the sidebar
    with django_capture_on_commit_callbacks(execute=True):
        workflow.kill(killed, editor, "The report was wrong.")
    assert "Minister resigns" not in body(reader.get(story.get_absolute_url()))


def test_an_unpublished_story_leaves_related(reader, make_article):
    pulled = make_article(headline="Airport expansion approved", tags=["transport"])
    story = make_article(headline="Runway plans published", tags=["transport"])
    assert "Airport expansion approved" in body(reader.get(story.get_absolute_url()))
    pulled.unpublish()
    assert "Airport expansion approved" not in body(reader.get(story.get_absolute_url()))


def test_a_corrected_headline_reaches_latest(reader, make_article):
    corrected = make_article(headline="Mayor opens the new libary")
    story = make_article(headline="Schools reopen")
    assert "Mayor opens the new libary" in body(reader.get(story.get_absolute_url()))
    corrected.headline = "Mayor opens the new library"
    corrected.save()
    corrected.add_correction("The headline misspelt “library”.")
    assert "Mayor opens the new library" in body(reader.get(story.get_absolute_url()))


def test_a_renamed_section_reaches_the_navigation(reader, warm):
    section = warm.section
    section.name = "Transport and Cities"
    section.save()
    assert "Transport and Cities" in body(reader.get("/"))


def test_a_story_scheduled_for_later_appears_in_latest_at_its_time(reader, warm, make_article):
    at = timezone.now() + timedelta(minutes=10)
    scheduled = make_article(headline="Election results declared", publish=False)
    scheduled.schedule(at)
    assert scheduled.status == Status.PUBLISHED
    assert "Election results declared" not in body(reader.get(warm.get_absolute_url()))
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        pagecache.check.forget()  # as the clock moved on, so did the process's last check
        assert "Election results declared" in body(reader.get(warm.get_absolute_url()))


def test_without_a_cache_that_can_be_trusted_every_block_is_built_afresh(
    reader, warm, make_entry, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(pagecache, "_read", lambda *args, **kwargs: None)
    make_entry(headline="Water supply restored")
    # The story, the sidebar, the navigation, Latest and Related: the stories kept for it
    # (none), then the story, to choose live.
    with django_assert_num_queries(6):
        page = body(reader.get(warm.get_absolute_url()))
    assert "Water supply restored" in page


def test_the_blocks_can_be_turned_off(reader, warm, settings, django_assert_num_queries):
    settings.NEWSROOM_SHARED_BLOCKS = 0
    with django_assert_num_queries(6):  # as above
        assert reader.get(warm.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_every_change_reaches_the_blocks_of_every_app_server(
    make_article, make_entry, static_root, shared_redis, tmp_path
):
    """Two app servers as deployed, with the page cache off and their blocks kept: each
    change made through the models shows on both at their next render."""
    story = make_article(headline="Harbour bridge reopens", tags=["transport"])
    entry = make_entry(headline="Ferry timetable changes")
    url = story.get_absolute_url()
    env = servers.production_env(
        servers.database_url(connection.settings_dict),
        static_root,
        NEWSROOM_PAGE_CACHE_SECONDS="0",
        **shared_redis,
    )

    def pages(*bases):
        answers = []
        for base in bases:
            status, headers, content = servers.http_get(base + url, {"Host": "localhost"})
            assert status == 200 and "X-Page-Cache" not in headers
            answers.append(content)
        return answers

    with (
        production_app_server(FIRST_SERVER_PORT, env, tmp_path / "first.log") as first,
        production_app_server(SECOND_SERVER_PORT, env, tmp_path / "second.log") as second,
    ):
        for page in pages(first, second) + pages(first, second):  # built, then kept
            assert "Ferry timetable changes" in page

        make_entry(headline="Tram line extended")  # publish
        entry.headline = "Ferry timetable restored"  # update
        entry.save()
        latest = make_article(headline="Port workers agree pay deal", tags=["transport"])
        for page in pages(first, second):
            assert "Tram line extended" in page
            assert "Ferry timetable restored" in page
            assert "Ferry timetable changes" not in page
            assert "Port workers agree pay deal" in page

        latest.headline = "Port workers reject pay deal"  # correction
        latest.save()
        latest.add_correction("The vote went the other way.")
        for page in pages(first, second):
            assert "Port workers reject pay deal" in page
            assert "Port workers agree pay deal" not in page

        latest.unpublish()
        for page in pages(first, second):
            assert "Port workers reject pay deal" not in page

        latest.publish()
        assert all("Port workers reject pay deal" in page for page in pages(first, second))
        latest.kill("The story was withdrawn.")
        for page in pages(first, second):
            assert "Port workers reject pay deal" not in page

        publishing.publish(make_article(headline="Lighthouse restored", publish=False))
        assert all("Lighthouse restored" in page for page in pages(first, second))


# The article page keeps the News Feed, Latest and Related as holes, filled as the page
# is answered: the page cache keeps the story under its own tags.

THIRD_SERVER_PORT = 8176
FOURTH_SERVER_PORT = 8177


def get(reader, url, **headers):
    response = reader.get(url, headers=headers)
    assert response.status_code in (200, 304), url
    return response


def test_a_new_entry_beside_a_kept_story_needs_no_new_render(page_cache, reader, warm, make_entry):
    url = warm.get_absolute_url()
    first = get(reader, url)
    assert first["X-Page-Cache"] == "hit"  # kept as `warm` rendered it
    make_entry(headline="Ferry services resume")
    again = get(reader, url)
    assert again["X-Page-Cache"] == "hit"  # the story is not rendered again
    assert "Ferry services resume" in body(again)
    assert again["ETag"] != first["ETag"]
    assert int(again["Content-Length"]) == len(again.content)
    assert "<!--hole:" not in body(again)


def test_a_kept_page_answers_304_until_a_block_beside_it_changes(
    page_cache, reader, warm, make_entry
):
    url = warm.get_absolute_url()
    get(reader, url)
    etag = get(reader, url)["ETag"]
    assert get(reader, url, if_none_match=etag).status_code == 304
    make_entry(headline="Ferry services resume")
    assert get(reader, url, if_none_match=etag).status_code == 200


def test_a_story_killed_beside_a_kept_page_leaves_it_at_once(
    page_cache, reader, make_article, editor, django_capture_on_commit_callbacks
):
    killed = make_article(headline="Minister resigns", tags=["transport"])
    story = make_article(headline="Rail strike called off", tags=["transport"])
    url = story.get_absolute_url()
    get(reader, url)
    assert "Minister resigns" in body(get(reader, url))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.kill(killed, editor, "The report was wrong.")
    after = get(reader, url)
    assert after["X-Page-Cache"] == "hit"
    assert "Minister resigns" not in body(after)


def test_head_answers_the_filled_length(page_cache, reader, warm):
    url = warm.get_absolute_url()
    full = get(reader, url)
    head = reader.head(url)
    assert head["Content-Length"] == str(len(get(reader, url).content)) == full["Content-Length"]


def test_editors_get_filled_pages_too(editor_client, make_article):
    make_article(headline="Council approves new budget")
    story = make_article(headline="Harbour bridge reopens")
    page = editor_client.get(story.get_absolute_url()).content.decode()
    assert "<!--hole:" not in page and "Council approves new budget" in page


def test_a_block_that_cannot_be_built_is_left_out_and_the_page_not_kept_downstream(
    page_cache, reader, warm, monkeypatch
):
    from django.db import OperationalError

    from lib import blocks as shared

    def down(arg=None):
        raise OperationalError("the database is down")

    render, tags = shared._fillers["news-feed-sidebar"]
    monkeypatch.setitem(shared._fillers, "news-feed-sidebar", (down, tags))
    shared_blocks.clear()
    response = get(reader, warm.get_absolute_url())
    assert "<!--hole:" not in body(response) and 'id="sidebar-entries"' not in body(response)
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")
    assert "Harbour bridge reopens" in body(response)


@pytest.mark.django_db(transaction=True)
def test_kept_stories_follow_every_change_beside_them_on_every_app_server(
    make_article, make_entry, static_root, shared_redis, tmp_path
):
    """Two app servers as deployed, with the page cache on: a story's kept page shows
    each change beside it on both, without being rendered again."""
    story = make_article(headline="Harbour bridge reopens", tags=["transport"])
    url = story.get_absolute_url()
    env = servers.production_env(
        servers.database_url(connection.settings_dict), static_root, **shared_redis
    )

    def pages(*bases):
        answers = []
        for base in bases:
            status, headers, content = servers.http_get(base + url, {"Host": "localhost"})
            assert status == 200
            answers.append((headers["X-Page-Cache"], content))
        return answers

    with (
        production_app_server(THIRD_SERVER_PORT, env, tmp_path / "third.log") as first,
        production_app_server(FOURTH_SERVER_PORT, env, tmp_path / "fourth.log") as second,
    ):
        pages(first, second)
        entry = make_entry(headline="Tram line extended")
        # By the story's author, in its section: a new one would change every page (its
        # navigation, or a byline anywhere).
        latest = make_article(
            headline="Port workers agree pay deal",
            section=story.section,
            authors=[story.credits.get().author],
        )
        for cached, page in pages(first, second):
            assert cached == "hit"
            assert "Tram line extended" in page and "Port workers agree pay deal" in page
        entry.status = entry.Status.DRAFT
        entry.save()
        latest.kill("The story was withdrawn.")
        for cached, page in pages(first, second):
            assert cached == "hit"
            assert "Tram line extended" not in page and "Port workers agree pay deal" not in page
        story.headline = "Harbour bridge reopens to traffic"
        story.save()
        rendered = pages(first, second)
        assert "miss" in {cached for cached, _ in rendered}  # the story's own change
        assert all("Harbour bridge reopens to traffic" in page for _, page in rendered)
