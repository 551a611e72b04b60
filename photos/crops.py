"""Fixed-ratio crops of photos for search engines, social cards and listing thumbnails.

Each crop is cut once with Pillow when the photo is saved (and again when its focal point
moves) and stored like the renditions, through the default storage (a local folder, or an
S3-compatible bucket), so any app server can serve or replace it and a page render never
touches image data. Every crop is centred on the photo's focal point as far as the edges
allow, so the subject is always inside it.
"""

import io
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from . import images

# Name -> (width, height) of the ratio, and the widest the crop is cut. Google asks for
# the first three for articles; the small ones are the thumbnails of listings and feeds.
CROPS = {
    "16x9": ((16, 9), 1200),
    "4x3": ((4, 3), 1200),
    "1x1": ((1, 1), 1200),
    "4x3-480": ((4, 3), 480),
    "1x1-240": ((1, 1), 240),
}
RATIOS = {name: ratio for name, (ratio, _width) in CROPS.items() if name.count("-") == 0}
CROP_WIDTH = 1200
JPEG_QUALITY = 82
CENTRE = (0.5, 0.5)


def crop_size(photo, name):
    """The pixel size of a crop: the largest box of the ratio, no wider than its cap,
    and at least one pixel each way however thin the photo (a 10,799 × 2 banner still
    gets a 3 × 1 crop rather than an empty image)."""
    (ratio_w, ratio_h), cap = CROPS[name]
    width = max(1, min(photo.width, photo.height * ratio_w // ratio_h, cap))
    return width, max(1, width * ratio_h // ratio_w)


def crop_box(image_size, ratio, focus):
    """The largest box of `ratio` inside `image_size`, centred on `focus` (fractions of
    the width and height) as far as the edges allow: the focal point is always inside."""
    width, height = image_size
    ratio_w, ratio_h = ratio
    box_w = min(width, max(1, height * ratio_w // ratio_h))
    box_h = min(height, max(1, box_w * ratio_h // ratio_w))
    left = min(max(0, round(focus[0] * width - box_w / 2)), width - box_w)
    top = min(max(0, round(focus[1] * height - box_h / 2)), height - box_h)
    return left, top, left + box_w, top + box_h


def focus_of(photo):
    return (getattr(photo, "focal_x", 0.5), getattr(photo, "focal_y", 0.5))


def crop_name(pk, image_name, name, focus=CENTRE):
    # The upload name is random and unique per file: a replaced image gets fresh crops,
    # and no crop can be guessed from a photo's number. A moved focal point gives new
    # names, so no cache keeps showing the old framing.
    suffix = "" if tuple(focus) == CENTRE else f"-{round(focus[0] * 1000)}-{round(focus[1] * 1000)}"
    return f"crops/{pk}-{PurePath(image_name).stem}/{name}{suffix}.jpg"


def name_of(photo, name, pk=None):
    return crop_name(pk or photo.pk, photo.image.name, name, focus_of(photo))


def crop_url(photo, name):
    return default_storage.url(name_of(photo, name))


def make_crop(photo, name):
    """Store the crop if it is missing and return its storage name.

    Pixels that cannot be cut or encoded raise `images.unprocessable()`, and storage that
    cannot be written `images.not_stored()`; a failed write leaves no partial file."""
    stored_name = name_of(photo, name)
    if default_storage.exists(stored_name):
        return stored_name
    try:
        with photo.image.open("rb") as source, Image.open(source) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            box = crop_box(image.size, CROPS[name][0], focus_of(photo))
            cropped = image.crop(box).resize(crop_size(photo, name), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        cropped.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for pixels it cannot handle
        raise images.unprocessable() from None
    try:
        saved = default_storage.save(stored_name, ContentFile(buffer.getvalue()))
    except OSError as error:
        default_storage.delete(stored_name)
        raise images.not_stored(error) from error
    if saved != stored_name:  # another process stored the same crop a moment before
        default_storage.delete(saved)
    return stored_name


def make_crops(photo):
    """Cut every crop that structured data, social cards and listings name, once."""
    return [make_crop(photo, name) for name in CROPS]


def delete_crops(photo, pk=None):
    if (pk or photo.pk) and photo.image:
        for name in CROPS:
            default_storage.delete(name_of(photo, name, pk))
