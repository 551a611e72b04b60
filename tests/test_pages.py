from datetime import timedelta

import pytest
from django.contrib.sites.models import Site
from django.utils import timezone

from articles.models import Status
from labels.models import Label
from lib import pagecache

pytestmark = pytest.mark.django_db


def feed_html(reader):
    response = reader.get("/")
    assert response.status_code == 200
    return response.content.decode()


class TestNewsFeedPage:
    def test_entries_show_time_label_headline_and_summary(self, reader, make_entry):
        make_entry(
            headline="Drone strike on missile plant",
            summary="The plant makes Iskander missiles.",
            label=Label.objects.for_name("Video"),
            url="https://example.com/drone",
        )
        html = feed_html(reader)
        assert "Drone strike on missile plant" in html
        assert "The plant makes Iskander missiles." in html
        assert '<a class="label" href="/labels/video/">Video</a>' in html
        assert 'href="https://example.com/drone"' in html
        assert "<time datetime=" in html

    def test_times_are_shown_in_the_newsroom_time_zone(self, reader, make_entry, settings):
        settings.TIME_ZONE = "Europe/Kyiv"
        make_entry(published_at=timezone.datetime(2024, 11, 22, 10, 0, tzinfo=timezone.UTC))
        html = feed_html(reader)
        assert 'datetime="2024-11-22T12:00:00+0200"' in html
        assert "Nov 22, 2024, 12:00" in html

    def test_updated_appears_only_when_set(self, reader, make_entry):
        make_entry(headline="Never updated")
        updated = make_entry(headline="Was updated")
        updated.mark_updated()
        html = feed_html(reader)
        assert html.count("(Updated:") == 1
        assert html.index("(Updated:") > html.index("Was updated") - 600

    def test_entry_linked_to_article_takes_its_headline_and_standfirst(
        self, reader, make_article, make_section
    ):
        make_article(
            headline="Troops deployed to Kursk",
            standfirst="Nearly 60,000 personnel.",
            section=make_section(in_news_feed=True),
        )
        html = feed_html(reader)
        assert "Troops deployed to Kursk" in html
        assert "Nearly 60,000 personnel." in html

    def test_pinned_entries_lead_the_first_batch_only(self, reader, make_entry):
        for _ in range(25):
            make_entry()
        make_entry(headline="Pinned announcement", pinned=True,
                   published_at=timezone.now() - timedelta(days=3))  # fmt: skip
        html = feed_html(reader)
        assert html.index("Pinned announcement") < html.index('id="feed-entries"')
        cursor = reader.get("/").context["batch"].next_cursor
        assert "Pinned announcement" not in reader.get(f"/?before={cursor}").content.decode()

    def test_unpublished_entries_and_articles_are_absent(
        self, reader, make_entry, make_article, make_section
    ):
        feed_section = make_section(in_news_feed=True)
        make_entry(headline="Public entry")
        make_entry(headline="Draft entry", status="draft")
        make_entry(headline="Scheduled entry", published_at=timezone.now() + timedelta(hours=2))
        draft = make_article(headline="Draft article", publish=False, section=feed_section)
        make_entry(headline="", article=draft)
        unpublished = make_article(headline="Pulled article", section=feed_section)
        unpublished.status = Status.DRAFT
        unpublished.save()
        make_article(headline="In review article", status=Status.REVIEW, section=feed_section)
        html = feed_html(reader)
        assert "Public entry" in html
        for hidden in ["Draft entry", "Scheduled entry", "Draft article", "Pulled article",
                       "In review article"]:  # fmt: skip
            assert hidden not in html

    def test_empty_feed(self, reader):
        assert "Nothing has been published yet." in feed_html(reader)


