from datetime import timedelta

from django.core.management.base import CommandError

from desk.scheduling import DEFAULT_OVERDUE_AFTER, publish_scheduled
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Record articles whose publish time and embargo have passed as gone live: sets "
        "went_live_at, writes a “went live” audit entry and refreshes the News Feed entry. "
        "Readers already see them; this is the bookkeeping. Safe to run every minute and "
        "twice at once. Exits non-zero when an item went live later than --overdue-minutes "
        "after it was due, so cron can alert."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--overdue-minutes",
            type=float,
            default=DEFAULT_OVERDUE_AFTER.total_seconds() / 60,
            help="Report items recorded more than this many minutes after they were due "
            "(default: %(default)s).",
        )

    def handle(self, *args, overdue_minutes, dry_run, **options):
        if overdue_minutes < 0:
            raise CommandError("--overdue-minutes must not be negative.")
        result = publish_scheduled(
            overdue_after=timedelta(minutes=overdue_minutes),
            dry_run=dry_run,
            progress=self.progress,
        )
        prefix = "Dry run: would record" if dry_run else "Recorded"
        line = f"{prefix} {len(result.went_live)} article(s) as gone live"
        if result.skipped:
            line += f", {result.skipped} already taken by another run"
        self.stdout.write(line + ".")
        for article, late in result.overdue:
            self.stdout.write(
                self.style.WARNING(
                    f"Overdue by {int(late.total_seconds() // 60)} min: "
                    f"{article.headline} (id {article.pk})"
                )
            )
        if result.overdue:
            raise CommandError(
                f"{len(result.overdue)} article(s) went live more than "
                f"{overdue_minutes:g} minutes after they were due."
            )
