"""Labels as a vocabulary: the managed list, each label's page and feeds, and the move of
the old free-text labels onto it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feed import labels as labelled
from labels.models import Label
from liveblogs.models import LiveUpdate

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.liveblog_factories"]


class TestVocabulary:
    def test_a_name_is_found_whatever_its_case_and_spacing(self):
        video = Label.objects.for_name("Video")
        assert Label.objects.for_name("  video ") == video
        assert Label.objects.for_name("VIDEO") == video
        assert Label.objects.count() == 1
        assert Label.objects.for_name("   ") is None

    def test_two_labels_cannot_share_a_name_in_any_case(self):
        Label.objects.create(name="Video", slug="video")
        with pytest.raises(Exception, match="label_name_unique_ci"):
            Label.objects.create(name="VIDEO", slug="video-2")

    def test_breaking_news_gets_its_own_look(self):
        breaking = Label.objects.breaking()
        assert breaking.name == "Breaking" and breaking.style == Label.Style.BREAKING
        assert breaking.css_class == "label label--breaking"
        assert Label.objects.for_name("Video").css_class == "label"

    def test_slugs_stay_unique(self):
        Label.objects.create(name="Company", slug="company-news")
        assert Label.objects.for_name("Company news").slug == "company-news-2"


def listed(html):
    return re.findall(r'<h3 class="entry__headline"><a href="([^"]+)">([^<]+)</a>', html)


@pytest.fixture
def video():
    return Label.objects.for_name("Video")


class TestLabelPage:
    def test_lists_public_entries_articles_and_updates_newest_first(
        self, reader, video, make_entry, make_article, make_live_blog, make_update
    ):
        now = timezone.now()
        make_entry(headline="Entry with video", label=video, published_at=now - timedelta(1))
        story = make_article(headline="Story with video", label=video)
        blog = make_live_blog()
        make_update(blog, headline="Update with video", label=video, published_at=now)
        make_entry(headline="Draft with video", label=video, status="draft")
        make_update(blog, headline="Killed update", label=video, status=LiveUpdate.Status.KILLED)
        make_entry(headline="Without label")
        html = reader.get("/labels/video/").content.decode()
        titles = [title for _link, title in listed(html)]
        assert titles == ["Update with video", "Story with video", "Entry with video"]
        assert (story.get_absolute_url(), "Story with video") in listed(html)

    def test_an_article_shows_once_though_its_entry_carries_the_label_too(
        self, reader, video, make_section, make_article
    ):
        story = make_article(section=make_section(in_news_feed=True), label=video)
        story.feed_entry.label = video
        story.feed_entry.save()
        html = reader.get("/labels/video/").content.decode()
        assert [title for _link, title in listed(html)] == [story.headline]

    def test_show_more_pages_through_every_item_once(
        self, reader, video, settings, make_entry, make_article, make_live_blog, make_update
    ):
        settings.NEWSROOM_FEED_BATCH = 3
        moment = timezone.now() - timedelta(hours=1)
        blog = make_live_blog()
        expected = {make_entry(label=video, published_at=moment).headline for _ in range(3)}
        expected |= {make_article(label=video, published_at=moment).headline for _ in range(2)}
        expected |= {make_update(blog, label=video, published_at=moment).title for _ in range(2)}
        expected |= {make_entry(label=video).headline for _ in range(2)}
        seen = []
        response = reader.get(video.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        seen += [title for _link, title in listed(html)]
        pages = 1
        while match := re.search(rf'data-fragment="({video.get_absolute_url()}more/[^"]+)"', html):
            html = reader.get(match.group(1)).content.decode()
            seen += [title for _link, title in listed(html)]
            pages += 1
        assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) == 9
        assert pages == 3

    def test_a_bad_cursor_is_a_400_and_an_unknown_label_a_404(self, reader, video):
        assert reader.get("/labels/video/?before=nonsense").status_code == 400
        assert reader.get("/labels/nothing-here/").status_code == 404

    @pytest.mark.parametrize("count", [2, 20])
    def test_query_count_is_constant(
        self, reader, video, count, make_entry, make_article, make_live_blog, make_update,
        django_assert_num_queries,
    ):  # fmt: skip
        blog = make_live_blog()
        for _ in range(count):
            make_entry(label=video)
            make_article(label=video)
            make_update(blog, label=video)
        reader.get("/labels/video/")
        # The label, then one query for each kind of item.
        with django_assert_num_queries(4):
            assert reader.get("/labels/video/").status_code == 200

    def test_has_rss_and_atom(self, reader, video, make_entry, make_article):
        make_entry(headline="Entry with video", label=video)
        make_article(headline="Story with video", label=video)
        make_entry(headline="Draft with video", label=video, status="draft")
        rss = reader.get("/labels/video/rss/")
        body = rss.content.decode()
        assert rss["Content-Type"].startswith("application/rss+xml")
        assert "Entry with video" in body and "Story with video" in body
        assert "Draft with video" not in body
        atom = reader.get("/labels/video/atom/").content.decode()
        assert "<feed" in atom and "Story with video" in atom
        page = reader.get("/labels/video/").content.decode()
        assert 'type="application/rss+xml"' in page and 'href="/labels/video/rss/"' in page


class TestWhereLabelsShow:
    def test_feed_entries_link_their_label_breaking_in_its_own_look(self, reader, make_entry):
        make_entry(label=Label.objects.breaking())
        make_entry(label=Label.objects.for_name("Company news"))
        html = reader.get("/").content.decode()
        assert '<a class="label label--breaking" href="/labels/breaking/">Breaking</a>' in html
        assert '<a class="label" href="/labels/company-news/">Company news</a>' in html

    def test_the_news_feed_keeps_its_query_count_with_labels(self, reader, make_entry):
        def queries_of_the_page():
            reader.get("/")  # the shared blocks are built once per purge
            with CaptureQueriesContext(connection) as captured:
                html = reader.get("/").content.decode()
            return len(captured.captured_queries), html

        entries = [make_entry() for _ in range(10)]
        unlabelled, _html = queries_of_the_page()
        for number, entry in enumerate(entries):
            entry.label = Label.objects.for_name(f"Label {number % 3}")
            entry.save()
        labelled_count, html = queries_of_the_page()
        assert labelled_count == unlabelled
        assert html.count('<a class="label" href="/labels/label-') == 10

    def test_the_news_feed_rss_names_the_label_as_a_category(self, reader, make_entry):
        make_entry(label=Label.objects.for_name("Company news"))
        assert "<category>Company news</category>" in reader.get("/feed/rss/").content.decode()

    def test_the_updates_endpoint_shows_labels(self, reader, make_entry):
        make_entry(label=Label.objects.for_name("Video"))
        html = reader.get("/feed/updates/?shown=").content.decode()
        assert '<a class="label" href="/labels/video/">Video</a>' in html


class TestRegistry:
    def test_every_kind_of_labelled_item_is_registered_once(self):
        assert [source.kind for source in labelled.SOURCES] == ["entry", "article", "update"]


def migrate(executor, target):
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
class TestFreeTextMigration:
    """feed 0003 turns every distinct free-text label into a Label, and back."""

    before = [("feed", "0002_pinned_index"), ("labels", "0001_initial")]
    after = [("feed", "0003_labels")]

    @pytest.fixture
    def executor(self):
        executor = MigrationExecutor(connection)
        yield executor
        migrate(executor, executor.loader.graph.leaf_nodes())

    def test_no_label_is_lost_and_names_are_trimmed_and_deduplicated(self, executor):
        old = migrate(executor, self.before)
        FeedEntry = old.get_model("feed", "FeedEntry")
        OldLabel = old.get_model("labels", "Label")
        OldLabel.objects.create(name="Analysis", slug="analysis")  # already in the list
        texts = ["Video", " video ", "VIDEO", "Company  news", "analysis", "Breaking", "", "—"]
        for number, text in enumerate(texts):
            FeedEntry.objects.create(
                headline=f"Entry {number}", label=text, published_at=timezone.now()
            )
        new = migrate(executor, self.after)
        Label = new.get_model("labels", "Label")
        FeedEntry = new.get_model("feed", "FeedEntry")
        assert sorted(Label.objects.values_list("name", flat=True)) == [
            "Analysis", "Breaking", "Company news", "Video", "—",
        ]  # fmt: skip
        labels = dict(FeedEntry.objects.values_list("headline", "label__name"))
        assert labels == {
            "Entry 0": "Video", "Entry 1": "Video", "Entry 2": "Video",
            "Entry 3": "Company news", "Entry 4": "Analysis", "Entry 5": "Breaking",
            "Entry 6": None, "Entry 7": "—",
        }  # fmt: skip
        assert Label.objects.get(name="Breaking").style == "breaking"
        assert Label.objects.get(name="—").slug == "label"

        back = migrate(executor, self.before)
        FeedEntry = back.get_model("feed", "FeedEntry")
        assert dict(FeedEntry.objects.values_list("headline", "label"))["Entry 3"] == (
            "Company news"
        )
        assert dict(FeedEntry.objects.values_list("headline", "label"))["Entry 6"] == ""
