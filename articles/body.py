"""An article body as readers get it.

The stored body (sanitised by `articles.text`) refers to photos and embeds by number:
`<figure data-photo="12"><figcaption>…</figcaption></figure>` for an inline photo with
the caption used here, `<div class="gallery">` around several of those for a gallery, and
`<figure data-embed="5"><a href="…">…</a></figure>` for an embed. They are turned into
full markup when the page is rendered, from the photo and embed rows as they are then:
a photo's new credit or focal point shows at once (a photo's save purges every page, see
`Photo.cache_tags`). The stored body itself stays readable (captions, links), which is
what search, word counts and revisions read.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from embeds.models import Embed
from photos import rendering
from photos.models import Photo

from . import text

PHOTO = re.compile(r'<figure data-photo="([0-9]+)">(.*?)</figure>', re.DOTALL)
EMBED = re.compile(r'<figure data-embed="([0-9]+)">(.*?)</figure>', re.DOTALL)
GALLERY = re.compile(r'<div class="gallery">(.*?)</div>', re.DOTALL)
CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)


def photo_ids(body):
    return text.references(body, "data-photo")


def embed_ids(body):
    return text.references(body, "data-embed")


class Parts:
    """The photos and embeds a body refers to, loaded in one query each (none when the
    body has none)."""

    def __init__(self, body, photos=None, embeds=None):
        wanted_photos, wanted_embeds = photo_ids(body), embed_ids(body)
        self.photos = photos if photos is not None else {}
        self.embeds = embeds if embeds is not None else {}
        if photos is None and wanted_photos:
            self.photos = Photo.objects.in_bulk(wanted_photos)
        if embeds is None and wanted_embeds:
            self.embeds = Embed.objects.in_bulk(wanted_embeds)
        self.photo_order = [self.photos[pk] for pk in wanted_photos if pk in self.photos]
        self.embed_order = [self.embeds[pk] for pk in wanted_embeds if pk in self.embeds]


def parts_of_many(articles):
    """Load the photos and embeds of several bodies (a feed's items) in two queries and
    attach them, so rendering each one costs nothing more."""
    articles = list(articles)
    wanted_photos = {pk for article in articles for pk in photo_ids(article.body)}
    wanted_embeds = {pk for article in articles for pk in embed_ids(article.body)}
    photos = Photo.objects.in_bulk(wanted_photos) if wanted_photos else {}
    embeds = Embed.objects.in_bulk(wanted_embeds) if wanted_embeds else {}
    for article in articles:
        article.__dict__["body_parts"] = Parts(article.body, photos, embeds)
    return articles


def _caption(inner, photo):
    found = CAPTION.search(inner)
    caption = found.group(1).strip() if found else ""
    return mark_safe(caption) if caption else photo.caption  # noqa: S308 - sanitised on save


def _photo(match, parts, absolute, sizes, css_class):
    photo = parts.photos.get(int(match.group(1)))
    if photo is None:  # deleted since: its caption alone would mislead
        return ""
    return rendering.figure(
        photo, _caption(match.group(2), photo), sizes=sizes, absolute=absolute, css_class=css_class
    )


def _gallery(match, parts, absolute):
    figures = [
        figure
        for found in PHOTO.finditer(match.group(1))
        if (figure := _photo(found, parts, absolute, rendering.GALLERY_SIZES, "gallery__photo"))
    ]
    if not figures:
        return ""
    return format_html(
        '<section class="gallery" aria-label="Gallery of {} photos">'
        '<ol class="gallery__photos">{}</ol></section>',
        len(figures),
        format_html_join("", "<li>{}</li>", ((figure,) for figure in figures)),
    )


def _embed(match, parts, absolute):
    embed = parts.embeds.get(int(match.group(1)))
    if embed is None:
        return match.group(2)  # the stored link still takes readers there
    return embed.placeholder_html(absolute=absolute)


def render(body, parts=None, *, absolute=None):
    """The full markup of a sanitised `body`; `absolute` makes every image URL a full one
    (for feeds)."""
    if "data-photo" not in body and "data-embed" not in body:
        return mark_safe(body)  # noqa: S308 - sanitised on save
    parts = parts or Parts(body)
    rendered = GALLERY.sub(lambda found: _gallery(found, parts, absolute), body)
    rendered = PHOTO.sub(
        lambda found: _photo(found, parts, absolute, rendering.BODY_SIZES, "body-photo"),
        rendered,
    )
    rendered = EMBED.sub(lambda found: _embed(found, parts, absolute), rendered)
    return mark_safe(rendered)  # noqa: S308 - sanitised on save, then our own markup


def photo_problems(body, parts=None):
    """What the photos in `body` lack for publication, as what to add ("Not published:
    add …")."""
    parts = parts or Parts(body)
    problems = []
    for pk in photo_ids(body):
        photo = parts.photos.get(pk)
        if photo is None:
            problems.append(f"a photo in place of photo {pk} in the body, which was deleted")
            continue
        missing = [
            label
            for label, value in (("credit", photo.credit), ("alt text", photo.alt_text))
            if not value.strip()
        ]
        if missing:
            problems.append(f"the {' and '.join(missing)} of the photo “{photo}” in the body")
    return problems


def check_for_publication(body):
    """Raise a ValidationError on the body when a photo in it lacks credit or alt."""
    problems = photo_problems(body)
    if problems:
        raise ValidationError(
            {"body": [f"A published story needs {problem}." for problem in problems]},
            code="body_photo",
        )


# Structured data ------------------------------------------------------------------------


def image_objects(parts, absolute):
    """schema.org ImageObjects of the photos in a body, each with its credit."""
    images = []
    for photo in parts.photo_order:
        image = {
            "@type": "ImageObject",
            "url": absolute(photo.fallback_url),
            "contentUrl": absolute(photo.fallback_url),
            "width": photo.width,
            "height": photo.height,
        }
        if photo.caption:
            image["caption"] = photo.caption
        if photo.credit:
            image["creditText"] = photo.credit
        images.append(image)
    return images


def video_objects(parts, absolute):
    """schema.org VideoObjects of the videos embedded in a body."""
    videos = []
    for embed in parts.embed_order:
        if not embed.is_video:
            continue
        video = {
            "@type": "VideoObject",
            "name": embed.title or embed.url,
            "description": embed.title or f"{embed.provider_name} video",
            "url": embed.url,
            "embedUrl": embed.player_url,
            "uploadDate": embed.created_at.replace(microsecond=0).isoformat(),
        }
        if embed.thumbnail:
            video["thumbnailUrl"] = absolute(embed.thumbnail.url)
        if embed.author_name:
            video["author"] = {"@type": "Person", "name": embed.author_name}
        videos.append(video)
    return videos
