"""Import an RSS 2.0 or Atom feed as articles or News Feed entries.

The whole file is read and checked before anything is written; each item is then imported in
its own transaction, so a bad item is reported and skipped without touching the others, and
an interrupted import leaves whole items only. Items are identified by their guid (or link):
importing the same feed again changes nothing.
"""

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import feedparser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image

from articles import text
from articles.models import Article, ArticleAuthor, Author, Caption, Section
from feed import publishing
from feed.models import FeedEntry
from lib import fetching, purging
from lib.commands import quiet_progress, rolled_back_if
from photos.models import Photo

FETCH_TIMEOUT = fetching.FETCH_TIMEOUT
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
USER_AGENT = "newsroom-importer/1.0"
ENTRY_URL = FeedEntry._meta.get_field("url")
SOURCE_URL = Photo._meta.get_field("source_url")


# The source cannot be imported at all (it could not be fetched, or is not a feed);
# nothing was written.
ImportRefused = fetching.FetchRefused


class MalformedItem(Exception):
    """One item cannot be imported; the others can."""


# Fetching ---------------------------------------------------------------------------------


def fetch(url, *, allow_private=False, timeout=FETCH_TIMEOUT, max_bytes=MAX_FEED_BYTES):
    """The body of `url`, fetched through the SSRF-safe helper, or ImportRefused."""
    return fetching.fetch(
        url,
        allow_private=allow_private,
        timeout=timeout,
        max_bytes=max_bytes,
        user_agent=USER_AGENT,
    )


def read_source(source, *, allow_private=False, max_bytes=MAX_FEED_BYTES):
    """The bytes of a URL or a local file."""
    if "://" in source:
        return fetch(source, allow_private=allow_private, max_bytes=max_bytes)
    path = Path(source)
    if not path.is_file():
        raise ImportRefused(f"no such file: {source}")
    if path.stat().st_size > max_bytes:
        raise ImportRefused(f"{source} is larger than the {max_bytes} byte limit")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"cannot read {source}: {error.strerror}") from None


# Parsing ----------------------------------------------------------------------------------


@dataclass
class FeedImage:
    url: str
    credit: str = ""


@dataclass
class FeedItem:
    position: int
    guid: str
    title: str
    published_at: datetime
    updated_at: datetime | None = None
    link: str = ""
    summary: str = ""
    content: str = ""
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    images: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # what was left out of the item, and why


def parse_feed(data):
    """The parsed feed, or ImportRefused when the file is not a well-formed RSS/Atom feed."""
    parsed = feedparser.parse(data)
    error = parsed.get("bozo_exception")
    if parsed.bozo and not isinstance(error, feedparser.CharacterEncodingOverride):
        raise ImportRefused(f"not a well-formed feed: {error}")
    if not parsed.version.startswith(("rss", "atom")):
        raise ImportRefused("not an RSS or Atom feed")
    return parsed


def _when(parsed_time):
    return datetime(*parsed_time[:6], tzinfo=UTC) if parsed_time else None


def _stable_id(value, limit):
    """`value` itself when it fits the column, otherwise a digest of it."""
    if len(value) <= limit:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _http_url(value):
    return value if urlsplit(value or "").scheme in {"http", "https"} else ""


def checked_url(value, model_field):
    """`value` as the admin form for `model_field` would store it, or ValidationError.

    Every importer stores links through this, so nothing reaches the database that an
    editor could not type: Django's URLValidator and the column's length, as the form
    applies them, and only http or https."""
    value = model_field.formfield().clean(value)
    if value and urlsplit(value).scheme not in {"http", "https"}:
        raise ValidationError("Only http and https links are kept.", code="scheme")
    return value


def _refusal(error):
    return " ".join(error.messages)


