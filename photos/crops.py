"""Fixed-ratio crops of photos for search engines and social cards.

Each crop is cut once with Pillow when the photo is saved and stored like the renditions,
through the default storage (a local folder, or an S3-compatible bucket), so any app
server can serve or replace it and a page render never touches image data.
"""

import io
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from . import images

# Name -> (width, height) of the ratio. Google asks for these three for articles.
RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
JPEG_QUALITY = 82


def crop_size(photo, ratio):
    """The pixel size of a crop: the largest box of the ratio, no wider than CROP_WIDTH,
    and at least one pixel each way however thin the photo (a 10,799 × 2 banner still
    gets a 3 × 1 crop rather than an empty image)."""
    ratio_w, ratio_h = RATIOS[ratio]
    width = max(1, min(photo.width, photo.height * ratio_w // ratio_h, CROP_WIDTH))
    return width, max(1, width * ratio_h // ratio_w)


def crop_name(pk, image_name, ratio):
    # The upload name is random and unique per file: a replaced image gets fresh crops,
    # and no crop can be guessed from a photo's number.
    return f"crops/{pk}-{PurePath(image_name).stem}/{ratio}.jpg"


def name_of(photo, ratio, pk=None):
    return crop_name(pk or photo.pk, photo.image.name, ratio)


def crop_url(photo, ratio):
    return default_storage.url(name_of(photo, ratio))


def make_crop(photo, ratio):
    """Store the crop if it is missing and return its storage name.

    Pixels that cannot be cut or encoded raise `images.unprocessable()`, and storage that
    cannot be written `images.not_stored()`; a failed write leaves no partial file."""
    name = name_of(photo, ratio)
    if default_storage.exists(name):
        return name
    try:
        with photo.image.open("rb") as source, Image.open(source) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            cropped = ImageOps.fit(image, crop_size(photo, ratio), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        cropped.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for pixels it cannot handle
        raise images.unprocessable() from None
    try:
        saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    except OSError as error:
        default_storage.delete(name)
        raise images.not_stored(error) from error
    if saved != name:  # another process stored the same crop a moment before
        default_storage.delete(saved)
    return name


def make_crops(photo):
    """Cut every ratio that structured data and social cards name, once."""
    return [make_crop(photo, ratio) for ratio in RATIOS]


def delete_crops(photo, pk=None):
    if (pk or photo.pk) and photo.image:
        for ratio in RATIOS:
            default_storage.delete(name_of(photo, ratio, pk))
