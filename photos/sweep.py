"""Photo files that no photo names: what an upload leaves behind when its transaction
rolls back after the files were written, or when its process dies half-way."""

from django.core.files.storage import default_storage

from . import crops
from .images import files_below
from .models import Photo, private_storage


def orphan_files(*, older_than):
    """Files no photo names that were last written before `older_than`, as
    (storage, name) pairs."""
    public, private = set(), set()
    rows = Photo.objects.values_list("pk", "image", "original", "renditions", "focal_x", "focal_y")
    for pk, image, original, renditions, focal_x, focal_y in rows.iterator(chunk_size=2000):
        public.add(image)
        private.add(original)
        public.update(item["name"] for item in renditions or [])
        public.update(crops.crop_name(pk, image, name, (focal_x, focal_y)) for name in crops.CROPS)
    for storage, top, named in (
        (default_storage, "photos", public),
        (default_storage, "renditions", public),
        (default_storage, "crops", public),
        (private_storage, "originals", private),
    ):
        for name in files_below(storage, top):
            if name not in named and storage.get_modified_time(name) < older_than:
                yield storage, name
