"""Imports skip per-item purge work and purge every cached page once at the end."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from ingest.feeds import import_feed
from lib import purging

DATA = Path(__file__).parent / "data"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_cached_feed_page_shows_imported_entries_right_after_the_import(reader, make_entry):
    make_entry(headline="Already here")
    assert reader.get("/").headers["X-Page-Cache"] == "miss"
    assert reader.get("/").headers["X-Page-Cache"] == "hit"

    result = import_feed(str(DATA / "feed.rss"), as_entries=True)

    assert result.created > 0
    response = reader.get("/")
    assert response.headers["X-Page-Cache"] == "miss"
    html = response.content.decode()
    assert "Already here" in html
    assert "Grid operator restores power to Kharkiv &amp; Sumy" in html


def test_bulk_mode_runs_no_purge_queries_per_item(make_article, monkeypatch):
    article = make_article(tags=["grain"])
    looked_up = []
    cache_tags = Article.cache_tags
    monkeypatch.setattr(Article, "cache_tags", lambda a: looked_up.append(a.pk) or cache_tags(a))
    with CaptureQueriesContext(connection) as normal:
        article.headline = "Edited"
        article.save()
    assert looked_up
    looked_up.clear()
    with purging.bulk(), CaptureQueriesContext(connection) as bulk:
        article.headline = "Edited again"
        article.save()
    assert not looked_up

    def section_lookups(queries):  # only the purge reads the section: a save has its id
        return [q["sql"] for q in queries if '"articles_section"' in q["sql"]]

    assert section_lookups(normal.captured_queries)
    assert not section_lookups(bulk.captured_queries)
