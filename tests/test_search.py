"""Full-text search: public articles only, ranked, highlighted, bounded, hostile-proof."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import search

pytestmark = pytest.mark.django_db


def result_headlines(response):
    return [article.headline for article in response.context["results"].items]


def test_search_finds_public_articles_by_any_word_form(reader, make_article):
    match = make_article(headline="Grain exports reach a high", body="<p>Ships sailed.</p>")
    make_article(headline="Theatre in the metro")

    response = reader.get("/search/", {"q": "export"})

    assert response.status_code == 200
    assert result_headlines(response) == [match.headline]


def test_drafts_and_embargoed_articles_never_appear(reader, make_article):
    make_article(headline="Grain public")
    make_article(headline="Grain draft", publish=False)
    make_article(headline="Grain embargoed", embargoed_until=timezone.now() + timedelta(hours=1))

    response = reader.get("/search/", {"q": "grain"})

    assert result_headlines(response) == ["Grain public"]
    assert b"Grain draft" not in response.content
    assert b"Grain embargoed" not in response.content


def test_headline_match_outranks_body_match(reader, make_article):
    body_only = make_article(headline="Weekly roundup", body="<p>Drones " + "text " * 40 + "</p>")
    in_headline = make_article(headline="Drones over Kyiv", body="<p>Nothing else.</p>")

    response = reader.get("/search/", {"q": "drones"})

    assert result_headlines(response) == [in_headline.headline, body_only.headline]


def test_newer_story_outranks_an_equally_relevant_old_one(reader, make_article):
    now = timezone.now()
    make_article(headline="Port reopens", published_at=now - timedelta(days=400))
    make_article(headline="Port reopens again", published_at=now - timedelta(hours=2))

    response = reader.get("/search/", {"q": "port reopens"})

    assert result_headlines(response) == ["Port reopens again", "Port reopens"]


def test_hits_are_highlighted_and_the_text_around_them_escaped(reader, make_article):
    make_article(
        headline="Drones <b>& missiles</b>",
        standfirst="",
        body="<p>The factory makes drones &amp; <em>parts</em> for the front.</p>",
    )

    response = reader.get("/search/", {"q": "drones"})

    html = response.content.decode()
    assert "<mark>Drones</mark> &lt;b&gt;&amp; missiles&lt;/b&gt;" in html
    assert "makes <mark>drones</mark> &amp; parts for the front" in html
    assert "<em>" not in html.split('class="result__snippet"')[1].split("</p>")[0]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "'; DROP TABLE articles_article; --",
        "!!! & | ( :* <-> \\",
        '"unclosed phrase',
        "the and of",
        "nul\x00byte",
        "<script>alert(1)</script>",
    ],
)
def test_empty_and_hostile_queries_are_answered_cleanly(reader, make_article, query):
    make_article(headline="Grain exports")

    response = reader.get("/search/", {"q": query})

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_overlong_query_is_cut_and_the_reader_told(reader, make_article):
    make_article(headline="Grain exports")

    response = reader.get("/search/", {"q": "grain " + "x" * 5000})

    assert response.status_code == 200
    assert len(response.context["query"]) == search.MAX_QUERY_LENGTH
    assert response.context["truncated"] is True
    assert b"Only the first 200 characters" in response.content


def test_results_are_paged_and_bounded(reader, make_article, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for number in range(5):
        make_article(headline=f"Harbour story {number}")

    first = reader.get("/search/", {"q": "harbour"})
    second = reader.get("/search/", {"q": "harbour", "page": "2"})
    third = reader.get("/search/", {"q": "harbour", "page": "3"})

    assert first.context["results"].has_next and second.context["results"].has_next
    assert not third.context["results"].has_next
    seen = result_headlines(first) + result_headlines(second) + result_headlines(third)
    assert sorted(seen) == [f"Harbour story {number}" for number in range(5)]
    assert 'rel="next"' in first.content.decode()
    assert reader.get("/search/", {"q": "harbour", "page": "0"}).status_code == 404
    assert reader.get("/search/", {"q": "harbour", "page": "x"}).status_code == 404
    too_deep = str(search.MAX_PAGES + 1)
    assert reader.get("/search/", {"q": "harbour", "page": too_deep}).status_code == 404


def test_search_is_one_query_whatever_the_number_of_results(
    reader, make_article, django_assert_num_queries, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # count the queries of a real render
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lib.blocks import shared_blocks

    def search_queries():
        shared_blocks.clear()  # the navigation built again, as after any purge
        with CaptureQueriesContext(connection) as captured:
            response = reader.get("/search/", {"q": "harbour"})
        # Not the page cache's own check of its purges, made at most once a second.
        return response, [q for q in captured.captured_queries if "lib_pageversion" not in q["sql"]]

    make_article(headline="Harbour one", photo=True, tags=["a"])
    reader.get("/search/", {"q": "harbour"})  # warm the per-process site cache
    _, one = search_queries()
    for number in range(8):
        make_article(headline=f"Harbour {number}", photo=True, tags=["a", "b"])

    response, many = search_queries()
    assert len(many) == len(one) == 2  # the results, and the navigation
    assert len(result_headlines(response)) == 9


def test_search_page_is_not_indexed_but_is_described(reader, make_article):
    make_article(headline="Grain exports")

    response = reader.get("/search/", {"q": "grain"})

    html = response.content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert '<meta name="description"' in html


@pytest.mark.parametrize("page", ["²", "¹", "١", "٢", " 2", "+2", "1_0", "2\x00"])
def test_a_page_number_is_written_in_ascii_digits_only(reader, make_article, page):
    make_article(headline="Harbour story")

    response = reader.get("/search/", {"q": "harbour", "page": page})

    assert response.status_code == 404
