"""Fixed-ratio crops of lead photos for search engines and social cards.

Each crop is cut once with Pillow, written under MEDIA_ROOT/crops/ and served from disk
afterwards; a page render never touches image data.
"""

import os
import tempfile
from pathlib import Path, PurePath

from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageOps

from .models import Article, Photo

# Name in URLs -> (width, height) of the ratio. Google asks for these three for articles.
RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
JPEG_QUALITY = 82


def crop_size(photo, ratio):
    """The pixel size of a crop: the largest box of the ratio, no wider than CROP_WIDTH."""
    ratio_w, ratio_h = RATIOS[ratio]
    width = min(photo.width, photo.height * ratio_w // ratio_h, CROP_WIDTH)
    return width, width * ratio_h // ratio_w


def crop_url(photo, ratio):
    return reverse("photo-crop", args=[photo.pk, ratio])


def crop_directory():
    return Path(settings.MEDIA_ROOT) / "crops"


def crop_name(pk, image_name, ratio):
    # The upload name is unique per file, so a replaced image gets fresh crops.
    return f"{pk}-{PurePath(image_name).stem}-{ratio}.jpg"


def crop_path(photo, ratio, pk=None):
    return crop_directory() / crop_name(pk or photo.pk, photo.image.name, ratio)


def make_crop(photo, ratio):
    """Write the crop if it is missing and return its path."""
    path = crop_path(photo, ratio)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with photo.image.open("rb") as source, Image.open(source) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        cropped = ImageOps.fit(image, crop_size(photo, ratio), Image.Resampling.LANCZOS)
    # Write beside the target and rename, so a concurrent reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            cropped.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24 * 30)
def crop(request, pk, ratio):
    """A crop of a photo that leads a public article; other photos stay private."""
    if ratio not in RATIOS:
        raise Http404("No such crop.")
    photo = (
        Photo.objects.filter(pk=pk, captions__article__in=Article.objects.published())
        .distinct()
        .first()
    )
    if photo is None or not photo.width or not photo.height:
        raise Http404("No such photo.")
    try:
        path = make_crop(photo, ratio)
    except (OSError, Image.DecompressionBombError):
        raise Http404("The photo cannot be read.") from None
    return FileResponse(path.open("rb"), content_type="image/jpeg")
