from django.core.management.base import CommandError
from PIL import Image

from lib import pagecache
from lib.commands import StaffCommand, quiet_progress
from photos.models import Photo


def regenerate_renditions(*, dry_run=False, progress=quiet_progress):
    """Re-read every photo with Pillow, correct stored sizes, remake renditions.

    Returns (photos checked, sizes corrected, renditions made, [(photo, reason)] unreadable).
    """
    checked = corrected = remade = 0
    changed = set()
    unreadable = []
    photos = Photo.objects.order_by("pk")
    for photo in progress(photos.iterator(chunk_size=200), total=photos.count(), unit="photo"):
        checked += 1
        try:
            with photo.image.open("rb") as file, Image.open(file) as image:
                image.load()
                size = image.size
        except Exception as error:  # noqa: BLE001 - missing file, bad bytes, Pillow's many kinds
            unreadable.append((photo, f"{type(error).__name__}: {error}"))
            continue
        if size != (photo.width, photo.height):
            corrected += 1
            if not dry_run:
                Photo.objects.filter(pk=photo.pk).update(width=size[0], height=size[1])
                changed |= photo.cache_tags()
        if not dry_run:
            try:
                photo.regenerate_renditions()
                remade += 1
                changed |= photo.cache_tags()
            except Exception as error:  # noqa: BLE001 - reported, the others go on
                unreadable.append((photo, f"renditions failed: {error}"))
    if changed:  # written with update(), which sends no signal
        pagecache.purge(*changed)
    return checked, corrected, remade, unreadable


class Command(StaffCommand):
    help = (
        "Re-read every photo's public image with Pillow, correct its stored width and height, "
        "and remake its resized renditions (from the private original when there is one). "
        "Lists files that cannot be read and exits non-zero when there are any."
    )
    changes_data = True

    def handle(self, *args, dry_run, **options):
        checked, corrected, remade, unreadable = regenerate_renditions(
            dry_run=dry_run, progress=self.progress
        )
        for photo, reason in unreadable:
            self.stdout.write(f"Photo {photo.pk} ({photo.image.name}): {reason}")
        verb = "would correct" if dry_run else "corrected"
        self.stdout.write(
            f"Checked {checked} photo(s): {verb} {corrected} size(s), remade renditions of "
            f"{remade}, {len(unreadable)} unreadable."
        )
        if unreadable:
            raise CommandError(f"{len(unreadable)} photo(s) could not be read.")
