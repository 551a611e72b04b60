"""Photo uploads: content checks, metadata, stripped public copies and renditions.

Uploads are untrusted. They are identified by their bytes, measured before they are
decoded, decoded once, turned upright, converted to sRGB and re-encoded from bare
pixels, so no EXIF, GPS, XMP or IPTC block reaches a public file. The untouched
original goes to private storage.
"""

import errno
import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps, IptcImagePlugin, UnidentifiedImageError, features

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("AVIF",) if features.check("avif") else ())
ACCEPTED_TYPES = [f"image/{name.lower()}" for name in ACCEPTED_FORMATS]
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# Rendition formats beside JPEG, most preferred first: AVIF only where this Pillow can
# write it. Pages offer them in this order, with JPEG as the <img> everyone reads.
PREFERRED_FORMATS = (("avif",) if features.check("avif") else ()) + ("webp",)
RENDITION_FORMATS = (*PREFERRED_FORMATS, "jpeg")
SUFFIXES = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
PUBLIC_MAX_EDGE = 2560
# Markup has no business inside a photo: these mark SVG and HTML polyglots.
MARKUP_SIGNS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<iframe", b"<body", b"<?php")

EXIF_IMAGE_DESCRIPTION = 0x010E
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
IPTC_BYLINE = (2, 80)
IPTC_CREDIT = (2, 110)
IPTC_CAPTION = (2, 120)

SRGB = ImageCms.createProfile("sRGB")
# The private original keeps the extension of the format its bytes were identified as.
ORIGINAL_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "AVIF": ".avif"}


def accepted_names():
    return ", ".join(name if name != "WEBP" else "WebP" for name in ACCEPTED_FORMATS)


def check_size(size):
    limit = settings.NEWSROOM_PHOTO_MAX_BYTES
    if size == 0:
        raise ValidationError("The file is empty: choose an image.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The file is {size / 1_000_000:.1f} MB; images may be at most "
            f"{limit / 1_000_000:.0f} MB.",
            code="too_large",
        )


def open_checked(data):
    """Return the decoded image in `data`, or raise a ValidationError an editor can read."""
    check_size(len(data))
    if any(sign in data.lower() for sign in MARKUP_SIGNS):
        raise ValidationError(
            f"This file contains web page or SVG code, not a plain image: upload "
            f"{accepted_names()}.",
            code="markup",
        )
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            f"This is not an image we accept: upload {accepted_names()}.", code="format"
        ) from None
    # The header gives the size; refuse before spending memory on the pixels.
    if image.width * image.height > settings.NEWSROOM_PHOTO_MAX_PIXELS:
        raise _too_many_pixels(image)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "The image is damaged or incomplete; upload it again.", code="truncated"
        ) from None
    return image


def _too_many_pixels(image=None):
    limit = settings.NEWSROOM_PHOTO_MAX_PIXELS / 1_000_000
    size = f" ({image.width} × {image.height})" if image else ""
    return ValidationError(
        f"The image is too large{size}: at most {limit:.0f} megapixels.", code="pixels"
    )


def unprocessable():
    """Pillow opened the image but could not cut or re-encode it cleanly."""
    return ValidationError(
        "This image opens but cannot be turned into web copies (it may be of extreme "
        f"proportions or an unusual kind): save it again as {accepted_names()} and upload "
        "that.",
        code="unprocessable",
    )


def not_stored(error):
    """A photo file could not be written; nothing of the photo was kept."""
    if getattr(error, "errno", None) == errno.ENOSPC:
        reason = "the media storage is full"
    else:
        reason = "the media storage could not be written to"
    return ValidationError(
        f"The photo was not saved: {reason}. Nothing was kept; try again later or tell "
        "the site's administrators.",
        code="not_stored",
    )


def save_file(storage, name, content):
    """Write `content` to `storage` as `name` (or a free variant of it); a write that fails
    part-way, e.g. on a full disk, leaves no partial file behind."""
    name = storage.get_available_name(name)
    try:
        return storage.save(name, content)
    except OSError:
        storage.delete(name)
        raise


def _text(value):
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return " ".join(str(value or "").replace("\x00", "").split())


def read_metadata(image):
    """Caption and credit written by the photographer or agency, when present."""
    iptc = IptcImagePlugin.getiptcinfo(image) or {}
    exif = image.getexif()
    caption = _text(iptc.get(IPTC_CAPTION)) or _text(exif.get(EXIF_IMAGE_DESCRIPTION))
    byline = _text(iptc.get(IPTC_BYLINE)) or _text(exif.get(EXIF_ARTIST))
    agency = _text(iptc.get(IPTC_CREDIT))
    credit = "/".join(part for part in (byline, agency) if part)
    if not credit:
        credit = _text(exif.get(EXIF_COPYRIGHT)).removeprefix("©").strip()
    return {"caption": caption, "credit": credit[:200]}


