from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles import text
from articles.models import Article, Caption, Status
from feed import publishing
from feed.models import FeedEntry

pytestmark = pytest.mark.django_db


class TestSanitising:
    def test_body_keeps_allowlisted_markup(self, make_article):
        body = (
            "<h2>Sub</h2><p><strong>a</strong> <em>b</em> <a href='https://x.test/'>l</a></p>"
            "<blockquote>q</blockquote><ul><li>i</li></ul><figure><figcaption>c</figcaption></figure>"
        )
        article = make_article(body=body)
        for kept in ["<h2>", "<strong>", "<em>", 'href="https://x.test/"', "<blockquote>",
                     "<ul>", "<li>", "<figure>", "<figcaption>"]:  # fmt: skip
            assert kept in article.body

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            '<a href="javascript:alert(1)">x</a>',
            '<a href="data:text/html,evil">x</a>',
            '<p style="color:red" onclick="evil()">x</p>',
            "<iframe src='https://evil.test'></iframe>",
            "<style>body{}</style>",
        ],
    )
    def test_body_drops_scripts_handlers_and_unsafe_links(self, make_article, hostile):
        article = make_article(body=f"<p>safe</p>{hostile}")
        for banned in ["<script", "onerror", "javascript:", "data:", "onclick", "style",
                       "<iframe", "alert(1)"]:  # fmt: skip
            assert banned not in article.body
        assert "<p>safe</p>" in article.body

    def test_mailto_links_survive(self):
        assert 'href="mailto:desk@example.com"' in text.sanitize_html(
            '<a href="mailto:desk@example.com">desk</a>'
        )


class TestReadingTime:
    def test_reading_time_rounds_up_whole_minutes(self, make_article, settings):
        settings.NEWSROOM_WORDS_PER_MINUTE = 180
        article = make_article(body="<p>" + "word " * 181 + "</p>")
        assert article.word_count == 181
        assert article.reading_time == 2

    def test_reading_time_is_at_least_one_minute(self, make_article):
        assert make_article(body="").reading_time == 1

    def test_reading_time_counts_words_not_markup(self):
        assert text.count_words("<p>one <strong>two</strong></p><p>three</p>") == 3

    def test_the_seed_article_reads_two_minutes(self, make_article):
        from ingest.demo import SEED_BODY

        article = make_article(body="".join(f"<p>{p}</p>" for p in SEED_BODY))
        assert article.reading_time == 2

    def test_reading_time_follows_body_edits(self, make_article):
        article = make_article(body="<p>short</p>")
        article.body = "<p>" + "word " * 1000 + "</p>"
        article.save()
        article.refresh_from_db()
        assert article.reading_time > 1


class TestPublished:
    def test_only_published_and_due_articles_are_public(self, make_article):
        public = make_article()
        make_article(publish=False)
        make_article(status=Status.REVIEW)
        make_article(published_at=timezone.now() + timedelta(hours=1))
        make_article(embargoed_until=timezone.now() + timedelta(hours=1))
        assert list(Article.objects.published()) == [public]

    def test_is_public_agrees_with_published(self, make_article):
        articles = [
            make_article(),
            make_article(publish=False),
            make_article(published_at=timezone.now() + timedelta(days=1)),
        ]
        public_ids = set(Article.objects.published().values_list("id", flat=True))
        for article in articles:
            assert article.is_public == (article.id in public_ids)

    def test_feed_entry_of_unpublished_article_is_not_public(self, make_article, make_entry):
        draft = make_article(publish=False)
        make_entry(article=draft, headline="")
        standalone = make_entry()
        draft_entry = make_entry(status=FeedEntry.Status.DRAFT)
        future = make_entry(published_at=timezone.now() + timedelta(minutes=5))
        public = set(FeedEntry.objects.published())
        assert standalone in public
        assert draft_entry not in public and future not in public
        assert len(public) == 1


class TestPublishing:
    def test_publishing_in_a_feed_section_creates_its_entry(self, make_article, make_section):
        article = make_article(publish=False, section=make_section(in_news_feed=True))
        assert not FeedEntry.objects.filter(article=article).exists()
        publishing.publish(article)
        entry = FeedEntry.objects.get(article=article)
        assert entry.published_at == article.published_at
        assert entry.title == article.headline
        assert entry.text == article.standfirst
        assert entry.link == article.get_absolute_url()

    def test_publishing_outside_feed_sections_creates_no_entry(self, make_article, make_section):
        article = make_article(section=make_section(in_news_feed=False))
        assert not FeedEntry.objects.filter(article=article).exists()

    def test_republishing_keeps_the_original_time(self, make_article):
        article = make_article()
        first = article.published_at
        publishing.publish(article)
        assert article.published_at == first
        assert FeedEntry.objects.filter(article=article).count() == 1

    def test_saving_does_not_set_updated(self, make_article):
        article = make_article()
        article.headline = "Typo fixed"
        article.save()
        assert article.updated_at is None
        assert not article.show_updated

    def test_substantive_update_sets_updated_and_refreshes_entry(self, make_article):
        article = make_article()
        publishing.publish(article, substantive_update=True)
        assert article.show_updated
        assert FeedEntry.objects.get(article=article).updated_at == article.updated_at

    def test_mark_updated(self, make_article):
        article = make_article()
        article.mark_updated()
        article.refresh_from_db()
        assert article.show_updated


