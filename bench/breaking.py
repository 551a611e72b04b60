"""The breaking-news load: readers on a realistic mix while the desk publishes.

`run(args, plan)` (called by bench/run.py) starts gunicorn exactly as deploy/gunicorn.conf.py
configures it, with the page cache on, and drives it with wrk at 64 connections over a mix
of the News Feed (40 %), the 500 article pages (50 %) and search (10 %): once quietly, then
while a publisher (`python -m bench.breaking publish`, a separate process writing through
the models as the desk does) publishes a feed entry and updates an article every few
seconds. Meanwhile a reader checks, after every completed publish, that the feed and the
updated article already show it; any older copy served counts as stale.
"""

import json
import os
import subprocess
import sys
import threading
import time

from bench.common import Gunicorn, http_get

SHARES = {"feed": 4, "article": 5, "search": 1}  # of every 10 requests


def mix_paths(plan):
    """1,000 paths in the mix's proportions, interleaved, each article in turn."""
    articles = iter(plan["article_urls"] * 2)
    order = [name for name, share in SHARES.items() for _ in range(share)]
    kinds = [order[number % len(order)] for number in range(1000)]
    pages = {"feed": plan["urls"]["feed_first"], "search": plan["urls"]["search"]}
    return [next(articles) if kind == "article" else pages[kind] for kind in kinds]


class Checker(threading.Thread):
    """Reads the publisher's reports; after each completed publish, and again and again
    until the next one, asks for the feed and the updated article as a reader would, and
    counts every answer that lacks what was published before the request began."""

    def __init__(self, base, publisher):
        super().__init__(daemon=True)
        self.base, self.publisher = base, publisher
        self.latest = None
        self.lock = threading.Lock()
        self.checks = self.stale = self.publishes = 0
        self.stale_examples = []
        self.done = threading.Event()

    def run(self):
        reader = threading.Thread(target=self._follow_reports, daemon=True)
        reader.start()
        while not self.done.is_set():
            with self.lock:
                latest = self.latest
            if latest is None:
                time.sleep(0.05)
                continue
            self._check(latest)
            time.sleep(0.1)

    def _follow_reports(self):
        for line in self.publisher.stdout:
            report = json.loads(line)
            with self.lock:
                self.latest = report
                self.publishes += 1
        self.done.set()

    def _check(self, latest):
        for path, marker in (
            ("/", latest["entry_headline"]),
            (latest["article_path"], latest["article_headline"]),
        ):
            status, body = http_get(self.base + path)
            self.checks += 1
            if status != 200 or marker.encode() not in body:
                self.stale += 1
                if len(self.stale_examples) < 5:
                    self.stale_examples.append({"path": path, "status": status, "wanted": marker})


def run(args, plan, env_for, wrk, log, results):
    """Both loads, quiet then breaking; returns their figures."""
    prefix = f"bench-breaking-{int(time.time())}"
    env = env_for(
        args,
        REDIS_URL=args.redis_url,
        NEWSROOM_CACHE_PREFIX=prefix,
        WEB_CONCURRENCY=args.workers,
        DATABASE_CONN_MAX_AGE=600,
        BENCH_FLOOR_FILE=results / "floor.html",
    )
    env.pop("GUNICORN_THREADS", None)  # the configuration's own
    paths = mix_paths(plan)
    figures = {"connections": args.mix_connections, "duration_s": args.mix_duration}
    # gunicorn exactly as deploy/gunicorn.conf.py configures it: its workers (by
    # WEB_CONCURRENCY), threads and recycling.
    with Gunicorn(args.port, env, results / "gunicorn-breaking.log") as server:
        for path in dict.fromkeys(paths):  # the first readers fill the cache
            http_get(server.base + path)
        log(f"\nBreaking news: {args.mix_connections} connections for {args.mix_duration} s…")
        figures["quiet"] = wrk(
            server.base + paths[0],
            connections=args.mix_connections,
            duration=args.mix_duration,
            paths=paths,
        )
        log(
            f"  quiet     {figures['quiet']['rps']:>7.0f} rps, p99 "
            f"{figures['quiet']['p99_ms']:.1f} ms, {figures['quiet']['errors']} errors"
        )
        publisher = subprocess.Popen(
            [sys.executable, "-m", "bench.breaking", "publish"]
            + ["--every", str(args.publish_every), "--for", str(args.mix_duration + 5)]
            + ["--articles", json.dumps(plan["article_urls"][:50])],
            cwd=env["PYTHONPATH"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        checker = Checker(server.base, publisher)
        checker.start()
        try:
            figures["breaking"] = wrk(
                server.base + paths[0],
                connections=args.mix_connections,
                duration=args.mix_duration,
                paths=paths,
            )
        finally:
            publisher.terminate()
            publisher.wait(timeout=30)
            checker.done.set()
            checker.join(timeout=10)
    breaking = figures["breaking"]
    figures.update(
        {
            "publishes": checker.publishes,
            "reader_checks": checker.checks,
            "stale_answers": checker.stale,
            "stale_examples": checker.stale_examples,
            "throughput_vs_quiet": round(breaking["rps"] / figures["quiet"]["rps"], 3),
        }
    )
    log(
        f"  breaking  {breaking['rps']:>7.0f} rps, p99 {breaking['p99_ms']:.1f} ms, "
        f"{breaking['errors']} errors; {checker.publishes} publishes, "
        f"{checker.checks} reader checks, {checker.stale} stale; "
        f"{figures['throughput_vs_quiet']:.2f} of the quiet rate"
    )
    return figures


def publish(every, duration, article_paths):
    """Every `every` seconds: publish a feed entry and update an article, through the
    models, as the desk does; report each once it has committed (and purged)."""
    import django

    django.setup()
    from articles.models import Article
    from feed import publishing
    from feed.models import FeedEntry

    slugs = [path.strip("/").rsplit("/", 1)[-1] for path in article_paths]
    started = time.monotonic()
    number = 0
    while time.monotonic() - started < duration:
        due = started + number * every
        time.sleep(max(0.0, due - time.monotonic()))
        number += 1
        stamp = f"{os.getpid()}-{number}"
        entry = FeedEntry.objects.create(headline=f"Breaking update {stamp}")
        article = Article.objects.published().get(slug=slugs[number % len(slugs)])
        article.headline = f"Developing story, update {stamp}"
        article.save()
        publishing.mark_updated(article)
        report = {
            "entry_headline": entry.headline,
            "article_path": article.get_absolute_url(),
            "article_headline": article.headline,
            "at": time.time(),
        }
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The breaking-news publisher.")
    parser.add_argument("command", choices=["publish"])
    parser.add_argument("--every", type=float, default=5.0)
    parser.add_argument("--for", dest="duration", type=float, default=65.0)
    parser.add_argument("--articles", required=True)
    options = parser.parse_args()
    publish(options.every, options.duration, json.loads(options.articles))
