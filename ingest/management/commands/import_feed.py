from django.core.management.base import CommandError

from ingest.feeds import ImportRefused, import_feed, section_by_slug
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Import an RSS 2.0 or Atom feed from a URL or a file, as articles in a section "
        "(default) or as News Feed entries (--entries). Titles, links, dates with their time "
        "zones, authors, categories as tags, summaries and sanitised content are kept; images "
        "the feed references become photos with their credit. Items already imported (same "
        "guid) are left alone, so running it again changes nothing. A malformed item is "
        "reported and skipped; a malformed file is refused before anything is written. URLs "
        "are fetched over http/https only, with a timeout and a size cap, and never from a "
        "private or loopback address unless --allow-private is given."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument("source", help="A feed URL (http/https) or a local file path.")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--section", help="Slug of the section that imported articles go into.")
        target.add_argument(
            "--entries",
            action="store_true",
            help="Import items as News Feed entries linking to their source, not articles.",
        )
        parser.add_argument(
            "--drafts",
            action="store_true",
            help="Import articles as drafts for an editor to review instead of publishing them.",
        )
        parser.add_argument(
            "--no-images", action="store_true", help="Do not fetch the images items reference."
        )
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="Allow fetching from private and loopback addresses (a trusted internal feed).",
        )

    def handle(self, *args, source, section, entries, drafts, no_images, allow_private,
               dry_run, **options):  # fmt: skip
        if not entries and not section:
            raise CommandError("Give --section SLUG for articles, or --entries.")
        try:
            result = import_feed(
                source,
                as_entries=entries,
                section=None if entries else section_by_slug(section),
                drafts=drafts,
                allow_private=allow_private,
                fetch_images=not no_images,
                dry_run=dry_run,
                progress=self.progress,
            )
        except ImportRefused as error:
            raise CommandError(f"Import refused: {error}.") from None
        self.report(result.skipped, "Item {0} skipped: {1}")
        self.report(result.image_problems, "Item {0} image left out: {1}")
        self.report(result.drafted, "Item {0} kept as a draft: it {1} before it can be public")
        verb = "Dry run: would import" if dry_run else "Imported"
        summary = (
            f"{verb} {result.created} {result.kind} of {result.total} item(s); "
            f"{result.unchanged} already imported, {len(result.skipped)} skipped"
        )
        if not entries:
            summary += f", {result.photos} new photo(s)"
        self.stdout.write(summary + ".")
        if result.total and not result.created and not result.skipped:
            self.stdout.write("Nothing to do: every item was already imported.")