class TestCaption:
    def test_caption_defaults_from_the_photo(self, make_article, make_photo):
        photo = make_photo(caption="From the photo.")
        article = make_article(photo=photo)
        assert article.lead_photo.text == "From the photo."
        assert article.lead_photo.credit == photo.credit

    def test_caption_can_differ_per_use(self, make_article, make_photo):
        photo = make_photo(caption="From the photo.")
        first = make_article(photo=photo, caption="Used here.")
        second = make_article(photo=photo)
        assert Caption.objects.get(article=first).text == "Used here."
        assert Caption.objects.get(article=second).text == "From the photo."

    def test_article_without_lead_photo(self, make_article):
        assert make_article().lead_photo is None


class TestFeedEntry:
    def test_entry_needs_a_headline_or_an_article(self):
        with pytest.raises(IntegrityError):
            FeedEntry.objects.create(headline="", summary="No headline")

    def test_updated_shows_only_after_publication(self, make_entry):
        entry = make_entry()
        assert not entry.show_updated
        entry.mark_updated()
        assert entry.show_updated

    def test_external_link(self, make_entry):
        assert make_entry(url="https://example.com/story").link == "https://example.com/story"


class TestArticlePageQuery:
    def test_for_page_brings_the_byline_in_order_and_the_tags_in_one_query(
        self, make_article, make_author, django_assert_num_queries
    ):
        second, first = make_author(name="Second Writer"), make_author(name="First Writer")
        article = make_article(authors=[first, second], tags=["Energy", "Kyiv"])
        with django_assert_num_queries(1):
            loaded = Article.objects.published().for_page().get(pk=article.pk)
            names = [author.name for author in loaded.byline]
            urls = [author.get_absolute_url() for author in loaded.byline]
            tags = sorted((tag.name, tag.slug) for tag in loaded.tag_list)
        assert names == ["First Writer", "Second Writer"]
        assert urls == [first.get_absolute_url(), second.get_absolute_url()]
        assert tags == [("Energy", "energy"), ("Kyiv", "kyiv")]

    def test_an_article_without_authors_or_tags_has_empty_lists(
        self, make_article, django_assert_num_queries
    ):
        article = make_article(authors=[])
        with django_assert_num_queries(1):
            loaded = Article.objects.for_page().get(pk=article.pk)
            assert loaded.byline == [] and loaded.tag_list == []

    def test_without_for_page_the_relations_are_read_as_usual(self, make_article, make_author):
        author = make_author(name="Plain Query")
        article = make_article(authors=[author], tags=["Grain"])
        plain = Article.objects.get(pk=article.pk)
        assert [a.name for a in plain.byline] == ["Plain Query"]
        assert [tag.name for tag in plain.tag_list] == ["Grain"]


class TestRelated:
    def test_related_ranks_shared_tags_then_recency_among_earlier_articles(
        self, make_article, make_section
    ):
        now = timezone.now()
        section = make_section()

        def at(hours, tags, **extra):
            return make_article(
                section=section, tags=tags, published_at=now - timedelta(hours=hours), **extra
            )

        two_shared = at(5, ["a", "b"])
        one_shared_newer = at(2, ["a"])
        one_shared_older = at(4, ["b"])
        at(3, ["c"])  # shares nothing
        later = at(0.5, ["a", "b"])  # published after the story: not background
        story = at(1, ["a", "b"])
        related = Article.objects.published().related_to(story)
        assert related == [two_shared, one_shared_newer, one_shared_older]
        assert later not in related

    def test_only_the_nearest_candidates_are_compared(self, make_article, make_section):
        now = timezone.now()
        section = make_section()
        far = make_article(section=section, tags=["x"], published_at=now - timedelta(hours=9))
        near = [
            make_article(section=section, tags=["y"], published_at=now - timedelta(hours=h))
            for h in (3, 4)
        ]
        story = make_article(
            section=section, tags=["x", "y"], published_at=now - timedelta(hours=1)
        )
        related = Article.objects.published().related_to(story, candidates=2)
        assert related == near
        assert far in Article.objects.published().related_to(story, candidates=3)
