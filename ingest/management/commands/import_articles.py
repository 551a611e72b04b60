from pathlib import Path

from django.core.management.base import CommandError

from ingest.transfer import import_articles
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Import articles, standalone feed entries and redirects from a JSON Lines file written "
        "by export_articles. Articles whose slug already exists, entries whose guid does, "
        "redirects from an address that has one and photos imported before are left alone, so "
        "running it again (or after an interrupted run) adds only what is missing. Each line "
        "is imported in its own transaction; a bad line is reported with its number and "
        "skipped. Photo files are read from --media (default: this site's media folder)."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument("input", help="The JSON Lines file.")
        parser.add_argument(
            "--media", help="Folder holding the exported site's media files, by stored name."
        )

    def handle(self, *args, input, media, dry_run, **options):
        path = Path(input)
        if not path.is_file():
            raise CommandError(f"No such file: {input}.")
        if media and not Path(media).is_dir():
            raise CommandError(f"No such folder: {media}.")
        try:
            with path.open(encoding="utf-8") as stream:
                result = import_articles(
                    stream, media_dir=media, dry_run=dry_run, progress=self.progress
                )
        except UnicodeDecodeError:
            raise CommandError(f"{input} is not UTF-8 text.") from None
        self.report(result.skipped, "Line {0} skipped: {1}")
        self.report(
            result.missing_photos, "Line {0}: photo file {1} not found; lead photo left out"
        )
        verb = "Dry run: would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {result.created} article(s); {result.unchanged} already present, "
            f"{len(result.skipped)} line(s) skipped."
        )
        entries, redirects = result.entries, result.redirects
        self.stdout.write(
            f"{verb} {entries.created} standalone feed entry(ies) and {redirects.created} "
            f"redirect(s); {entries.unchanged + redirects.unchanged} already present."
        )
