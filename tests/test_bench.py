"""The benchmark's ceilings take the article and feed pages apart faithfully
(bench/urls.py)."""

import pytest
from django.contrib.sites.models import Site

from bench import urls as bench_urls

FLOOR = b"<!doctype html><title>floor</title>"


@pytest.fixture
def ceiling(settings, tmp_path, monkeypatch, make_article, make_entry):
    articles = [
        make_article(tags=["energy", "grid"], photo=True),
        make_article(tags=["energy"]),
        make_article(),
    ]
    make_entry(label="Video")
    make_entry(pinned=True)
    Site.objects.get_current()  # looked up once per process, as in production
    pages = tmp_path / "ceiling-articles.txt"
    pages.write_text("".join(f"{article.get_absolute_url()}\n" for article in articles))
    floor = tmp_path / "floor.html"
    floor.write_bytes(FLOOR)
    monkeypatch.setenv("BENCH_CEILING_FILE", str(pages))
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(floor))
    monkeypatch.setattr(bench_urls, "_ceilings", None)
    monkeypatch.setattr(bench_urls, "_floor_bytes", None)
    settings.ROOT_URLCONF = "bench.urls"
    return articles


def without_nonce(content):
    return bench_urls.NONCE.sub(b"", content)


@pytest.mark.parametrize(("page", "n", "path"), [("article", 0, None), ("feed", 0, "/")])
def test_render_ceiling_is_the_page_without_a_query(
    page, n, path, ceiling, reader, django_assert_num_queries
):
    reader.get(f"/__ceiling__/{page}/render/{n}/")  # the process takes the pages apart once
    with django_assert_num_queries(0):
        rendered = reader.get(f"/__ceiling__/{page}/render/{n}/")
    real = reader.get(path or ceiling[n].get_absolute_url())
    assert rendered.status_code == 200
    assert without_nonce(rendered.content) == without_nonce(real.content)


@pytest.mark.parametrize(("page", "n", "queries"), [("article", 1, 5), ("feed", 0, 3)])
def test_sql_ceiling_sends_the_pages_statements(
    page, n, queries, ceiling, reader, django_assert_num_queries
):
    reader.get(f"/__ceiling__/{page}/sql/{n}/")
    with django_assert_num_queries(queries):  # as many as the page (tests/test_pages.py)
        response = reader.get(f"/__ceiling__/{page}/sql/{n}/")
    assert response.content == FLOOR


@pytest.mark.parametrize("path", ["/__ceiling__/article/sql/3/", "/__ceiling__/search/sql/0/"])
def test_unknown_ceiling_is_404(path, ceiling, reader):
    assert reader.get(path).status_code == 404


def test_ceiling_refuses_a_render_that_differs_from_the_page(ceiling, reader, monkeypatch):
    monkeypatch.setattr(bench_urls, "QUERYING_HELPERS", ("related_articles", "site_sections"))
    with pytest.raises(RuntimeError, match="is not the page"):
        reader.get("/__ceiling__/article/render/0/")
