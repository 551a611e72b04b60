"""Where a page's time goes, in one process: `python -m bench.profile [--profile] [page...]`.

Renders the benchmark's pages through the whole middleware stack with production
settings against the benchmark database (BENCH_DATABASE_URL), prints milliseconds per
render, and with --profile the functions that cost most (cProfile, cumulative time).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time

from bench.common import SECRET_KEY
from bench.run import env_for

PAGES = ("feed_first", "feed_deep", "article", "cached_article", "cached_feed", "floor")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=list(PAGES))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/newsroom_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument(
        "--settings", default=os.environ.get("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    )
    args = parser.parse_args()
    os.environ.update(
        env_for(
            args,
            REDIS_URL=args.redis_url,
            NEWSROOM_CACHE_PREFIX=f"profile-{time.time():.0f}",
            DJANGO_SECRET_KEY=SECRET_KEY,
            BENCH_FLOOR_FILE=os.devnull,
        )
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ROOT_URLCONF = "bench.urls"
    from articles.models import Article

    slugs = list(
        Article.objects.published().order_by("-published_at").values_list("slug", flat=True)[:500]
    )
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    first = client.get("/")
    deep = first.content.split(b'rel="next" href="/?before=', 1)[1].split(b'"', 1)[0].decode()

    def paths(page):
        if page in ("article", "cached_article"):
            return [f"/articles/{slug}/" for slug in slugs]
        return {
            "feed_first": ["/"],
            "cached_feed": ["/"],
            "feed_deep": [f"/?before={deep}"],
            "floor": ["/__floor__/"],
        }[page]

    for page in args.pages:
        cached = page.startswith("cached")
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 600 if cached else 0
        urls = paths(page)
        for url in urls[:20]:  # warm templates, connections and the page cache
            assert client.get(url).status_code == 200, url
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for index in range(args.repeat):
            client.get(urls[index % min(len(urls), 20 if cached else len(urls))])
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"{page:<15} {elapsed / args.repeat * 1000:7.2f} ms per page", flush=True)
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(args.limit)
            stats.sort_stats("tottime").print_stats(args.limit)


if __name__ == "__main__":
    main()
