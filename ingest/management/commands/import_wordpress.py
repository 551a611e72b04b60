from pathlib import Path

from django.core.management.base import CommandError

from ingest.feeds import ImportRefused, section_by_slug
from ingest.wordpress import import_wordpress
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Import a WordPress WXR export (Tools → Export): posts (published ones published, "
        "drafts kept as drafts, pending ones in review), authors, categories and tags as tags, "
        "excerpts as standfirsts, featured images when their files are in --media (reported "
        "and left out otherwise), and the old post URLs as redirects to the new pages. Each "
        "post's first category becomes its section unless --section is given. Posts already "
        "imported (same guid) are left alone, so running it again changes nothing."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument("file", help="The WXR file (.xml) exported from WordPress.")
        parser.add_argument(
            "--media",
            help="Folder with the site's wp-content/uploads files (e.g. 2024/11/photo.jpg).",
        )
        parser.add_argument("--section", help="Slug of the section every post goes into.")

    def handle(self, *args, file, media, section, dry_run, **options):
        if media and not Path(media).is_dir():
            raise CommandError(f"No such folder: {media}.")
        try:
            result = import_wordpress(
                file,
                media_dir=media,
                section=section_by_slug(section) if section else None,
                dry_run=dry_run,
                progress=self.progress,
            )
        except ImportRefused as error:
            raise CommandError(f"Import refused: {error}.") from None
        self.report(result.skipped, "Item {0} skipped: {1}")
        self.report(result.images_skipped, "Item {0}: {1}; imported without it")
        self.report(result.drafted, "Item {0} kept as a draft: it {1} before it can be public")
        verb = "Dry run: would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {result.created} post(s), {result.photos} photo(s), "
            f"{result.redirects} redirect(s); {result.unchanged} already imported, "
            f"{len(result.skipped)} skipped, {result.other_items} page(s) or other item(s) "
            "ignored."
        )
