"""The desk's lists at archive scale: what they ask PostgreSQL for. (How fast they answer
at 100,000 articles is measured by `python -m bench.admin_pages`, not by timed tests.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from desk import changelists
from desk.changelists import AtLeast, BoundedPaginator, prefix_query

pytestmark = pytest.mark.django_db


def statements(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


def article_selects(sqls):
    return [sql for sql in sqls if sql.startswith('SELECT "articles_article"."id"')]


def test_the_article_list_counts_once_reads_no_body_and_drills_down_no_dates(
    desk_client, make_article
):
    for _ in range(3):
        make_article()
    response, sqls = statements(desk_client, "/admin/articles/article/")

    counts = [sql for sql in sqls if "COUNT(" in sql.upper() and "articles_article" in sql]
    assert len(counts) == 1
    listed = article_selects(sqls)
    assert len(listed) == 1
    assert '"articles_article"."body"' not in listed[0]
    assert '"articles_article"."search_document"' not in listed[0]
    assert not [sql for sql in sqls if "DATE_TRUNC" in sql.upper()]
    assert response.context["cl"].result_count == 3


def test_the_list_costs_the_same_queries_for_three_articles_or_thirty(desk_client, make_article):
    make_article()
    _, few = statements(desk_client, "/admin/articles/article/")
    for _ in range(29):
        make_article()
    _, many = statements(desk_client, "/admin/articles/article/")
    assert len(many) == len(few)


def test_admin_search_uses_the_full_text_index_and_finds_word_starts(desk_client, make_article):
    grid = make_article(headline="Rescuers reach the substation")
    make_article(headline="Museum reopens")
    response, sqls = statements(desk_client, "/admin/articles/article/?q=rescu")

    assert [article.pk for article in response.context["cl"].result_list] == [grid.pk]
    searched = article_selects(sqls)[0]
    assert '"articles_article"."search_document" @@' in searched
    assert "LIKE" not in searched.upper()


def test_admin_search_finds_an_article_by_its_exact_slug_or_number(desk_client, make_article):
    article = make_article(headline="Grid repairs", slug="kharkiv-2024-grid")
    other = make_article()

    by_slug, _ = statements(desk_client, "/admin/articles/article/?q=kharkiv-2024-grid")
    assert list(by_slug.context["cl"].result_list) == [article]
    by_number, _ = statements(desk_client, f"/admin/articles/article/?q={other.pk}")
    assert other in list(by_number.context["cl"].result_list)


def test_a_search_of_punctuation_alone_finds_nothing_and_does_not_fail(desk_client, make_article):
    make_article()
    response, _ = statements(desk_client, "/admin/articles/article/?q=%26%7C%21%3A*")
    assert list(response.context["cl"].result_list) == []
    assert prefix_query("&|!:*") is None


def test_a_search_counts_its_matches_only_up_to_the_limit(desk_client, make_article, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "limit", 2)
    for number in range(3):
        make_article(headline=f"Energy story {number}")
    response, _ = statements(desk_client, "/admin/articles/article/?q=energy")

    count = response.context["cl"].result_count
    assert isinstance(count, AtLeast) and count == 2 and str(count) == "2+"
    assert "2+ results" in response.content.decode()


def test_filters_still_narrow_the_list(desk_client, make_article):
    published = make_article()
    draft = make_article(publish=False)
    response, _ = statements(
        desk_client, f"/admin/articles/article/?section__id__exact={draft.section_id}"
    )
    assert list(response.context["cl"].result_list) == [draft]
    assert published not in response.context["cl"].result_list


def test_feed_entry_search_finds_entries_by_their_own_text_or_their_articles(
    desk_client, make_entry, make_article
):
    own = make_entry(headline="Air defence active over Kyiv")
    article = make_article(headline="Grain corridor reopens")  # its entry has no headline
    other = make_entry(headline="Museum reopens")

    by_own, _ = statements(desk_client, "/admin/feed/feedentry/?q=defence")
    assert list(by_own.context["cl"].result_list) == [own]
    by_article, sqls = statements(desk_client, "/admin/feed/feedentry/?q=grain")
    assert list(by_article.context["cl"].result_list) == [article.feed_entry]
    assert other not in by_article.context["cl"].result_list
    assert any('"search_document" @@' in sql for sql in sqls)


def test_the_feed_entry_list_counts_once_and_drills_down_no_dates(desk_client, make_entry):
    for _ in range(3):
        make_entry()
    _, sqls = statements(desk_client, "/admin/feed/feedentry/")
    assert len([sql for sql in sqls if "COUNT(" in sql.upper() and "feed_feedentry" in sql]) == 1
    assert not [sql for sql in sqls if "DATE_TRUNC" in sql.upper()]


def test_the_archive_indexes_cover_the_desks_orderings():
    names = {index.name for index in Article._meta.indexes}
    assert {
        "article_desk_order_idx",
        "article_desk_status_idx",
        "article_desk_section_idx",
    } <= names
    assert changelists.SEARCH_COUNT_LIMIT >= 100