def read_item(entry, position):
    """A FeedItem from one parsed entry, or MalformedItem saying what is wrong."""
    guid = (entry.get("id") or entry.get("link") or "").strip()
    if not guid:
        raise MalformedItem("no guid or link")
    title = text.plain_text(entry.get("title", ""))
    if not title:
        raise MalformedItem("no title")
    # Plain dict lookups: feedparser's own get() quietly maps a missing "updated" to "published".
    published = _when(dict.get(entry, "published_parsed"))
    updated = _when(dict.get(entry, "updated_parsed"))
    published = published or updated
    if published is None:
        given = dict.get(entry, "published") or dict.get(entry, "updated")
        raise MalformedItem(f"unreadable date {given!r}" if given else "no date")
    content = entry.get("content") or []
    credit = ""
    if entry.get("media_credit"):
        credit = (entry["media_credit"][0].get("content") or "").strip()
    image_urls = [
        media.get("url", "")
        for media in entry.get("media_content", [])
        if media.get("medium") == "image" or media.get("type", "").startswith("image/")
    ]
    image_urls += [thumb.get("url", "") for thumb in entry.get("media_thumbnail", [])]
    image_urls += [
        link.get("href", "")
        for link in entry.get("links", [])
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image/")
    ]
    images, problems = [], []
    for url in image_urls:
        if not _http_url(url) or url in [image.url for image in images]:
            continue
        try:
            images.append(FeedImage(url=checked_url(url, SOURCE_URL), credit=credit))
        except ValidationError as error:
            problems.append(f"image link {url!r} refused: {_refusal(error)}")
    link = _http_url(entry.get("link", ""))
    try:
        link = checked_url(link, ENTRY_URL)
    except ValidationError as error:
        raise MalformedItem(f"link {link!r} refused: {_refusal(error)}") from None
    return FeedItem(
        position=position,
        guid=guid,
        title=title,
        published_at=published,
        updated_at=updated if updated and updated > published else None,
        link=link,
        summary=entry.get("summary", ""),
        content=content[0].get("value", "") if content else "",
        authors=[a["name"].strip() for a in entry.get("authors", []) if a.get("name", "").strip()],
        tags=[t["term"].strip()[:100] for t in entry.get("tags", []) if t.get("term", "").strip()],
        images=images,
        problems=problems,
    )


# Importing --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str = "articles"
    created: int = 0
    unchanged: int = 0
    photos: int = 0
    # (position, reason) for every item or image left out.
    skipped: list = field(default_factory=list)
    image_problems: list = field(default_factory=list)
    # (position, what it lacks) for every article kept as a draft: a public story always
    # has a byline and a credited, described lead photo (Article.missing_while_public).
    drafted: list = field(default_factory=list)
    total: int = 0


def import_feed(
    source,
    *,
    as_entries=False,
    section=None,
    drafts=False,
    allow_private=False,
    fetch_images=True,
    dry_run=False,
    progress=quiet_progress,
):
    """Import `source` (a URL or a file path) as articles in `section`, or as feed entries."""
    if not as_entries and section is None:
        raise ImportRefused("articles need a section")
    parsed = parse_feed(read_source(source, allow_private=allow_private))
    result = ImportResult(kind="feed entries" if as_entries else "articles", total=0)
    seen = {}
    with rolled_back_if(dry_run), purging.bulk():
        for position, entry in enumerate(progress(parsed.entries, unit="item"), start=1):
            result.total += 1
            try:
                item = read_item(entry, position)
            except MalformedItem as error:
                result.skipped.append((position, str(error)))
                continue
            if item.guid in seen:
                result.skipped.append((position, f"duplicate guid of item {seen[item.guid]}"))
                continue
            seen[item.guid] = position
            result.image_problems += [(position, problem) for problem in item.problems]
            try:
                if as_entries:
                    created = _import_entry(item)
                else:
                    created = _import_article(
                        item, section, result, drafts=drafts, allow_private=allow_private,
                        fetch_images=fetch_images and not dry_run,
                    )  # fmt: skip
            except Exception as error:  # noqa: BLE001 - one bad item must not stop the rest
                result.skipped.append((position, f"{type(error).__name__}: {error}"))
                continue
            if created:
                result.created += 1
            else:
                result.unchanged += 1
    return result


