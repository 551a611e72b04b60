"""The benchmark's ceilings take the article page apart faithfully (bench/urls.py)."""

import pytest
from django.contrib.sites.models import Site

from bench import urls as bench_urls


@pytest.fixture
def ceiling(settings, tmp_path, monkeypatch, make_article, make_entry):
    articles = [
        make_article(tags=["energy", "grid"], photo=True),
        make_article(tags=["energy"]),
        make_article(),
    ]
    make_entry(label="Video")
    Site.objects.get_current()  # looked up once per process, as in production
    pages = tmp_path / "ceiling-articles.txt"
    pages.write_text("".join(f"{article.get_absolute_url()}\n" for article in articles))
    floor = tmp_path / "floor.html"
    floor.write_bytes(b"<!doctype html><title>floor</title>")
    monkeypatch.setenv("BENCH_CEILING_FILE", str(pages))
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(floor))
    monkeypatch.setattr(bench_urls, "_ceiling", None)
    monkeypatch.setattr(bench_urls, "_floor_bytes", None)
    settings.ROOT_URLCONF = "bench.urls"
    return articles


def test_render_ceiling_is_the_article_page_without_a_query(
    ceiling, reader, django_assert_num_queries
):
    reader.get("/__ceiling__/render/0/")  # the process loads its ceiling articles once
    with django_assert_num_queries(0):
        rendered = reader.get("/__ceiling__/render/0/")
    page = reader.get(ceiling[0].get_absolute_url())
    assert rendered.status_code == 200
    assert bench_urls.NONCE.sub(b"", rendered.content) == bench_urls.NONCE.sub(b"", page.content)
    assert ceiling[0].headline.encode() in rendered.content


def test_sql_ceiling_sends_the_article_pages_statements(ceiling, reader, django_assert_num_queries):
    reader.get("/__ceiling__/sql/1/")
    with django_assert_num_queries(5):  # as many as the page itself (tests/test_pages.py)
        response = reader.get("/__ceiling__/sql/1/")
    assert response.content == b"<!doctype html><title>floor</title>"


def test_unknown_ceiling_article_is_404(ceiling, reader):
    assert reader.get("/__ceiling__/sql/3/").status_code == 404


def test_ceiling_refuses_a_render_that_differs_from_the_page(ceiling, reader, monkeypatch):
    monkeypatch.setattr(bench_urls, "QUERYING_HELPERS", ("related_articles", "site_sections"))
    with pytest.raises(RuntimeError, match="not the article page"):
        reader.get("/__ceiling__/render/0/")
