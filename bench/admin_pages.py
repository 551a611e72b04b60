"""How fast the admin answers an editor at archive scale: `python -m bench.admin_pages`.

Seeds (once) a database of its own with `--articles` synthetic articles (100,000 by
default) and then, with production settings, logs in as an editor with Django's test
client and times the pages an editor opens all day: the article change list, a filtered
change list, the admin search, the article change form and the same for News Feed
entries. Prints JSON: each page's median, fastest and slowest milliseconds over
`--repeat` requests after `--warmup`, its queries and its target (150 ms median).

`measure(database_url=None, *, articles=100_000, repeat=30, warmup=3) -> dict` runs the
same in a child process and returns that report, for `bench.run`.
"""

import argparse
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg

from bench.common import ROOT, database_rows, production_env, with_database
from bench.common import log as common_log
from bench.common import time_page as common_time_page

# bench.run calls measure(): nothing here imports it back.

# Milliseconds an admin page may take (median) for a logged-in editor at 100,000 articles.
TARGET_MS = 150
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/nr_bench_admin"
EDITOR = "bench-editor"
SEARCH_WORDS = "grain corridors"


def _environment(database_url):
    """Production settings, as the benchmark's servers run, without the page cache."""
    return production_env(
        database_url,
        NEWSROOM_PAGE_CACHE_SECONDS="0",
        REDIS_URL="",
        # The benchmark's editor signs in without a second factor.
        NEWSROOM_REQUIRE_2FA="0",
    )


def log(message):
    common_log(message, sys.stderr)  # stdout carries the JSON report


def prepare_database(database_url, articles, entries):
    """Seed `database_url` with `articles` articles unless it already holds them."""
    rows = database_rows(database_url)
    if rows and rows[0] >= articles:
        log(f"Reusing the admin benchmark's database: {rows[0]} articles.")
        return
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = _environment(database_url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    log(f"Seeding {articles} articles (about a minute per 100,000)…")
    subprocess.run(
        [*manage, "seed_bulk", str(articles), "--entries", str(entries), "--seed", "14"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def measure(database_url=None, *, articles=100_000, entries=50_000, repeat=30, warmup=3):
    """Seed if needed, time every admin page in a child process, return its report."""
    database_url = database_url or DEFAULT_DATABASE
    prepare_database(database_url, articles, entries)
    command = [sys.executable, "-m", "bench.admin_pages", "--database-url", database_url,
               "--repeat", str(repeat), "--warmup", str(warmup), "--no-seed"]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=_environment(database_url), check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def admin_urls():
    """Each admin page's address, read from the seeded archive."""
    from articles.models import Article, Section
    from feed.models import FeedEntry

    section = Section.objects.order_by("pk").first()
    article = Article.objects.published().filter(lead__isnull=False).order_by("-pk").first()
    entry = FeedEntry.objects.order_by("-pk").first()
    return {
        "article_changelist": "/admin/articles/article/",
        "article_changelist_filtered": (
            f"/admin/articles/article/?status__exact=published&section__id__exact={section.pk}"
        ),
        "article_search": f"/admin/articles/article/?q={SEARCH_WORDS.replace(' ', '+')}",
        "article_change_form": f"/admin/articles/article/{article.pk}/change/",
        "feedentry_changelist": "/admin/feed/feedentry/",
        "feedentry_changelist_filtered": "/admin/feed/feedentry/?status__exact=published",
        "feedentry_search": f"/admin/feed/feedentry/?q={SEARCH_WORDS.split()[0]}",
        "feedentry_change_form": f"/admin/feed/feedentry/{entry.pk}/change/",
    }


def editor_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from desk import roles

    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "first_name": "Bench"}
    )
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def time_page(client, url, *, warmup, repeat):
    timed = common_time_page(client, url, warmup=warmup, repeat=repeat)
    return {**timed, "target_ms": TARGET_MS, "met": timed["median_ms"] < TARGET_MS}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ADMIN_DATABASE_URL", DEFAULT_DATABASE),
        help="The benchmark's own database (default: %(default)s).",
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
    parser.add_argument("--no-seed", action="store_true", help="Use the database as it is.")
    parser.add_argument("--check", action="store_true", help="Exit 1 when a page misses.")
    parser.add_argument("pages", nargs="*", help="Only these pages (default: all).")
    return parser.parse_args()


def main():
    args = parse_args()
    if not args.no_seed:
        prepare_database(args.database_url, args.articles, args.entries)
    env = _environment(args.database_url)
    # Production settings serve hashed static files: the admin's pages need their manifest.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    os.environ.update(env)
    import django

    django.setup()
    from articles.models import Article

    client = editor_client()
    pages = {}
    for name, url in admin_urls().items():
        if not args.pages or name in args.pages:
            pages[name] = time_page(client, url, warmup=args.warmup, repeat=args.repeat)
    report = {"articles": Article.objects.count(), "repeat": args.repeat, "pages": pages}
    print(json.dumps(report, indent=2))
    if args.check and not all(page["met"] for page in pages.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
