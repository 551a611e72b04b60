from django.core.management.base import CommandError

from bench.seeding import seed_bulk
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Create N realistic synthetic published articles (5%% drafts) with authors, tags, "
        "shared lead photos and News Feed entries, using bulk inserts, for benchmarks and "
        "load tests. Reports the rate in articles per second. Their guids start with "
        "“bulk:”. Example: manage.py seed_bulk 100000 --entries 50000"
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to create.")
        parser.add_argument(
            "--entries",
            type=int,
            default=0,
            help="Also create this many standalone News Feed entries (no article).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Rows per insert (default: %(default)s)."
        )
        parser.add_argument("--seed", type=int, help="Random seed, for repeatable content.")

    def handle(self, *args, count, entries, batch_size, seed, **options):
        if count < 0 or entries < 0:
            raise CommandError("Counts must not be negative.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = seed_bulk(
            count, entries=entries, batch_size=batch_size, seed=seed, progress=self.progress
        )
        self.stdout.write(
            f"Created {result.articles} article(s), {result.feed_entries} feed entr(ies), "
            f"{result.authors} author(s), {result.tags} tag(s), {result.photos} photo(s) "
            f"in {result.seconds:.1f} s: {result.rate:.0f} articles/second."
        )