def _import_entry(item):
    guid = _stable_id(item.guid, FeedEntry._meta.get_field("guid").max_length)
    if FeedEntry.objects.filter(guid=guid).exists():
        return False
    with transaction.atomic():
        FeedEntry.objects.create(
            guid=guid,
            headline=item.title[:200],
            summary=text.plain_text(item.summary or item.content),
            url=item.link,
            published_at=item.published_at,
            updated_at=item.updated_at,
        )
    return True


def _author(name):
    slug = slugify(name)[:150] or "author"
    author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name[:150]})
    return author


def _import_article(item, section, result, *, drafts, allow_private, fetch_images):
    guid = _stable_id(item.guid, Article._meta.get_field("source_guid").max_length)
    if Article.objects.filter(source_guid=guid).exists():
        return False
    # Images are fetched before the item's transaction opens: no network inside it.
    images = []
    if fetch_images:
        for image in item.images:
            try:
                images.append((image, _download_image(image.url, allow_private)))
            except ImportRefused as error:
                result.image_problems.append((item.position, str(error)))
    created_photos = []
    try:
        with transaction.atomic():
            body = item.content or item.summary
            article = Article.objects.create(
                section=section,
                headline=item.title[:200],
                slug=Article.objects.unique_slug(item.title, "item"),
                standfirst=text.plain_text(item.summary) if item.content else "",
                body=text.sanitize_html(body),
                source_guid=guid,
            )
            for position, name in enumerate(dict.fromkeys(item.authors)):
                ArticleAuthor.objects.create(
                    article=article, author=_author(name), position=position
                )
            if item.tags:
                article.tags.set(item.tags)
            photo = _lead_photo(images, item.position, result, created_photos)
            if photo is not None:
                Caption.objects.create(article=article, photo=photo)
            if drafts:
                return True
            lacking = article.missing_while_public()
            if lacking:  # a draft the desk completes, not a public story nobody can save
                result.drafted.append((item.position, f"needs {' and '.join(lacking)}"))
                article.published_at = item.published_at  # its source's time, for the desk
                article.save(update_fields=["published_at", "modified_at"])
                return True
            publishing.publish(article, at=item.published_at)
            article.updated_at = item.updated_at
            # It went public at its source; the scheduler has nothing to record.
            article.went_live_at = item.published_at
            article.save(update_fields=["updated_at", "went_live_at", "modified_at"])
            if item.updated_at:
                publishing.refresh_entry(article)
    except BaseException:
        for photo in created_photos:
            photo.delete_files()
        raise
    return True


def _lead_photo(images, position, result, created_photos):
    """The photo of the first image that can be used, or None; an image that cannot be
    processed or stored is reported and left out, and the item is imported without it."""
    for image, content in images:
        photo = Photo.objects.filter(source_url=image.url).first()
        if photo is not None:
            return photo
        # Handed over unsaved: the downloaded bytes, metadata and all, never reach storage.
        photo = Photo(credit=image.credit[:200], source_url=image.url, image=content)
        try:
            photo.save()
        except ValidationError as error:  # the photo removed its files and its row
            result.image_problems.append((position, f"{image.url}: {_refusal(error)}"))
            continue
        created_photos.append(photo)
        result.photos += 1
        return photo
    return None


def _download_image(url, allow_private):
    data = fetch(url, allow_private=allow_private, max_bytes=MAX_IMAGE_BYTES)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            image_format = image.format
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a bad file
        raise ImportRefused(f"{url} is not a readable image") from None
    if image_format not in IMAGE_FORMATS:
        raise ImportRefused(f"{url} is a {image_format} image; only JPEG, PNG, GIF, WebP")
    stem = slugify(PurePosixPath(urlsplit(url).path).stem)[:40] or "image"
    return ContentFile(data, name=f"{stem}{IMAGE_FORMATS[image_format]}")


def section_by_slug(slug):
    try:
        return Section.objects.get(slug=slug)
    except Section.DoesNotExist:
        raise ImportRefused(f"no section with slug {slug!r}") from None
