"""Import a WordPress WXR export: posts, authors, categories and tags, excerpts, featured
images and the old URLs, which become redirects to the new article pages.

The file is parsed whole (with entity expansion refused) before anything is written; each
post is then imported in its own transaction and identified by its WordPress guid, so a
second run changes nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from articles import text
from articles.models import Article, ArticleAuthor, Author, Caption, Section, Status
from feed import publishing
from lib import purging
from lib.commands import quiet_progress, rolled_back_if
from photos.models import Photo

from .feeds import SOURCE_URL, ImportRefused, MalformedItem, checked_url, read_source

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
MAX_WXR_BYTES = 200 * 1024 * 1024
STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "auto-draft": Status.DRAFT,
    "private": Status.DRAFT,
    "pending": Status.REVIEW,
}
_BLOCK = re.compile(r"<(p|h[1-6]|ul|ol|blockquote|figure|table|div)\b", re.IGNORECASE)


@dataclass
class Attachment:
    url: str
    title: str = ""
    caption: str = ""
    alt_text: str = ""


@dataclass
class WpPost:
    position: int
    post_id: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    published_at: datetime | None
    name: str
    status: str
    categories: list = field(default_factory=list)  # (nicename, name)
    tags: list = field(default_factory=list)
    thumbnail_id: str = ""


@dataclass
class WxrExport:
    base_url: str = ""
    authors: dict = field(default_factory=dict)  # login -> display name
    attachments: dict = field(default_factory=dict)  # post id -> Attachment
    posts: list = field(default_factory=list)
    other_items: int = 0


def _text(element, tag):
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _gmt(value):
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise MalformedItem(f"unreadable date {value!r}") from None


def _meta(item, wp):
    return {
        _text(meta, f"{wp}meta_key"): _text(meta, f"{wp}meta_value")
        for meta in item.findall(f"{wp}postmeta")
    }


def parse_wxr(data):
    """The export's authors, attachments and posts, or ImportRefused for a bad file."""
    try:
        root = fromstring(data)
    except ParseError as error:
        raise ImportRefused(f"not well-formed XML: {error}") from None
    except DefusedXmlException as error:
        raise ImportRefused(f"unsafe XML refused: {type(error).__name__}") from None
    channel = root.find("channel")
    version = next(
        (
            child
            for child in (channel if channel is not None else [])
            if child.tag.endswith("}wxr_version")
        ),
        None,
    )
    if channel is None or version is None:
        raise ImportRefused("not a WordPress export (no wp:wxr_version)")
    wp = version.tag[: version.tag.index("}") + 1]
    excerpt = "{" + wp[1:-1].rstrip("/") + "/excerpt/}encoded"

    export = WxrExport(base_url=_text(channel, f"{wp}base_site_url"))
    for author in channel.findall(f"{wp}author"):
        login = _text(author, f"{wp}author_login")
        export.authors[login] = _text(author, f"{wp}author_display_name") or login
    for position, item in enumerate(channel.findall("item"), start=1):
        post_type = _text(item, f"{wp}post_type")
        if post_type == "attachment":
            export.attachments[_text(item, f"{wp}post_id")] = Attachment(
                url=_text(item, f"{wp}attachment_url"),
                title=_text(item, "title"),
                caption=_text(item, excerpt),
                alt_text=_meta(item, wp).get("_wp_attachment_image_alt", ""),
            )
            continue
        if post_type != "post":
            export.other_items += 1
            continue
        categories = item.findall("category")
        try:
            published_at = _gmt(_text(item, f"{wp}post_date_gmt"))
        except MalformedItem as error:
            published_at = error  # reported when the post is imported, with its position
        export.posts.append(
            WpPost(
                position=position,
                post_id=_text(item, f"{wp}post_id"),
                title=text.plain_text(_text(item, "title")),
                link=_text(item, "link"),
                guid=_text(item, "guid"),
                creator=_text(item, DC_CREATOR),
                content=_text(item, CONTENT),
                excerpt=_text(item, excerpt),
                published_at=published_at,
                name=_text(item, f"{wp}post_name"),
                status=_text(item, f"{wp}status"),
                categories=[
                    (c.get("nicename", ""), (c.text or "").strip())
                    for c in categories
                    if c.get("domain") == "category"
                ],
                tags=[
                    (c.get("nicename", ""), (c.text or "").strip())
                    for c in categories
                    if c.get("domain") == "post_tag"
                ],
                thumbnail_id=_meta(item, wp).get("_thumbnail_id", ""),
            )  # fmt: skip
        )
    return export


