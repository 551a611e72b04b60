from django.conf import settings
from django.db import connection, transaction

from articles import text
from articles.models import Article
from lib import pagecache
from lib.commands import StaffCommand, quiet_progress

SEARCH_INDEX = "article_search_idx"


def rebuild_search_index(*, batch_size=1000, reindex=True, dry_run=False, progress=quiet_progress):
    """Recompute every article's derived figures and search document, then rebuild the index.

    Rows whose word count or reading time is stale (e.g. written by bulk inserts or before a
    change of the words-per-minute setting) are corrected. Every row is rewritten, which makes
    PostgreSQL recompute the generated search document with the current text-search
    configuration. Returns (articles seen, figures corrected).
    """
    seen = corrected = 0
    words_per_minute = settings.NEWSROOM_WORDS_PER_MINUTE
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    table = connection.ops.quote_name(Article._meta.db_table)
    for batch in progress(batches, unit="batch", desc="Articles"):
        with transaction.atomic():
            stale = []
            for article in Article.objects.filter(pk__in=batch).only(
                "pk", "body", "word_count", "reading_time"
            ):
                seen += 1
                words = text.count_words(article.body)
                minutes = text.reading_minutes(words, words_per_minute)
                if (words, minutes) != (article.word_count, article.reading_time):
                    article.word_count, article.reading_time = words, minutes
                    stale.append(article)
            corrected += len(stale)
            if dry_run:
                continue
            Article.objects.bulk_update(stale, ["word_count", "reading_time"])
            # An UPDATE makes PostgreSQL recompute the stored generated column.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET headline = headline WHERE id = ANY(%s)", [batch]
                )
    if seen and not dry_run:  # rows rewritten in SQL: their pages and search results change
        pagecache.purge_everything()
    if reindex and not dry_run:
        with connection.cursor() as cursor:
            cursor.execute(f"REINDEX INDEX {connection.ops.quote_name(SEARCH_INDEX)}")
            cursor.execute(f"ANALYZE {table}")
    return seen, corrected


class Command(StaffCommand):
    help = (
        "Recompute every article's word count and reading time, make PostgreSQL recompute "
        "its search document, then rebuild the full-text search index and refresh planner "
        "statistics. Run it after bulk loads or a change to the search configuration."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-reindex", action="store_true", help="Skip REINDEX (it blocks writes briefly)."
        )

    def handle(self, *args, no_reindex, dry_run, **options):
        seen, corrected = rebuild_search_index(
            reindex=not no_reindex, dry_run=dry_run, progress=self.progress
        )
        verb = "would correct" if dry_run else "corrected"
        done = "" if dry_run or no_reindex else "; search index rebuilt"
        self.stdout.write(f"Checked {seen} article(s): {verb} {corrected} figure(s){done}.")