def normalise(image):
    """Upright sRGB pixels (RGB, or RGBA when transparent) with no metadata at all."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits rather than clipping everything to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            image = image.convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    # Rebuild from bare pixels so nothing of the original file travels along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def resized(image, width):
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "jpeg":
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=80, method=4)
    elif fmt == "avif":
        image.save(buffer, "AVIF", quality=60, speed=8)
    else:
        image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue())


def rendition_widths(source_width):
    widths = [width for width in RENDITION_WIDTHS if width < source_width]
    return [*widths, min(source_width, RENDITION_WIDTHS[-1])]


def encode_renditions(image):
    """Every width in every rendition format, encoded in memory: (description, file)
    pairs."""
    encoded = []
    for width in rendition_widths(image.width):
        scaled = resized(image, width)
        for fmt in RENDITION_FORMATS:
            suffix = SUFFIXES[fmt]
            encoded.append(
                ({"width": scaled.width, "height": scaled.height, "format": fmt},
                 suffix, encode(scaled, fmt))
            )  # fmt: skip
    return encoded


def store_renditions(encoded, stem):
    """Write encoded renditions; return their descriptions. All or nothing."""
    made = []
    try:
        for description, suffix, content in encoded:
            name = save_file(
                default_storage, f"renditions/{stem}-{description['width']}.{suffix}", content
            )
            made.append({**description, "name": name})
    except Exception:
        for item in made:
            default_storage.delete(item["name"])
        raise
    return made


def build_renditions(image, stem):
    """Write every width in every rendition format; return their descriptions."""
    return store_renditions(encode_renditions(image), stem)


def prepare(image):
    """The public copy and renditions of a checked image, made in memory: (upright sRGB
    pixels, public format, encoded public copy, encoded renditions), or `unprocessable()`."""
    try:
        clean = normalise(image)
        if max(clean.size) > PUBLIC_MAX_EDGE:
            clean.thumbnail((PUBLIC_MAX_EDGE, PUBLIC_MAX_EDGE), Image.Resampling.LANCZOS)
        public_format = "png" if clean.mode == "RGBA" else "jpeg"
        return clean, public_format, encode(clean, public_format), encode_renditions(clean)
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for pixels it cannot handle
        raise unprocessable() from None


def ingest(photo):
    """Turn a newly assigned `photo.image` into a private original and public copies.

    Nothing is left behind when any step fails: pixels that cannot be re-encoded and
    storage that cannot be written (a full disk) raise a ValidationError an editor can
    read, and every file written so far, the caller's upload included, is removed."""
    photo.image.open("rb")
    try:
        data = photo.image.read()
    finally:
        photo.image.close()
    uploaded_name = photo.image.name if photo.image._committed else None
    written = []
    try:
        image = open_checked(data)
        metadata = read_metadata(image)
        clean, public_format, public_copy, encoded = prepare(image)
        suffix = ORIGINAL_SUFFIXES.get(image.format, f".{image.format.lower()}")
        try:
            original_field = photo._meta.get_field("original")
            original_name = save_file(
                original_field.storage,
                original_field.generate_filename(photo, f"original{suffix}"),
                ContentFile(data),
            )
            written.append((original_field.storage, original_name))
            image_field = photo._meta.get_field("image")
            public_name = save_file(
                image_field.storage,
                image_field.generate_filename(
                    photo, f"photo.{'png' if public_format == 'png' else 'jpg'}"
                ),
                public_copy,
            )
            written.append((image_field.storage, public_name))
            renditions = store_renditions(encoded, uuid.uuid4().hex)
        except OSError as error:
            raise not_stored(error) from error
    except Exception:
        for storage, name in written:
            storage.delete(name)
        if uploaded_name:  # written by the caller: refuse it entirely
            photo.image.storage.delete(uploaded_name)
        raise
    photo.image = public_name
    photo.original.name = original_name
    photo.width, photo.height = clean.size
    photo.renditions = renditions
    if uploaded_name:  # saved to public storage by the caller: that copy still has metadata
        default_storage.delete(uploaded_name)
    if not photo.caption.strip():
        photo.caption = metadata["caption"]
    if not photo.credit.strip():
        photo.credit = metadata["credit"]
    return metadata


def delete_renditions(photo):
    for item in photo.renditions or []:
        default_storage.delete(item["name"])


def generate_renditions(photo):
    """(Re)make a photo's renditions from its original and return their list; the old
    rendition files are deleted. The caller stores the list."""
    source = photo.original if photo.original else photo.image
    source.open("rb")
    try:
        image = open_checked(source.read())
    finally:
        source.close()
    try:
        encoded = encode_renditions(normalise(image))
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for pixels it cannot handle
        raise unprocessable() from None
    new = store_renditions(encoded, uuid.uuid4().hex)
    delete_renditions(photo)
    return new


def delete_files(photo):
    """Remove the public copy, renditions and private original of `photo`."""
    delete_renditions(photo)
    if photo.image:
        photo.image.storage.delete(photo.image.name)
    if photo.original:
        photo.original.storage.delete(photo.original.name)


def files_below(storage, top):
    """The name of every file under directory `top` of `storage`."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{top}/{name}"
    for directory in directories:
        yield from files_below(storage, f"{top}/{directory}")


def public_url(name):
    return default_storage.url(name)
