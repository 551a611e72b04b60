"""Live blogs: a story followed by a stream of updates, for readers, feeds and open pages."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from labels.models import Label
from lib import pagecache
from liveblogs.models import LiveBlog, LiveUpdate, live_cache_tag

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.liveblog_factories"]


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def update_ids(html):
    return [int(pk) for pk in re.findall(r'<li class="live-update[^"]*" id="update-(\d+)"', html)]


@pytest.fixture
def blog(make_live_blog):
    return make_live_blog()


class TestPublished:
    def test_drafts_scheduled_and_killed_updates_never_reach_readers(self, blog, make_update):
        public = make_update(blog)
        make_update(blog, status=LiveUpdate.Status.DRAFT)
        make_update(blog, published_at=timezone.now() + timedelta(hours=1))
        killed = make_update(blog)
        killed.kill()
        assert list(LiveUpdate.objects.published()) == [public]

    def test_updates_of_an_unpublished_story_are_not_public(self, blog, make_update):
        make_update(blog)
        Article.objects.filter(pk=blog.pk).update(status="draft")
        assert not LiveUpdate.objects.published().exists()

    def test_the_body_is_sanitised_as_an_article_body_is(self, blog, make_update):
        update = make_update(blog, body='<p onclick="x()">Hi<script>alert(1)</script></p>')
        assert update.body == "<p>Hi</p>"

    def test_running_a_story_as_a_live_blog_marks_its_article(self, blog):
        article_id = blog.pk
        assert Article.objects.get(pk=article_id).is_live_blog
        blog.delete()
        assert not Article.objects.get(pk=article_id).is_live_blog

    def test_ending_coverage_leaves_the_live_state(self, blog):
        assert blog.is_live and LiveBlog.objects.running().exists()
        blog.end_coverage()
        assert not blog.is_live
        assert not LiveBlog.objects.running().exists()


class TestArticlePage:
    def test_shows_the_body_then_the_stream_newest_first(self, reader, blog, make_update):
        older = make_update(blog, published_at=timezone.now() - timedelta(minutes=10))
        newer = make_update(blog, headline="Power cut", published_at=timezone.now())
        hidden = make_update(blog, status=LiveUpdate.Status.DRAFT, body="<p>Secret draft</p>")
        html = reader.get(blog.get_absolute_url()).content.decode()
        assert html.index('class="article__body"') < html.index('id="live"')
        assert update_ids(html) == [newer.pk, older.pk]
        assert "Power cut" in html and "Secret draft" not in html
        assert f'href="/articles/{blog.slug}/live/{newer.pk}/"' in html
        assert hidden.pk not in update_ids(html)

    def test_the_reader_can_choose_oldest_first_without_script(self, reader, blog, make_update):
        older = make_update(blog, published_at=timezone.now() - timedelta(minutes=10))
        newer = make_update(blog, published_at=timezone.now() - timedelta(minutes=1))
        newest_first = reader.get(blog.get_absolute_url()).content.decode()
        assert f'href="{blog.get_absolute_url()}?order=oldest#live"' in newest_first
        html = reader.get(blog.get_absolute_url() + "?order=oldest").content.decode()
        assert update_ids(html) == [older.pk, newer.pk]
        assert '<strong aria-current="true">Oldest first</strong>' in html

    @pytest.mark.parametrize("order", ["newest", "oldest"])
    def test_show_more_pages_through_every_update_once(
        self, reader, blog, make_update, settings, order
    ):
        settings.NEWSROOM_FEED_BATCH = 3
        moment = timezone.now() - timedelta(minutes=5)
        updates = [make_update(blog, published_at=moment) for _ in range(4)]  # one time
        updates += [make_update(blog) for _ in range(4)]
        seen, query = [], f"?order={order}&" if order == "oldest" else "?"
        html = reader.get(blog.get_absolute_url() + query.rstrip("&?")).content.decode()
        seen += update_ids(html)
        while match := re.search(r'data-fragment="([^"]+/live/more/[^"]+)"', html):
            html = reader.get(match.group(1).replace("&amp;", "&")).content.decode()
            seen += update_ids(html)
        assert sorted(seen) == sorted(update.pk for update in updates)
        assert len(seen) == len(set(seen))
        expected = sorted(updates, key=lambda u: (u.published_at, u.pk), reverse=order == "newest")
        assert seen == [update.pk for update in expected]

    def test_a_bad_cursor_is_a_400(self, reader, blog):
        assert reader.get(blog.get_absolute_url() + "?before=junk").status_code == 400
        assert reader.get(f"/articles/{blog.slug}/live/more/?before=1.x").status_code == 400

    def test_key_events_are_listed_at_the_top_linking_to_their_updates(
        self, reader, blog, make_update
    ):
        key = make_update(blog, headline="Evacuation ordered", is_key_event=True)
        make_update(blog, headline="Traffic is slow")
        html = reader.get(blog.get_absolute_url()).content.decode()
        events = html.split("data-key-events>")[1].split("</ol>")[0]
        assert f'href="#update-{key.pk}"' in events and "Evacuation ordered" in events
        assert "Traffic is slow" not in events
        assert html.index("data-key-events") < html.index('id="live-updates"')

    def test_a_running_live_blog_asks_for_updates_and_an_ended_one_does_not(self, reader, blog):
        html = reader.get(blog.get_absolute_url()).content.decode()
        assert f'data-live="/articles/{blog.slug}/live/updates/"' in html
        blog.end_coverage()
        html = reader.get(blog.get_absolute_url()).content.decode()
        assert "/live/updates/" not in html
        assert "Live coverage has ended" in html

    def test_labels_and_photos_of_updates_show(self, reader, blog, make_update, make_photo):
        breaking = Label.objects.for_name("Breaking")
        make_update(blog, label=breaking, photo=make_photo(alt_text="Waves over the pier"))
        html = reader.get(blog.get_absolute_url()).content.decode()
        assert '<a class="label label--breaking" href="/labels/breaking/">Breaking</a>' in html
        assert 'alt="Waves over the pier"' in html

    @pytest.mark.parametrize("count", [3, 30])
    def test_query_count_is_constant(
        self, reader, blog, make_update, make_photo, count, django_assert_num_queries
    ):
        label = Label.objects.for_name("Video")
        photo = make_photo()
        for number in range(count):
            make_update(blog, label=label, photo=photo, is_key_event=number % 3 == 0)
        reader.get(blog.get_absolute_url())  # the shared blocks are built once per purge
        # The article (as for any story), the live blog, its batch, its key events.
        with django_assert_num_queries(4) as captured:
            assert reader.get(blog.get_absolute_url()).status_code == 200
        assert sum("liveblogs_" in query["sql"] for query in captured.captured_queries) == 3

    def test_a_story_that_is_not_live_asks_nothing_of_live_blogs(
        self, reader, make_article, django_assert_num_queries
    ):
        story = make_article()
        reader.get(story.get_absolute_url())
        with django_assert_num_queries(1) as captured:
            html = reader.get(story.get_absolute_url()).content.decode()
        assert not any("liveblogs_" in query["sql"] for query in captured.captured_queries)
        assert 'id="live"' not in html


def test_the_news_feed_marks_a_live_blog_as_live(
    reader, make_section, make_article, make_live_blog
):
    story = make_article(section=make_section(in_news_feed=True))
    plain = make_article(section=story.section)
    make_live_blog(article=story)
    html = reader.get("/").content.decode()
    entry = html.split(f'data-entry="{story.feed_entry.pk}"')[1].split("</li>")[0]
    assert '<span class="label label--live">Live</span>' in entry
    other = html.split(f'data-entry="{plain.feed_entry.pk}"')[1].split("</li>")[0]
    assert "label--live" not in other


class TestStructuredData:
    def test_a_live_blog_is_a_live_blog_posting_with_its_updates(
        self, reader, blog, make_update, make_author
    ):
        author = make_author(name="Iryna Kovalenko")
        first = make_update(blog, headline="Sirens in the city", author=author)
        second = make_update(blog, body="<p>All clear given at noon.</p>")
        second.mark_updated(at=timezone.now() + timedelta(minutes=5))
        html = reader.get(blog.get_absolute_url()).content.decode()
        (data,) = json_ld(html)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "LiveBlogPosting"
        assert data["headline"] == blog.article.headline
        started = datetime.fromisoformat(data["coverageStartTime"])
        assert started == blog.coverage_start.replace(microsecond=0)
        assert "coverageEndTime" not in data  # still live
        updates = data["liveBlogUpdate"]
        assert [update["@type"] for update in updates] == ["BlogPosting", "BlogPosting"]
        for update in updates:
            assert {"headline", "datePublished", "dateModified", "author", "url"} <= set(update)
            assert update["url"].startswith(f"{data['url']}#update-")
            assert data["url"].endswith(blog.get_absolute_url())
            assert update["author"]["@type"] in {"Person", "Organization"}
            assert update["author"]["name"]
            assert update["datePublished"] <= update["dateModified"]
        by_url = {update["url"].split("#")[1]: update for update in updates}
        assert by_url[first.anchor]["headline"] == "Sirens in the city"
        assert by_url[first.anchor]["author"] == {
            "@type": "Person",
            "name": "Iryna Kovalenko",
            "url": data["url"].replace(blog.get_absolute_url(), author.get_absolute_url()),
        }
        assert by_url[second.anchor]["headline"] == "All clear given at noon."
        assert by_url[second.anchor]["dateModified"] > by_url[second.anchor]["datePublished"]

    def test_ended_coverage_carries_its_end_time(self, reader, blog):
        blog.end_coverage()
        (data,) = json_ld(reader.get(blog.get_absolute_url()).content.decode())
        assert data["coverageEndTime"] >= data["coverageStartTime"]


class TestUpdatePage:
    def test_each_update_has_a_page_of_its_own_with_open_graph_tags(
        self, reader, blog, make_update, make_photo
    ):
        update = make_update(
            blog, headline="Bridge closed", photo=make_photo(alt_text="The closed bridge")
        )
        response = reader.get(f"/articles/{blog.slug}/live/{update.pk}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<meta property="og:title" content="Bridge closed">' in html
        assert '<meta property="og:type" content="article">' in html
        og_url = re.search(r'<meta property="og:url" content="([^"]+)">', html).group(1)
        assert og_url.endswith(f"/articles/{blog.slug}/live/{update.pk}/")
        assert '<meta property="og:image:alt" content="The closed bridge">' in html
        assert f'href="{blog.get_absolute_url()}#update-{update.pk}"' in html

    def test_a_draft_or_killed_update_has_no_page(self, reader, blog, make_update):
        draft = make_update(blog, status=LiveUpdate.Status.DRAFT)
        killed = make_update(blog)
        killed.kill()
        for update in (draft, killed):
            assert reader.get(f"/articles/{blog.slug}/live/{update.pk}/").status_code == 404


def ask(reader, blog, *shown, **headers):
    ids = ",".join(str(update.pk) for update in shown)
    return reader.get(f"/articles/{blog.slug}/live/updates/?shown={ids}", headers=headers)


def new_ids(response):
    return update_ids(response.content.decode().split("data-still-shown")[0])


def still_ids(response):
    return [int(pk) for pk in re.findall(r'data-shown="(\d+)"', response.content.decode())]


class TestUpdatesEndpoint:
    def test_updates_newer_than_the_newest_shown_are_sent(self, reader, blog, make_update):
        old = make_update(blog)
        new = make_update(blog, published_at=timezone.now())
        response = ask(reader, blog, old)
        assert new_ids(response) == [new.pk]
        assert still_ids(response) == [old.pk]
        assert response["X-Robots-Tag"] == "noindex"

    def test_killed_and_unpublished_updates_are_gone(self, reader, blog, make_update):
        kept, killed, drafted = make_update(blog), make_update(blog), make_update(blog)
        killed.kill()
        drafted.status = LiveUpdate.Status.DRAFT
        drafted.save()
        assert still_ids(ask(reader, blog, kept, killed, drafted)) == [kept.pk]

    def test_key_events_come_as_they_are_now(self, reader, blog, make_update):
        shown = make_update(blog)
        key = make_update(blog, headline="Dam holds", is_key_event=True)
        events = ask(reader, blog, shown).content.decode().split("data-key-events>")[1]
        assert f'href="#update-{key.pk}"' in events

    def test_an_ended_live_blog_is_asked_far_less_often(self, reader, blog, settings):
        settings.NEWSROOM_FEED_CHECK_SECONDS = 30
        assert 'data-check-after="30"' in ask(reader, blog).content.decode()
        blog.end_coverage()
        assert 'data-check-after="600"' in ask(reader, blog).content.decode()

    def test_a_draft_story_has_no_endpoint(self, reader, blog):
        Article.objects.filter(pk=blog.pk).update(status="draft")
        assert ask(reader, blog).status_code == 404

    @pytest.mark.parametrize("count", [2, 40])
    def test_query_count_is_constant(
        self, reader, blog, make_update, count, django_assert_num_queries
    ):
        updates = [make_update(blog, is_key_event=True) for _ in range(count)]
        newest = updates.pop(0)
        ask(reader, blog)
        # The live blog, the shown updates, what is newer, the key events.
        with django_assert_num_queries(4):
            response = ask(reader, blog, *updates)
        assert new_ids(response) == [newest.pk]

    def test_depends_on_the_live_blog_alone(self, blog):
        path = f"/articles/{blog.slug}/live/updates/"
        assert pagecache.tags_for(path) == (pagecache.SITE, live_cache_tag(blog.slug))

    def test_open_pages_are_answered_from_the_cache_then_304(
        self, page_cache, reader, blog, make_update, django_assert_num_queries
    ):
        shown = make_update(blog)
        first = ask(reader, blog, shown)
        with django_assert_num_queries(0):
            unchanged = ask(reader, blog, shown, if_none_match=first["ETag"])
        assert unchanged.status_code == 304

    def test_any_change_of_an_update_ends_the_cached_answers(
        self, page_cache, reader, blog, make_update, django_capture_on_commit_callbacks
    ):
        shown = make_update(blog)
        before = ask(reader, blog, shown)
        page_before = reader.get(blog.get_absolute_url())
        with django_capture_on_commit_callbacks(execute=True):
            new = make_update(blog, published_at=timezone.now(), headline="Roads reopen")
        after = ask(reader, blog, shown, if_none_match=before["ETag"])
        assert after.status_code == 200 and new_ids(after) == [new.pk]
        page_after = reader.get(blog.get_absolute_url())
        assert page_after["X-Page-Cache"] == "miss" and page_before.content != page_after.content
        with django_capture_on_commit_callbacks(execute=True):
            new.kill()
        assert still_ids(ask(reader, blog, new, shown)) == [shown.pk]
        assert "Roads reopen" not in reader.get(blog.get_absolute_url()).content.decode()


class TestPurging:
    def test_an_update_purges_its_live_blog_and_label_never_the_news_feed(self, blog, make_update):
        video, breaking = Label.objects.for_name("Video"), Label.objects.breaking()
        update = make_update(blog, label=video)
        page, answers = Article.cache_tag(blog.slug), live_cache_tag(blog.slug)
        assert update.cache_tags() == {page, answers, "label:video"}
        assert pagecache.CONTENT not in update.cache_tags()
        update.label = breaking
        assert update.stored_cache_tags() == {"label:video"}  # the page it leaves
        assert update.cache_tags() == {page, answers, "label:breaking"}

    def test_the_pages_that_show_updates_depend_on_the_live_blog(self, blog, make_update):
        update = make_update(blog)
        answers = live_cache_tag(blog.slug)
        for path in (f"/articles/{blog.slug}/live/{update.pk}/", f"/articles/{blog.slug}/live/rss/",
                     f"/articles/{blog.slug}/live/more/"):  # fmt: skip
            assert answers in pagecache.tags_for(path)
        assert Article.cache_tag(blog.slug) in pagecache.tags_for(blog.get_absolute_url())


class TestFeeds:
    def test_the_live_blog_page_points_to_its_feeds(self, reader, blog):
        html = reader.get(blog.get_absolute_url()).content.decode()
        assert (
            f'type="application/rss+xml" title="{blog.article.headline}: live updates (RSS)"'
            in html
        )
        assert f'href="/articles/{blog.slug}/live/atom/"' in html

    def test_rss_and_atom_list_the_public_updates_newest_first(self, reader, blog, make_update):
        older = make_update(blog, headline="First sirens")
        newer = make_update(blog, headline="Second sirens", published_at=timezone.now())
        make_update(blog, headline="Draft sirens", status=LiveUpdate.Status.DRAFT)
        rss = reader.get(f"/articles/{blog.slug}/live/rss/").content.decode()
        assert rss.index("Second sirens") < rss.index("First sirens")
        assert "Draft sirens" not in rss
        assert f"{blog.get_absolute_url()}#update-{newer.pk}</link>" in rss
        atom = reader.get(f"/articles/{blog.slug}/live/atom/")
        assert atom["Content-Type"].startswith("application/atom+xml")
        assert f"#update-{older.pk}" in atom.content.decode()

    def test_a_draft_story_has_no_feed(self, reader, blog):
        Article.objects.filter(pk=blog.pk).update(status="draft")
        assert reader.get(f"/articles/{blog.slug}/live/rss/").status_code == 404
