"""EXPLAIN (ANALYZE, BUFFERS) of the public lookups the benchmark loads: the News Feed's
first batch, a batch 200 deep, an article page's own lookup and its Related block.

`python -m bench.explain --database-url ...` prints the plans and writes them to
bench-results/explain-<articles>.txt, so a reader can check they are index scans.
"""

import argparse
import os
import sys

from bench.common import RESULTS, SECRET_KEY
from bench.run import env_for

# An article well inside the archive rather than on the front page.
ARTICLE_POSITION = 5000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/newsroom_bench"
        ),
    )
    args = parser.parse_args()
    args.settings = "newsroom.settings"
    os.environ.update(env_for(args, DJANGO_SECRET_KEY=SECRET_KEY))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from bench.targets import DEEP_BATCH, deep_cursor
    from feed.models import FeedEntry
    from lib.pagination import seek

    size = settings.NEWSROOM_FEED_BATCH
    cursor = deep_cursor()
    slug = (
        Article.objects.published()
        .order_by("-published_at")
        .values_list("slug", flat=True)[ARTICLE_POSITION]
    )
    # The SQL exactly as the views run it, taken from the database connection.
    lookups = {
        "News Feed, first batch (/)": lambda: seek(FeedEntry.objects.stream(), None, size),
        f"News Feed, batch {DEEP_BATCH} deep (/?before={cursor})": lambda: seek(
            FeedEntry.objects.stream(), cursor, size
        ),
        f"Article page lookup (/articles/{slug}/)": lambda: (
            Article.objects.published().for_page().get(slug=slug)
        ),
        f"Related articles of /articles/{slug}/": lambda: Article.objects.published().related_to(
            article
        ),
    }
    article = Article.objects.published().for_page().get(slug=slug)
    counts = {
        "articles": Article.objects.count(),
        "published_articles": Article.objects.published().count(),
        "feed_entries": FeedEntry.objects.count(),
    }
    out = [f"Data: {counts}", ""]
    for title, run in lookups.items():
        with CaptureQueriesContext(connection) as captured:
            run()
        sql = captured.captured_queries[-1]["sql"]
        with connection.cursor() as db:
            db.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in db.fetchall())
        out += [f"== {title}", sql, "", plan, ""]
    text = "\n".join(out)
    print(text)
    path = RESULTS / f"explain-{counts['articles']}.txt"
    path.write_text(text + "\n")
    print(f"Written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
