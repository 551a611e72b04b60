"""The benchmark's ceilings take the article and feed pages apart faithfully
(bench/urls.py)."""

import os
import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import run as bench_run
from bench import urls as bench_urls

FLOOR = b"<!doctype html><title>floor</title>"
TIMESTAMP = re.compile(r"'\d{4}-\d\d-\d\d[ T][\d:.+]+'")


@pytest.fixture
def ceiling(settings, tmp_path, monkeypatch, make_article, make_entry):
    articles = [
        make_article(tags=["energy", "grid"], photo=True),
        make_article(tags=["energy"]),
        make_article(),
    ]
    make_entry(label="Video")
    make_entry()
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


def statements(queries):
    """The SQL a page sent, with the moment it was sent (its `now`) masked."""
    return [TIMESTAMP.sub("<now>", query["sql"]) for query in queries.captured_queries]


@pytest.mark.parametrize(("page", "n", "path", "count"), [
    ("article", 1, None, 5), ("feed", 0, "/", 3),
])  # fmt: skip
def test_sql_ceiling_sends_the_pages_own_statements(page, n, path, count, ceiling, reader):
    reader.get(f"/__ceiling__/{page}/sql/{n}/")
    with CaptureQueriesContext(connection) as replayed:
        response = reader.get(f"/__ceiling__/{page}/sql/{n}/")
    with CaptureQueriesContext(connection) as real:
        reader.get(path or ceiling[n].get_absolute_url())
    assert response.content == FLOOR
    assert len(real.captured_queries) == count  # as tests/test_pages.py pins them
    assert statements(replayed) == statements(real)


@pytest.mark.parametrize("path", ["/__ceiling__/article/sql/3/", "/__ceiling__/search/sql/0/"])
def test_unknown_ceiling_is_404(path, ceiling, reader):
    assert reader.get(path).status_code == 404


def test_ceiling_refuses_a_render_that_would_query(ceiling, reader, monkeypatch):
    monkeypatch.setattr(bench_urls, "QUERYING_HELPERS", ("related_articles", "site_sections"))
    with pytest.raises(RuntimeError, match="is not the page"):
        reader.get("/__ceiling__/article/render/0/")


def test_ceiling_refuses_a_render_that_differs_from_the_page(ceiling, reader, monkeypatch):
    seek = bench_urls.seek
    monkeypatch.setattr(bench_urls, "seek", lambda entries, size: seek(entries, size=1))
    with pytest.raises(RuntimeError, match="is not the page"):
        reader.get("/__ceiling__/article/render/0/")


def test_cpu_readings_count_the_servers_processes_only_while_they_run():
    server = SimpleNamespace(
        process=SimpleNamespace(pid=os.getpid()),
        args=SimpleNamespace(database_url="postgresql://127.0.0.1/no_such_database"),
    )
    before, started = bench_run.serving_processes(server), time.process_time()
    while time.process_time() - started < 0.2:  # this process stands for the app server
        pass
    after = bench_run.serving_processes(server)
    assert os.getpid() in after
    assert 0.1 < bench_run.cpu_used(before, after) < 5
    assert bench_run.cpu_used({**before, 4_000_000: 1.0}, after) is None  # one has ended
