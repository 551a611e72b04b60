"""A photo as readers get it: a <picture> with every rendition format in order of
preference, sizes and intrinsic dimensions, so the browser downloads only what fits and
the page does not jump while it loads."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import crops, images

BODY_SIZES = "(min-width: 960px) 640px, 100vw"
GALLERY_SIZES = "(min-width: 960px) 320px, 80vw"


def _absolute(url, absolute):
    return absolute(url) if absolute else url


def _srcset(photo, fmt, absolute):
    return ", ".join(
        f"{_absolute(images.public_url(item['name']), absolute)} {item['width']}w"
        for item in photo.renditions
        if item["format"] == fmt
    )


def picture(photo, *, sizes=BODY_SIZES, alt=None, absolute=None, lazy=True, css_class=""):
    """The <picture> of `photo`; `absolute` turns each URL into a full one (for feeds)."""
    sources = format_html_join(
        "",
        '<source type="image/{}" srcset="{}" sizes="{}">',
        (
            (fmt, srcset, sizes)
            for fmt in images.PREFERRED_FORMATS
            if (srcset := _srcset(photo, fmt, absolute))
        ),
    )
    jpeg = _srcset(photo, "jpeg", absolute)
    return format_html(
        '<picture>{}<img{} src="{}"{} width="{}" height="{}" alt="{}"{} decoding="async">'
        "</picture>",
        sources,
        format_html(' class="{}"', css_class) if css_class else "",
        _absolute(photo.fallback_url, absolute),
        format_html(' srcset="{}" sizes="{}"', jpeg, sizes) if jpeg else "",
        photo.width,
        photo.height,
        photo.alt_text if alt is None else alt,
        mark_safe(' loading="lazy"') if lazy else "",
    )


def figure(photo, caption_html, *, sizes=BODY_SIZES, absolute=None, css_class="body-photo"):
    """A <figure> of `photo` with its caption (already safe markup) and its credit."""
    credit = format_html(' <span class="credit">({})</span>', photo.credit) if photo.credit else ""
    caption = (
        format_html("<figcaption>{}{}</figcaption>", caption_html, credit)
        if caption_html or credit
        else ""
    )
    return format_html(
        '<figure class="{}">{}{}</figure>',
        css_class,
        picture(photo, sizes=sizes, absolute=absolute),
        caption,
    )


def thumbnail(photo, *, ratio="4x3", sizes="(min-width: 24rem) 24rem, 100vw", css_class=""):
    """An <img> of the photo's crops of `ratio` (small and large), centred on its focal
    point, for listings and feeds."""
    small = next(name for name in crops.CROPS if name.startswith(f"{ratio}-"))
    width, height = crops.crop_size(photo, small)
    large_width, _ = crops.crop_size(photo, ratio)
    srcset = f"{crops.crop_url(photo, small)} {width}w"
    if large_width > width:
        srcset += f", {crops.crop_url(photo, ratio)} {large_width}w"
    return format_html(
        '<img{} src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="lazy" decoding="async">',
        format_html(' class="{}"', css_class) if css_class else "",
        crops.crop_url(photo, small),
        srcset,
        sizes,
        width,
        height,
        photo.alt_text,
    )