class TestArticlePage:
    def test_article_page_shows_everything_the_seed_page_does(
        self, reader, make_article, make_author, make_photo, make_entry
    ):
        first, second = make_author(name="Olena Kovalenko"), make_author(name="Taras Melnyk")
        photo = make_photo(
            caption="Default", credit="Ed Ram/For The Washington Post via Getty Images"
        )
        article = make_article(
            headline="Russia has deployed nearly 60,000 troops",
            standfirst="A source in the General Staff says so.",
            body="<p>" + "word " * 300 + "</p>",
            authors=[second, first],
            tags=["Kursk Oblast", "Russia"],
            photo=photo,
            caption="A drone unit commander in Sudzha.",
        )
        make_entry(headline="Latest side entry")
        html = reader.get(article.get_absolute_url()).content.decode()
        assert f'<p class="section-label"><a href="{article.section.get_absolute_url()}">' in html
        assert "<h1>Russia has deployed nearly 60,000 troops</h1>" in html
        assert "A source in the General Staff says so." in html
        assert "2 min read" in html
        # Byline in the editor's order, linked.
        assert html.index("Taras Melnyk") < html.index("Olena Kovalenko")
        assert f'href="{first.get_absolute_url()}"' in html
        # Lead photo with caption, then credit in parentheses, inside figcaption.
        assert "<figure" in html and f'src="{photo.image.url}"' in html
        assert 'width="64" height="48"' in html
        assert 'alt="Soldiers beside vehicles in a field"' in html
        assert (
            "<figcaption>A drone unit commander in Sudzha. "
            '<span class="credit">(Ed Ram/For The Washington Post via Getty Images)</span>'
            "</figcaption>"
        ) in html
        assert 'href="/tags/kursk-oblast/"' in html
        assert "Latest side entry" in html
        assert "Updated:" not in html

    def test_updated_time_shows_after_a_substantive_update(self, reader, make_article):
        article = make_article()
        article.mark_updated()
        assert "Updated:" in reader.get(article.get_absolute_url()).content.decode()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"publish": False},
            {"status": Status.REVIEW},
            {"published_at": timezone.now() + timedelta(days=1)},
            {"embargoed_until": timezone.now() + timedelta(days=1)},
        ],
        ids=["draft", "in-review", "scheduled", "embargoed"],
    )
    def test_unpublished_article_is_404_for_readers(self, reader, make_article, overrides):
        article = make_article(**overrides)
        response = reader.get(article.get_absolute_url())
        assert response.status_code == 404
        assert article.headline not in response.content.decode()

    def test_headline_and_caption_are_escaped(self, reader, make_article):
        article = make_article(headline="<script>alert(1)</script>", photo=True,
                               caption="<b>bold</b>")  # fmt: skip
        html = reader.get(article.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html
        assert "<b>bold</b>" not in html


class TestListingPages:
    def test_section_page_lists_only_its_published_articles(
        self, reader, make_article, make_section
    ):
        section, other = make_section(name="Business"), make_section()
        make_article(headline="Grain exports rise", section=section)
        make_article(headline="Draft business story", section=section, publish=False)
        make_article(headline="Elsewhere", section=other)
        html = reader.get(section.get_absolute_url()).content.decode()
        assert "<h1>Business</h1>" in html
        assert "Grain exports rise" in html
        assert "Draft business story" not in html and "Elsewhere" not in html

    def test_tag_page_lists_published_articles_with_the_tag(self, reader, make_article):
        make_article(headline="Tagged story", tags=["Kursk Oblast"])
        make_article(headline="Tagged draft", tags=["Kursk Oblast"], publish=False)
        html = reader.get("/tags/kursk-oblast/").content.decode()
        assert "Tagged story" in html and "Tagged draft" not in html

    def test_tag_used_only_by_drafts_is_404(self, reader, make_article):
        make_article(tags=["Secret operation"], publish=False)
        assert reader.get("/tags/secret-operation/").status_code == 404

    def test_author_page_shows_bio_and_published_articles(self, reader, make_article, make_author):
        author = make_author(name="Iryna Bondar", bio="Writes about energy.")
        make_article(headline="Power restored", authors=[author])
        make_article(headline="Unfinished piece", authors=[author], publish=False)
        html = reader.get(author.get_absolute_url()).content.decode()
        assert "Iryna Bondar" in html and "Writes about energy." in html
        assert "Power restored" in html and "Unfinished piece" not in html

    def test_listing_pages_paginate_by_cursor(self, reader, make_article, make_section):
        section = make_section()
        now = timezone.now()
        articles = [
            make_article(section=section, published_at=now - timedelta(minutes=i))
            for i in range(25)
        ]
        first = reader.get(section.get_absolute_url())
        assert len(first.context["batch"]) == 20
        second = reader.get(
            f"{section.get_absolute_url()}?before={first.context['batch'].next_cursor}"
        )
        assert [a.pk for a in second.context["batch"]] == [a.pk for a in articles[20:]]

    @pytest.mark.parametrize(
        "url",
        ["/sections/nope/", "/authors/nobody/", "/tags/nothing/", "/articles/missing/",
         "/no/such/page/", "/feed/999999/"],
    )  # fmt: skip
    def test_unknown_urls_get_the_friendly_404(self, reader, url):
        response = reader.get(url)
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.content.decode()


class TestErrorPages:
    def test_server_error_page_is_friendly(self, reader, settings, monkeypatch):
        from articles import views

        def explode(request, slug):
            raise RuntimeError("boom")

        monkeypatch.setattr(views, "detail", explode)
        settings.ROOT_URLCONF = "tests.urls_error"
        reader.raise_request_exception = False
        response = reader.get("/articles/anything/")
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.content.decode()
        assert "boom" not in response.content.decode()


class TestQueryCounts:
    """Public pages run a fixed number of queries however much they show."""

    def _populate(self, count, make_article, make_author, make_entry, make_section):
        section = make_section(in_news_feed=True)
        authors = [make_author() for _ in range(count)]
        for i in range(count):
            make_entry(label=Label.objects.for_name("Video") if i % 2 else None)
            make_article(section=section, authors=authors[:2], tags=[f"tag {i}"])
        # The story, published after the others: they are its Related stories.
        article = make_article(
            section=section,
            authors=authors,
            tags=[f"tag {i}" for i in range(count)],
            photo=True,
            published_at=timezone.now(),
        )
        # The current Site is looked up once per process, then cached: not a per-page cost.
        Site.objects.get_current()
        # As on a server that has been up a while: it has checked its cache against the
        # purges recorded in PostgreSQL (once a second, not per page).
        assert pagecache.current_versions((pagecache.SITE,)) is not None
        return article

    @pytest.mark.parametrize("count", [5, 100])
    def test_feed_page_query_count_is_constant(
        self, count, reader, make_article, make_author, make_entry, make_section,
        django_assert_num_queries,
    ):  # fmt: skip
        self._populate(count, make_article, make_author, make_entry, make_section)
        with django_assert_num_queries(3):
            assert reader.get("/").status_code == 200

    @pytest.mark.parametrize("count", [5, 100])
    def test_article_page_query_count_is_constant(
        self, count, reader, make_article, make_author, make_entry, make_section,
        django_assert_num_queries,
    ):  # fmt: skip
        article = self._populate(count, make_article, make_author, make_entry, make_section)
        # Article with its byline and tags, News Feed sidebar, section nav, Related, Latest.
        with django_assert_num_queries(5):
            assert reader.get(article.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("count", [5, 100])
    def test_section_page_query_count_is_constant(
        self, count, reader, make_article, make_author, make_entry, make_section,
        django_assert_num_queries,
    ):  # fmt: skip
        article = self._populate(count, make_article, make_author, make_entry, make_section)
        with django_assert_num_queries(4):
            assert reader.get(article.section.get_absolute_url()).status_code == 200
