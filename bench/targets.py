"""What the benchmark asks for, read from the seeded database: the URLs to load and the
queries each page costs. Run inside Django by bench/run.py; prints JSON."""

import json
import random
import re
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from feed.models import FeedEntry  # noqa: E402
from lib.blocks import shared_blocks  # noqa: E402
from lib.pagination import Cursor  # noqa: E402

ARTICLE_URLS = 500
DEEP_BATCH = 200


def deep_cursor():
    """The cursor a reader holds after pressing Show More DEEP_BATCH - 1 times."""
    position = (DEEP_BATCH - 1) * settings.NEWSROOM_FEED_BATCH - 1
    stream = FeedEntry.objects.stream().order_by("-published_at", "-pk")
    last = stream.values_list("published_at", "pk")[position : position + 1].first()
    return Cursor(*last) if last else None


def search_word():
    """A word from many headlines, so search returns full pages of results."""
    headlines = Article.objects.published().values_list("headline", flat=True)[:200]
    words = [w.lower() for h in headlines for w in re.findall(r"[A-Za-z]{5,}", h)]
    return max(set(words), key=words.count) if words else "news"


def main():
    rng = random.Random(6)
    slugs = list(
        Article.objects.published()
        .order_by("-published_at")
        .values_list("slug", flat=True)[: ARTICLE_URLS * 20]
    )
    articles = [f"/articles/{slug}/" for slug in rng.sample(slugs, min(ARTICLE_URLS, len(slugs)))]
    cursor = deep_cursor()
    section = Section.objects.filter(in_news_feed=True).first() or Section.objects.first()
    urls = {
        "feed_first": "/",
        "feed_deep": f"/?before={cursor}" if cursor else None,
        "article": articles[0],
        "section": section.get_absolute_url(),
        "search": f"/search/?q={search_word()}",
    }
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    queries = {}
    warm_queries = {}
    statuses = {}

    def page_queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        # Not the page cache's check of its purges, made at most once a second.
        return response, sum("lib_pageversion" not in q["sql"] for q in captured.captured_queries)

    with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0, SECURE_SSL_REDIRECT=False):
        for name, url in urls.items():
            if url is None:
                continue
            client.get(url)  # warm the process: the first request pays one-off costs
            shared_blocks.clear()  # every shared block built again, as after a purge
            response, queries[name] = page_queries(url)
            statuses[name] = response.status_code
            _, warm_queries[name] = page_queries(url)
        # Every article page costs the same, whichever article it is.
        article_queries = set()
        for url in articles[:20]:
            shared_blocks.clear()
            article_queries.add(page_queries(url)[1])
    json.dump(
        {
            "urls": urls,
            "article_urls": articles,
            "queries_per_page": queries,
            "queries_per_page_with_blocks_kept": warm_queries,
            "article_query_counts_seen": sorted(article_queries),
            "statuses": statuses,
            "counts": {
                "articles": Article.objects.count(),
                "published_articles": Article.objects.published().count(),
                "feed_entries": FeedEntry.objects.count(),
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
