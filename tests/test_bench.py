"""The benchmark's own parts: the floor, the breaking-news mix, its CPU readings."""

import os
import time
from types import SimpleNamespace

from bench import breaking
from bench import run as bench_run
from bench import urls as bench_urls

FLOOR = b"<!doctype html><title>floor</title>"


def test_the_floor_answers_its_bytes_from_memory(
    db, settings, tmp_path, monkeypatch, reader, django_assert_num_queries
):
    floor = tmp_path / "floor.html"
    floor.write_bytes(FLOOR)
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(floor))
    monkeypatch.setattr(bench_urls, "_floor_bytes", None)
    settings.ROOT_URLCONF = "bench.urls"
    reader.get("/__floor__/")
    with django_assert_num_queries(0):
        response = reader.get("/__floor__/")
    assert response.status_code == 200 and response.content == FLOOR


def test_the_breaking_news_mix_is_in_its_proportions():
    plan = {
        "urls": {"feed_first": "/", "search": "/search/?q=news"},
        "article_urls": [f"/articles/story-{n}/" for n in range(500)],
    }
    paths = breaking.mix_paths(plan)
    assert len(paths) == 1000
    assert paths.count("/") == 400 and paths.count("/search/?q=news") == 100
    assert set(paths) - {"/", "/search/?q=news"} == set(plan["article_urls"])


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
