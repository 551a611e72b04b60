"""Full-page caching for anonymous readers, and the purges that keep it truthful."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Status
from feed import publishing
from feed.models import FEED
from lib import pagecache as page_cache

from . import servers

pytestmark = pytest.mark.usefixtures("page_cache")


def get(client, url):
    response = client.get(url)
    return response, response.content.decode()


def assert_cached(client, url):
    """Prime the cache with `url` and prove the next reader is answered from it."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit", url
    return response


@pytest.fixture
def story(make_article, make_section, make_author):
    section = make_section(name="World", slug="world", in_news_feed=True)
    author = make_author(name="Olena Kovalenko", slug="olena-kovalenko")
    return make_article(
        headline="Troops deployed to Kursk",
        slug="troops-deployed-to-kursk",
        section=section,
        authors=[author],
        tags=["Defence"],
    )


def pages_showing(article):
    return [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/tags/defence/",
        article.credits.get().author.get_absolute_url(),
        "/feed/rss/",
        "/sitemap-articles.xml",
    ]


class TestServingFromTheCache:
    def test_second_anonymous_view_is_served_without_touching_the_database(
        self, reader, story, django_assert_num_queries
    ):
        first = reader.get(story.get_absolute_url())
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = reader.get(story.get_absolute_url())
        assert second.status_code == 200
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content

    def test_logged_in_editors_always_get_a_fresh_private_page(self, editor_client, story):
        editor_client.get("/")
        response = editor_client.get("/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
        assert response.context is not None  # rendered, not replayed

    def test_an_editors_page_is_never_handed_to_readers(self, client, editor, story):
        client.force_login(editor)
        client.get(story.get_absolute_url())
        client.logout()
        response = client.get(story.get_absolute_url())
        assert response["X-Page-Cache"] == "miss"

    def test_query_strings_are_separate_pages(self, reader, make_entry):
        for number in range(25):
            make_entry(headline=f"Entry {number}")
        first = reader.get("/")
        cursor = first.context["batch"].next_cursor
        deep = reader.get(f"/?before={cursor}")
        assert deep["X-Page-Cache"] == "miss"
        assert deep.content != first.content

    def test_errors_and_redirects_are_not_cached(self, reader, db):
        reader.get("/articles/no-such-story/")
        assert reader.get("/articles/no-such-story/").status_code == 404
        assert "X-Page-Cache" not in reader.get("/articles/no-such-story/")

    def test_admin_is_never_cached(self, reader, db):
        reader.get("/admin/login/")
        assert "X-Page-Cache" not in reader.get("/admin/login/")

    def test_cache_off_renders_every_time(self, reader, story, settings):
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
        reader.get("/")
        response = reader.get("/")
        assert "X-Page-Cache" not in response
        assert response.context is not None


class TestProcessCopies:
    """Each process keeps the pages it served; the shared versions decide every hit."""

    def test_a_hit_needs_only_the_versions_from_the_shared_cache(self, reader, story):
        from django.core.cache import cache

        url = story.get_absolute_url()
        first = assert_cached(reader, url)
        cache.delete(page_cache.page_key(RequestFactory().get(url)))  # evicted from Redis
        again = reader.get(url)
        assert again["X-Page-Cache"] == "hit"
        assert again.content == first.content

    def test_a_purge_written_by_another_server_ends_the_copy(self, reader, story):
        from django.core.cache import cache

        assert_cached(reader, "/")
        type(story).objects.filter(pk=story.pk).update(headline="Written elsewhere")
        # Another app server's purge is nothing but a new version in the shared cache.
        cache.set(page_cache.VERSION_PREFIX + FEED, "another-server", None)
        response, html = get(reader, "/")
        assert response["X-Page-Cache"] == "miss"
        assert "Written elsewhere" in html

    def test_a_flushed_or_restarted_cache_never_revives_a_copy(self, reader, story):
        from django.core.cache import cache

        cache.clear()  # no tag purged yet: the page is stored under versions set now
        assert_cached(reader, "/")
        type(story).objects.filter(pk=story.pk).update(headline="After the restart")
        cache.clear()  # Redis restarted empty: every version is gone
        response, html = get(reader, "/")
        assert response["X-Page-Cache"] == "miss"
        assert "After the restart" in html
        found = page_cache.lookup(RequestFactory().get("/"), page_cache.tags_for("/"))
        assert None not in found.versions.values()

    def test_an_unreachable_cache_serves_no_copy(self, reader, story):
        assert_cached(reader, "/")
        type(story).objects.filter(pk=story.pk).update(headline="Seen while Redis is down")
        page_cache.outage.until = time.monotonic() + 60
        response, html = get(reader, "/")
        assert "X-Page-Cache" not in response
        assert "Seen while Redis is down" in html

    def test_each_process_keeps_a_bounded_number_of_pages(self, reader, story, settings):
        settings.NEWSROOM_LOCAL_PAGE_CACHE_ENTRIES = 2
        for query in ("a", "b", "c"):
            reader.get(f"/search/?q={query}")
        reader.get("/")
        assert len(page_cache.local_pages) == 2
        assert reader.get("/")["X-Page-Cache"] == "hit"


class TestPurges:
    def test_publishing_shows_the_article_on_every_page_at_once(
        self, reader, story, make_article, django_capture_on_commit_callbacks
    ):
        draft = make_article(
            headline="Ceasefire talks resume",
            section=story.section,
            authors=[story.credits.get().author],
            tags=["Defence"],
            publish=False,
        )
        for url in pages_showing(story):
            assert_cached(reader, url)
        with django_capture_on_commit_callbacks(execute=True):
            publishing.publish(draft)
        for url in pages_showing(story):
            response, html = get(reader, url)
            # The story's own page is kept: the new story reaches it through its holes.
            kept = url == story.get_absolute_url()
            assert response["X-Page-Cache"] == ("hit" if kept else "miss"), url
            assert "Ceasefire talks resume" in html or draft.get_absolute_url() in html, url

    def test_an_update_is_shown_everywhere(self, reader, story):
        for url in pages_showing(story):
            assert_cached(reader, url)
        story.headline = "Troops deployed to Kursk region"
        story.save()
        for url in pages_showing(story):
            response, html = get(reader, url)
            assert response["X-Page-Cache"] == "miss", url
            if not url.endswith(".xml"):  # sitemaps list addresses, not headlines
                assert "Troops deployed to Kursk region" in html, url

    def test_unpublishing_removes_the_article_everywhere(self, reader, story):
        for url in pages_showing(story):
            assert_cached(reader, url)
        story.unpublish()
        assert reader.get(story.get_absolute_url()).status_code == 404
        for url in ["/", story.section.get_absolute_url(), "/feed/rss/"]:
            assert "Troops deployed to Kursk" not in get(reader, url)[1], url

    def test_a_killed_article_is_never_served_from_the_cache(self, reader, story):
        for url in pages_showing(story):
            assert_cached(reader, url)
        story.kill("Withdrawn: the report could not be verified.")
        response, html = get(reader, story.get_absolute_url())
        assert response.status_code == 410
        assert "could not be verified" in html
        for url in ["/", story.section.get_absolute_url(), "/feed/rss/", "/sitemap-articles.xml"]:
            assert "troops-deployed-to-kursk" not in get(reader, url)[1], url

    def test_a_correction_appears_on_the_cached_article(self, reader, story):
        assert_cached(reader, story.get_absolute_url())
        story.add_correction("An earlier version misspelled the commander's name.")
        response, html = get(reader, story.get_absolute_url())
        assert response["X-Page-Cache"] == "miss"
        assert "misspelled the commander" in html

    def test_deleting_an_article_purges_its_pages(self, reader, story):
        url = story.section.get_absolute_url()
        assert_cached(reader, url)
        story.delete()
        assert "Troops deployed to Kursk" not in get(reader, url)[1]

    def test_a_new_slug_purges_the_old_address(self, reader, story):
        old_url = story.get_absolute_url()
        assert_cached(reader, old_url)
        story.slug = "kursk-deployment"
        story.save()
        assert reader.get(old_url).status_code == 301

    def test_removing_a_tag_purges_the_tag_page(self, reader, story):
        assert_cached(reader, "/tags/defence/")
        story.tags.set(["Politics"])
        assert reader.get("/tags/defence/").status_code == 404

    def test_a_byline_change_purges_the_old_and_new_author_pages(self, reader, story, make_author):
        old_author = story.credits.get().author
        assert_cached(reader, old_author.get_absolute_url())
        new_author = make_author(name="Taras Shevchuk")
        assert_cached(reader, new_author.get_absolute_url())
        story.credits.update(author=new_author)  # a raw update: no signal
        story.credits.get().save()
        assert "Troops deployed to Kursk" in get(reader, new_author.get_absolute_url())[1]

    def test_a_caption_change_purges_the_article(self, reader, make_article, make_photo):
        article = make_article(photo=make_photo(), caption="Before the change")
        assert_cached(reader, article.get_absolute_url())
        lead = article.lead
        lead.text = "After the change"
        lead.save()
        assert "After the change" in get(reader, article.get_absolute_url())[1]

    def test_a_feed_entry_change_purges_the_feed(self, reader, make_entry):
        entry = make_entry(headline="Air raid alert in Kyiv")
        assert_cached(reader, "/")
        entry.headline = "Air raid alert lifted in Kyiv"
        entry.save()
        assert "Air raid alert lifted" in get(reader, "/")[1]
        entry.status = entry.Status.DRAFT
        entry.save()
        assert "Air raid alert lifted" not in get(reader, "/")[1]

    def test_a_section_rename_purges_the_navigation_everywhere(self, reader, story):
        assert_cached(reader, "/")
        story.section.name = "World news"
        story.section.save()
        assert "World news" in get(reader, "/")[1]

    def test_an_unrelated_section_stays_cached(self, reader, story, make_article, make_section):
        quiet = make_section(name="Culture", slug="culture", in_news_feed=False)
        make_article(headline="Opera season opens", section=quiet)
        assert_cached(reader, quiet.get_absolute_url())
        story.headline = "Troops redeployed"
        story.save()
        assert reader.get(quiet.get_absolute_url())["X-Page-Cache"] == "hit"

    def test_a_page_rendered_across_a_purge_is_never_served(self, reader, story):
        """A reader who read the old row just before an editor's commit stores a page
        stamped with the versions read before rendering, which the purge has replaced."""
        request = RequestFactory().get("/")
        tags = page_cache.tags_for("/")
        found = page_cache.lookup(request, tags)
        stale = reader.get("/")  # rendered from the old row
        page_cache.purge(FEED)  # the editor's commit lands
        page_cache.store(found, stale)
        assert reader.get("/")["X-Page-Cache"] == "miss"

    def test_a_scheduled_article_appears_when_its_time_comes(self, reader, story, make_article):
        at = timezone.now() + timedelta(minutes=2)
        make_article(headline="Embargoed budget", section=story.section, published_at=at)
        assert "Embargoed budget" not in assert_cached(reader, "/").content.decode()
        with time_machine.travel(at + timedelta(seconds=1)):
            response, html = get(reader, "/")
        assert response["X-Page-Cache"] == "miss"
        assert "Embargoed budget" in html

    def test_a_lifting_embargo_ends_the_cached_page(self, reader, story, make_article):
        lifted = timezone.now() + timedelta(minutes=3)
        article = make_article(headline="Embargoed report", section=story.section)
        article.embargoed_until = lifted
        article.save()
        assert "Embargoed report" not in assert_cached(reader, "/").content.decode()
        with time_machine.travel(lifted + timedelta(seconds=1)):
            assert "Embargoed report" in get(reader, "/")[1]


class TestHttpCaching:
    def test_public_pages_tell_a_cdn_how_long_to_keep_them(self, reader, story, settings):
        response = reader.get(story.get_absolute_url())
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "public" in directives
        assert f"max-age={settings.NEWSROOM_HTTP_MAX_AGE}" in directives
        assert f"s-maxage={settings.NEWSROOM_HTTP_S_MAXAGE}" in directives
        assert (
            f"stale-while-revalidate={settings.NEWSROOM_HTTP_STALE_WHILE_REVALIDATE}" in directives
        )
        assert f"stale-if-error={settings.NEWSROOM_HTTP_STALE_IF_ERROR}" in directives
        assert "Cookie" in response["Vary"]

    @pytest.mark.parametrize("warm", [False, True], ids=["rendered", "from-cache"])
    def test_a_matching_etag_is_answered_with_304(self, reader, story, warm):
        url = story.get_absolute_url()
        etag = reader.get(url)["ETag"]
        assert etag
        if warm:
            assert reader.get(url)["X-Page-Cache"] == "hit"
        response = reader.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304
        assert response.content == b""

    def test_a_changed_page_gets_a_new_etag(self, reader, story):
        url = story.get_absolute_url()
        etag = reader.get(url)["ETag"]
        story.headline = "A new headline"
        story.save()
        response = reader.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_editors_pages_are_private(self, editor_client, story):
        response = editor_client.get(story.get_absolute_url())
        assert "public" not in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_unpublished_status_is_not_public_anywhere(self, reader, story):
        """A draft is never cached as a public page, even briefly."""
        story.status = Status.DRAFT
        story.save()
        reader.get(story.get_absolute_url())
        assert reader.get(story.get_absolute_url()).status_code == 404


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    servers.collect_static(static_root)
    return static_root


def get_as_site(url):
    """Behind the proxy every app server sees the site's own host name."""
    return servers.http_get(url, headers={"Host": "localhost"})


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_purges_every_app_server_sharing_the_cache(
    story, collected_static, shared_redis, tmp_path
):
    env = servers.production_env(
        servers.database_url(connection.settings_dict), collected_static, **shared_redis
    )
    url = story.get_absolute_url()
    with (
        servers.app_server(8111, env, tmp_path / "a.log") as server_a,
        servers.app_server(8112, env, tmp_path / "b.log") as server_b,
    ):
        status, headers, _ = get_as_site(server_a + url)
        assert (status, headers["X-Page-Cache"]) == (200, "miss")
        # What one server stored, the other serves.
        status, headers, html = get_as_site(server_b + url)
        assert (status, headers["X-Page-Cache"]) == (200, "hit")
        assert "Troops deployed to Kursk" in html
        assert get_as_site(server_b + "/")[0] == 200
        assert get_as_site(server_a + "/")[1]["X-Page-Cache"] == "hit"

        story.kill("Withdrawn pending verification.")

        for server in (server_a, server_b):
            status, _, html = get_as_site(server + url)
            assert status == 410
            assert "Withdrawn pending verification." in html
        # The first server renders the feed afresh; the second is handed that new copy.
        for server, outcome in ((server_a, "miss"), (server_b, "hit")):
            status, headers, html = get_as_site(server + "/")
            assert (status, headers["X-Page-Cache"]) == (200, outcome)
            assert "Troops deployed to Kursk" not in html


class TestPurgesAreRecorded:
    """PostgreSQL keeps every purge, committed with the change (lib.models.PageVersion)."""

    def test_a_change_and_its_purge_commit_together(self, story):
        from django.db import transaction

        from articles.models import Article
        from lib.models import PageVersion

        tag = Article.cache_tag(story.slug)
        before = PageVersion.objects.get(tag=tag).version
        with transaction.atomic():
            story.kill("Withdrawn.")
            assert PageVersion.objects.get(tag=tag).version != before
            transaction.set_rollback(True)
        assert PageVersion.objects.get(tag=tag).version == before
