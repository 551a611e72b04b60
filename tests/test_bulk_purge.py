"""Imports skip per-item purge work and purge every cached page once at the end."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing import import_feed
from newsroom import purge

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


def test_bulk_mode_runs_no_purge_queries_per_item(make_article):
    article = make_article(tags=["grain"])
    with CaptureQueriesContext(connection) as normal:
        article.headline = "Edited"
        article.save()
    with purge.bulk(), CaptureQueriesContext(connection) as bulk:
        article.headline = "Edited again"
        article.save()

    def purge_lookups(queries):
        tables = ('"articles_section"', '"taggit_', '"articles_articleauthor"')
        return [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]

    assert purge_lookups(normal.captured_queries)
    assert not purge_lookups(bulk.captured_queries)