def autop(content):
    """WordPress keeps paragraphs as blank lines; turn them into <p> unless markup exists."""
    if _BLOCK.search(content):
        return content
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", content) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def old_paths(post):
    """The paths at which the old site served this post, including WordPress's own
    “/?p=21” form (answered by the News Feed view, which owns “/”)."""
    paths = []
    for url in (post.link, post.guid):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            continue
        if parts.path.strip("/"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        elif re.fullmatch(r"p=\d+", parts.query):
            path = f"/?{parts.query}"
        else:
            continue
        if path not in paths and len(path) <= 200:
            paths.append(path)
    return paths


@dataclass
class WordPressResult:
    created: int = 0
    unchanged: int = 0
    photos: int = 0
    redirects: int = 0
    other_items: int = 0
    skipped: list = field(default_factory=list)  # (position, reason)
    images_skipped: list = field(default_factory=list)  # (position, reason)
    # (position, what it lacks): published posts kept as drafts, because a public story
    # always has a byline and a credited, described lead photo.
    drafted: list = field(default_factory=list)


def import_wordpress(path, *, media_dir=None, section=None, dry_run=False, progress=quiet_progress):
    export = parse_wxr(read_source(str(path), max_bytes=MAX_WXR_BYTES))
    media_dir = Path(media_dir) if media_dir else None
    result = WordPressResult(other_items=export.other_items)
    with rolled_back_if(dry_run), purging.bulk():
        for post in progress(export.posts, unit="post"):
            try:
                created = _import_post(post, export, media_dir, section, result, dry_run)
            except MalformedItem as error:
                result.skipped.append((post.position, str(error)))
                continue
            except Exception as error:  # noqa: BLE001 - one bad post must not stop the rest
                result.skipped.append((post.position, f"{type(error).__name__}: {error}"))
                continue
            if created:
                result.created += 1
            elif created is False:
                result.unchanged += 1
    return result


def _guid(post, export):
    return (post.guid or f"wordpress:{export.base_url}:{post.post_id}")[:500]


def _featured_file(attachment, media_dir):
    """The attachment's file in `media_dir`: by its uploads path, else by its name."""
    url_path = urlsplit(attachment.url).path
    relative = url_path.split("/wp-content/uploads/", 1)[-1].lstrip("/")
    for candidate in (media_dir / relative, media_dir / Path(url_path).name):
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(media_dir.resolve()):
            return resolved
    return None


def _featured_photo(attachment, image_path, position, result):
    """The attachment's photo, or None when its file cannot be processed or stored (it is
    reported and the post imported without it). Its URL, kept as where the photo came
    from, is stored only when the form would accept it."""
    try:
        source_url = checked_url(attachment.url, SOURCE_URL)
    except ValidationError as error:
        source_url = ""
        reason = " ".join(error.messages)
        result.images_skipped.append(
            (position, f"featured image URL {attachment.url!r} not kept: {reason}")
        )
    photo = Photo.objects.filter(source_url=source_url).first() if source_url else None
    if photo is not None:
        return photo
    photo = Photo(
        alt_text=attachment.alt_text[:300], caption=attachment.caption, source_url=source_url
    )
    with image_path.open("rb") as source:
        # Handed over unsaved: the file as exported, metadata and all, never reaches storage.
        photo.image = File(source, name=image_path.name)
        try:
            photo.save()
        except ValidationError as error:  # the photo removed its files and its row
            result.images_skipped.append(
                (position, f"featured image {image_path.name}: {' '.join(error.messages)}")
            )
            return None
    result.photos += 1
    return photo


def _import_post(post, export, media_dir, section, result, dry_run):
    if isinstance(post.published_at, MalformedItem):
        raise post.published_at
    if post.status == "trash":
        raise MalformedItem("in the trash")
    if post.status not in STATUSES:
        raise MalformedItem(f"unknown status {post.status!r}")
    status = STATUSES[post.status]
    if status == Status.PUBLISHED and post.published_at is None:
        raise MalformedItem("published post has no date")
    if not post.title:
        raise MalformedItem("no title")
    guid = _guid(post, export)
    if Article.objects.filter(source_guid=guid).exists():
        return False

    attachment = export.attachments.get(post.thumbnail_id) if post.thumbnail_id else None
    image_path = None
    if post.thumbnail_id:
        if attachment is None:
            result.images_skipped.append((post.position, "featured image not in the export"))
        elif media_dir is None:
            result.images_skipped.append(
                (post.position, f"featured image {Path(attachment.url).name}: no --media folder")
            )
        else:
            image_path = _featured_file(attachment, media_dir)
            if image_path is None:
                result.images_skipped.append(
                    (post.position, f"featured image {Path(attachment.url).name} not found")
                )

    with transaction.atomic():
        if section is None:
            if not post.categories:
                raise MalformedItem("no category to file it under; give --section")
            nicename, name = post.categories[0]
            section, _ = Section.objects.get_or_create(
                slug=slugify(nicename or name)[:100], defaults={"name": name[:100]}
            )
        article = Article.objects.create(
            section=section,
            headline=post.title[:200],
            slug=Article.objects.unique_slug(post.name or post.title, "post"),
            standfirst=text.plain_text(post.excerpt),
            body=text.sanitize_html(autop(post.content)),
            source_guid=guid,
            status=Status.REVIEW if status == Status.REVIEW else Status.DRAFT,
        )
        if post.creator:
            name = export.authors.get(post.creator, post.creator)
            author, _ = Author.objects.get_or_create(
                slug=slugify(name)[:150] or slugify(post.creator)[:150],
                defaults={"name": name[:150]},
            )
            ArticleAuthor.objects.create(article=article, author=author, position=0)
        tags = [name for _, name in post.categories + post.tags if name]
        if tags:
            article.tags.set([tag[:100] for tag in dict.fromkeys(tags)])
        if image_path and not dry_run:
            photo = _featured_photo(attachment, image_path, post.position, result)
            if photo is not None:
                Caption.objects.create(article=article, photo=photo)
        lacking = article.missing_while_public() if status == Status.PUBLISHED else []
        if lacking:
            result.drafted.append((post.position, f"needs {' and '.join(lacking)}"))
            article.published_at = post.published_at  # its source's time, for the desk
            article.save(update_fields=["published_at", "modified_at"])
        elif status == Status.PUBLISHED:
            publishing.publish(article, at=post.published_at)
            if post.status == "publish":
                article.went_live_at = post.published_at
                article.save(update_fields=["went_live_at", "modified_at"])
            site = Site.objects.get_current()
            for old_path in old_paths(post):
                if old_path != article.get_absolute_url():
                    Redirect.objects.update_or_create(
                        site=site, old_path=old_path,
                        defaults={"new_path": article.get_absolute_url()},
                    )  # fmt: skip
                    result.redirects += 1
    return True
