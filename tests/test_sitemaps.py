"""Sitemaps, the Google News sitemap and robots.txt, parsed with lxml as crawlers do."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from articles import sitemaps
from newsroom.urls import SITE_SITEMAPS

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml(reader, url):
    response = reader.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def locations(tree, tag="url"):
    return [urlsplit(loc).path for loc in tree.xpath(f"//sm:{tag}/sm:loc/text()", namespaces=NS)]


def test_index_names_every_section_sitemap_and_each_one_parses(reader, make_article):
    make_article(tags=["grain"])

    index = xml(reader, "/sitemap.xml")

    listed = locations(index, "sitemap")
    assert {f"/sitemap-{name}.xml" for name in SITE_SITEMAPS} == set(listed)
    for path in listed:
        assert locations(xml(reader, path)), path


def test_article_sitemap_lists_only_public_articles_with_their_update_time(reader, make_article):
    public = make_article()
    updated = timezone.now().replace(microsecond=0)
    public.mark_updated(at=updated)
    draft = make_article(publish=False)
    embargoed = make_article(embargoed_until=timezone.now() + timedelta(hours=2))

    tree = xml(reader, "/sitemap-articles.xml")

    paths = locations(tree)
    assert public.get_absolute_url() in paths
    assert draft.get_absolute_url() not in paths
    assert embargoed.get_absolute_url() not in paths
    (lastmod,) = tree.xpath(
        f"//sm:url[sm:loc[contains(., '{public.slug}')]]/sm:lastmod/text()", namespaces=NS
    )
    assert parse_datetime(lastmod) == updated


def test_large_archive_is_split_across_index_pages(reader, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(5)]

    index = xml(reader, "/sitemap.xml")

    pages = [loc for loc in index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)]
    article_pages = [loc for loc in pages if "sitemap-articles.xml" in loc]
    assert len(article_pages) == 3
    seen = []
    for page in article_pages:
        seen += locations(xml(reader, urlsplit(page).path + "?" + urlsplit(page).query))
    assert sorted(seen) == sorted(article.get_absolute_url() for article in articles)


def test_tag_and_author_sitemaps_leave_out_what_only_drafts_use(reader, make_article, make_author):
    hidden_author = make_author()
    make_article(tags=["secret-plans"], authors=[hidden_author], publish=False)
    shown = make_article(tags=["grain"])

    assert locations(xml(reader, "/sitemap-tags.xml")) == ["/tags/grain/"]
    authors = locations(xml(reader, "/sitemap-authors.xml"))
    assert shown.byline[0].get_absolute_url() in authors
    assert hidden_author.get_absolute_url() not in authors


def test_news_sitemap_holds_the_last_48_hours_with_publication_details(
    reader, make_article, settings
):
    settings.NEWSROOM_PUBLICATION_NAME = "The Harbour Ledger"
    settings.NEWSROOM_PUBLICATION_LANGUAGE = "uk"
    now = timezone.now()
    fresh = make_article(headline="Fresh & new", published_at=now - timedelta(hours=47))
    old = make_article(published_at=now - timedelta(hours=49))
    draft = make_article(publish=False)

    tree = xml(reader, "/news-sitemap.xml")

    paths = locations(tree)
    assert paths == [fresh.get_absolute_url()]
    assert old.get_absolute_url() not in paths and draft.get_absolute_url() not in paths
    news = tree.xpath("//news:news", namespaces=NS)[0]
    assert news.xpath("news:publication/news:name/text()", namespaces=NS) == ["The Harbour Ledger"]
    assert news.xpath("news:publication/news:language/text()", namespaces=NS) == ["uk"]
    assert news.xpath("news:title/text()", namespaces=NS) == ["Fresh & new"]
    (published,) = news.xpath("news:publication_date/text()", namespaces=NS)
    assert parse_datetime(published) == fresh.published_at


def test_news_sitemap_stops_at_one_thousand(reader, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    monkeypatch.setattr(sitemaps.GoogleNewsSitemap, "limit", 3)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(5):
            make_article()
        assert len(locations(xml(reader, "/news-sitemap.xml"))) == 3


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_the_admin(reader):
    response = reader.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    sitemap_paths = [
        urlsplit(line.split(": ", 1)[1]).path for line in lines if line.startswith("Sitemap:")
    ]
    assert sitemap_paths == ["/sitemap.xml", "/news-sitemap.xml"]
    assert "Disallow: /admin/" in lines
