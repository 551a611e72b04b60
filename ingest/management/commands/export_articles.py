import sys

from django.core.management.base import CommandError

from ingest.transfer import export_articles
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Export articles as JSON Lines, one article per line with its section, authors, tags, "
        "lead photo metadata and caption, corrections and News Feed entry, then the standalone "
        "News Feed entries and the redirects. Photo files are referenced by their stored name; "
        "copy the media folder alongside. Users, revisions and the audit log are left out: "
        "for a full backup use pg_dump and the media folders. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="File to write, or - for standard output.")
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Only articles and feed entries readers can see now (and every redirect).",
        )

    def handle(self, *args, output, published_only, **options):
        try:
            stream = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        try:
            result = export_articles(stream, published_only=published_only, progress=self.progress)
        finally:
            if stream is not sys.stdout:
                stream.close()
        message = (
            f"Exported {result.articles} article(s). Also {result.entries} standalone feed "
            f"entry(ies) and {result.redirects} redirect(s)."
        )
        # Keep standard output clean JSON Lines when the export goes there.
        (self.stderr if output == "-" else self.stdout).write(message)
