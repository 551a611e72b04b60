from datetime import timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from lib.commands import StaffCommand, quiet_progress
from photos.sweep import orphan_files


def sweep_photo_files(*, older_than_hours=24, dry_run=False, progress=quiet_progress):
    """Delete the photo files no photo names (see `orphan_files`); return their names."""
    older_than = timezone.now() - timedelta(hours=older_than_hours)
    swept = []
    for storage, name in progress(orphan_files(older_than=older_than), unit="file"):
        if not dry_run:
            storage.delete(name)
        swept.append(name)
    return swept


class Command(StaffCommand):
    help = (
        "Delete photo files (public copies, renditions, private originals, crops) that no "
        "photo names: what an upload leaves when its save is rolled back or its process "
        "dies. Files written in the last --older-than-hours are left alone, so an upload "
        "still in progress is never touched."
    )
    changes_data = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Only files last written at least this long ago (default 24).",
        )

    def handle(self, *args, older_than_hours, dry_run, **options):
        if older_than_hours < 1:
            raise CommandError("--older-than-hours must be at least 1: uploads take time.")
        swept = sweep_photo_files(
            older_than_hours=older_than_hours, dry_run=dry_run, progress=self.progress
        )
        for name in swept:
            self.stdout.write(name)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {len(swept)} file(s) that no photo names.")
