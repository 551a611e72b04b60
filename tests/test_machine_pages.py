"""The pages machines read (sitemaps and feeds) cost the same queries at any archive size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def machine_urls(section, author, tag):
    return [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
        "/news-sitemap.xml",
        "/feed/rss/",
        "/feed/atom/",
        *(
            f"/{kind}/{slug}/{format}/"
            for kind, slug in (("sections", section.slug), ("tags", tag), ("authors", author.slug))
            for format in ("rss", "atom")
        ),
    ]


def test_sitemaps_and_feeds_cost_the_same_queries_with_5_and_50_articles(
    reader, make_article, make_section, make_author, make_photo, make_entry,
    django_assert_num_queries,
):  # fmt: skip
    section, author, photo = make_section(), make_author(), make_photo()

    def add_articles(count):
        for _ in range(count):
            make_article(section=section, authors=[author], tags=["grain"], photo=photo)
            make_entry()

    add_articles(5)
    urls = machine_urls(section, author, "grain")
    for url in urls:  # the process's one-off lookups (the site, content types)
        assert reader.get(url).status_code == 200, url
    with_five = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            reader.get(url)
        with_five[url] = len(queries.captured_queries)

    add_articles(45)

    for url in urls:
        with django_assert_num_queries(with_five[url]):
            assert reader.get(url).status_code == 200, url


def test_sitemap_index_and_page_queries(reader, make_article, django_assert_num_queries):
    make_article(tags=["grain"])
    reader.get("/sitemap.xml")  # the site, once per process

    # Sections, articles (latest publication and update, count), tags and authors.
    with django_assert_num_queries(5):
        assert reader.get("/sitemap.xml").status_code == 200
    # The count and the page.
    with django_assert_num_queries(2):
        assert reader.get("/sitemap-articles.xml").status_code == 200
