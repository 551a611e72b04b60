"""How long the pages machines read take, uncached: `python -m bench.machine_pages`.

Renders the sitemap index, the sitemaps (the articles' first and last pages among them),
the Google News sitemap and the RSS and Atom feeds through the whole middleware stack with
production settings and the page cache off, against an already seeded database
(`manage.py seed_bulk 100000`). Prints JSON: for each page its median, fastest and slowest
milliseconds over `--repeat` requests after `--warmup`, its queries and its size, and the
target it must stay under. Exits non-zero when a page misses its target (with --check).
"""

import argparse
import json
import os
import sys

from bench.common import SECRET_KEY, time_page
from bench.run import env_for

# Milliseconds a page may take, uncached, at 100,000 articles.
TARGETS = {"index": 100, "sitemap": 300, "feed": 50}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/nr_machine"),
        help="A seeded database (default: DATABASE_URL).",
    )
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
    parser.add_argument("--check", action="store_true", help="Exit 1 when a page misses.")
    parser.add_argument(
        "--settings", default=os.environ.get("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    )
    parser.add_argument("pages", nargs="*", help="Only these pages (default: all).")
    return parser.parse_args()


def page_urls():
    """Each page's address and kind, read from the seeded archive."""
    from django.db.models import Count

    from articles import sitemaps
    from articles.models import Article, Author, Section

    published = Article.objects.published()
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    author = Author.objects.annotate(n=Count("credits")).order_by("-n").first()
    tag = published.exclude(tags=None).first().tags.order_by("pk").first()
    last_page = max(1, -(-published.count() // sitemaps.ArticleSitemap.limit))
    pages = {
        "sitemap_index": ("index", "/sitemap.xml"),
        "sitemap_articles_first": ("sitemap", "/sitemap-articles.xml"),
        "sitemap_articles_last": ("sitemap", f"/sitemap-articles.xml?p={last_page}"),
        "sitemap_sections": ("sitemap", "/sitemap-sections.xml"),
        "sitemap_tags": ("sitemap", "/sitemap-tags.xml"),
        "sitemap_authors": ("sitemap", "/sitemap-authors.xml"),
        "sitemap_news_feed": ("sitemap", "/sitemap-news-feed.xml"),
        "news_sitemap": ("sitemap", "/news-sitemap.xml"),
        "feed_rss": ("feed", "/feed/rss/"),
        "feed_atom": ("feed", "/feed/atom/"),
    }
    for kind in ("rss", "atom"):
        pages[f"section_{kind}"] = ("feed", f"/sections/{section.slug}/{kind}/")
        pages[f"tag_{kind}"] = ("feed", f"/tags/{tag.slug}/{kind}/")
        pages[f"author_{kind}"] = ("feed", f"/authors/{author.slug}/{kind}/")
    return pages


def main():
    args = parse_args()
    os.environ.update(
        env_for(
            args,
            NEWSROOM_PAGE_CACHE_SECONDS=0,
            REDIS_URL="",
            DJANGO_SECRET_KEY=SECRET_KEY,
        )
    )
    import django

    django.setup()
    from django.test import Client

    from articles.models import Article

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    pages = page_urls()
    results = {}
    for name, (kind, url) in pages.items():
        if args.pages and name not in args.pages:
            continue
        result = time_page(client, url, warmup=args.warmup, repeat=args.repeat)
        result.update(url=url, target_ms=TARGETS[kind])
        result["met"] = result["median_ms"] < TARGETS[kind]
        results[name] = result
    report = {
        "articles": Article.objects.published().count(),
        "repeat": args.repeat,
        "pages": results,
    }
    print(json.dumps(report, indent=2))
    if args.check and not all(page["met"] for page in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
