"""Articles as JSON Lines: one article per line with everything a reader sees of it, then
the News Feed entries of no article and the redirects of old addresses.

An article's line holds its own fields, its section, authors in byline order, tags, lead photo
metadata and caption, corrections and News Feed entry. Exporting and importing into an empty
database gives back the same content; importing again, or after an interrupted run, adds only
what is missing: articles are matched by slug, entries by guid, redirects by old address and
photos by source. A photo with no source URL of its own is exported with a stable one made
from its stored name, which the import keeps, so the next import finds that copy. Photo files
are looked up by their stored name under a media folder.

Users, revisions, the audit log and photos no article leads with are not carried: a full
backup is pg_dump of the database plus a copy of the media folders.
"""

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from articles.feeds import item_guid
from articles.models import Article, ArticleAuthor, Author, Caption, Section
from feed.models import FeedEntry
from labels.models import Label
from lib import purging
from lib.commands import quiet_progress, rolled_back_if
from photos.models import Photo

from .feeds import ENTRY_URL, checked_url

FORMAT = "newsroom-article/1"
# What a line holds; lines without one (older exports) are articles.
ARTICLE, FEED_ENTRY, REDIRECT = "article", "feed_entry", "redirect"
# Derived, generated or bookkeeping columns that the target computes for itself.
SKIPPED_FIELDS = {
    "id",
    "word_count",
    "reading_time",
    "modified_at",
    "search_document",
    "preview_version",  # preview links belong to the site that signed them
    "is_live_blog",  # live blogs and their updates stay on their own site
}
SECTION_FIELDS = ["slug", "name", "description", "position", "in_news_feed"]
AUTHOR_FIELDS = ["slug", "name", "role", "bio"]
PHOTO_FIELDS = ["alt_text", "caption", "credit", "source_url", "width", "height"]
ENTRY_FIELDS = [
    "headline", "summary", "url", "pinned", "status", "published_at", "updated_at", "guid",
]  # fmt: skip


def label_name(item):
    """A label travels by its name: the target finds or adds the label of that name."""
    return item.label.name if item.label_id else ""


def article_fields():
    """The article's own columns that travel: plain values, not relations or derived ones."""
    return [
        f
        for f in Article._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS
        and not f.is_relation
        and not isinstance(f, models.GeneratedField)
    ]


def _has_corrections():
    return any(rel.name == "corrections" for rel in Article._meta.related_objects)


def _values(instance, names):
    return {name: getattr(instance, name) for name in names}


def article_record(article):
    record = {"format": FORMAT, "kind": ARTICLE}
    record.update({f.name: getattr(article, f.name) for f in article_fields()})
    record["section"] = _values(article.section, SECTION_FIELDS)
    record["authors"] = [_values(c.author, AUTHOR_FIELDS) for c in article.credits.all()]
    record["tags"] = sorted(tag.name for tag in article.tags.all())
    record["label"] = label_name(article)
    lead = article.lead_photo
    record["lead"] = lead and {
        "caption": lead.text,
        "photo": {
            "image": lead.photo.image.name,
            **_values(lead.photo, PHOTO_FIELDS),
            "source_url": lead.photo.source_url or photo_source(lead.photo.image.name),
        },
    }
    record["corrections"] = (
        [{"text": c.text, "published_at": c.published_at} for c in article.corrections.all()]
        if _has_corrections()
        else []
    )
    try:
        entry = article.feed_entry
    except FeedEntry.DoesNotExist:
        entry = None
    record["feed_entry"] = entry and {**_values(entry, ENTRY_FIELDS), "label": label_name(entry)}
    return record


def photo_source(image_name):
    """The source of an exported photo that has none of its own: stable for as long as its
    file, so every import of it finds the copy the first one made."""
    return item_guid("photo", image_name)


def rss_guid(entry_pk):
    """The guid the site's own RSS gives an entry of no article that has none stored."""
    return item_guid("feed-entry", entry_pk)


def entry_record(entry):
    """A News Feed entry of no article, with its stored guid or else its RSS guid, so
    importing the export or the feed finds the same entry."""
    record = {"format": FORMAT, "kind": FEED_ENTRY, **_values(entry, ENTRY_FIELDS)}
    record["label"] = label_name(entry)
    record["guid"] = entry.guid or rss_guid(entry.pk)
    return record


def redirect_record(redirect):
    return {
        "format": FORMAT,
        "kind": REDIRECT,
        "old_path": redirect.old_path,
        "new_path": redirect.new_path,
    }


@dataclass
class ExportResult:
    articles: int = 0
    entries: int = 0
    redirects: int = 0


def export_articles(stream, *, published_only=False, progress=quiet_progress):
    """Write every article (or every public one), then the feed entries of no article and
    this site's redirects."""
    articles = Article.objects.published() if published_only else Article.objects.all()
    entries = FeedEntry.objects.published() if published_only else FeedEntry.objects.all()
    entries = entries.filter(article__isnull=True).select_related("label").order_by("pk")
    redirects = Redirect.objects.filter(site=Site.objects.get_current()).order_by("old_path")
    prefetch = [
        models.Prefetch("credits", ArticleAuthor.objects.select_related("author")),
        "tags",
    ]
    if _has_corrections():
        prefetch.append("corrections")
    queryset = (
        articles.order_by("pk")
        .select_related("section", "lead__photo", "label", "feed_entry__label")
        .prefetch_related(*prefetch)
    )
    total = queryset.count() + entries.count() + redirects.count()
    lines = itertools.chain(
        (article_record(article) for article in queryset.iterator(chunk_size=500)),
        (entry_record(entry) for entry in entries.iterator(chunk_size=500)),
        (redirect_record(redirect) for redirect in redirects.iterator(chunk_size=500)),
    )
    written = Counter()
    for record in progress(lines, total=total, unit="line"):
        stream.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False))
        stream.write("\n")
        written[record["kind"]] += 1
    return ExportResult(
        articles=written[ARTICLE], entries=written[FEED_ENTRY], redirects=written[REDIRECT]
    )


class BadRecord(Exception):
    pass


@dataclass
class Tally:
    created: int = 0
    unchanged: int = 0


@dataclass
class ImportResult(Tally):
    """`created` and `unchanged` count articles; `entries` counts the feed entries of no
    article, `redirects` the redirects."""

    entries: Tally = field(default_factory=Tally)
    redirects: Tally = field(default_factory=Tally)
    # (line number, reason)
    skipped: list = field(default_factory=list)
    missing_photos: list = field(default_factory=list)


def _datetime(value):
    return parse_datetime(value) if isinstance(value, str) else value


def import_articles(stream, *, media_dir=None, dry_run=False, progress=quiet_progress):
    """Import JSON Lines from `stream`; photo files are read from `media_dir`."""
    media_dir = (
        Path(media_dir) if media_dir else Path(Photo._meta.get_field("image").storage.location)
    )
    result = ImportResult()
    photos_by_source = {}
    # This site's own exports give its entries their RSS guid, which is not stored.
    rss_guids = {
        rss_guid(pk)
        for pk in FeedEntry.objects.filter(article=None, guid=None).values_list("pk", flat=True)
    }
    with rolled_back_if(dry_run), purging.bulk():
        for number, line in enumerate(progress(stream, unit="line"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or record.get("format") != FORMAT:
                    raise BadRecord(f"not a {FORMAT} record")
                kind = record.get("kind", ARTICLE)
                with transaction.atomic():
                    if kind == ARTICLE:
                        created = _import_article(
                            record, media_dir, photos_by_source, result, number, dry_run
                        )
                    elif kind == FEED_ENTRY:
                        created = _import_entry(record, rss_guids)
                    elif kind == REDIRECT:
                        created = _import_redirect(record)
                    else:
                        raise BadRecord(f"unknown kind {kind!r}")
            except json.JSONDecodeError as error:
                result.skipped.append((number, f"invalid JSON: {error.msg}"))
                continue
            except ValidationError as error:  # e.g. a photo file that is no image
                result.skipped.append((number, " ".join(error.messages)))
                continue
            except (BadRecord, KeyError, TypeError, ValueError, DataError, IntegrityError) as error:
                reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
                result.skipped.append((number, reason.splitlines()[0]))
                continue
            tally = {ARTICLE: result, FEED_ENTRY: result.entries, REDIRECT: result.redirects}[kind]
            if created:
                tally.created += 1
            else:
                tally.unchanged += 1
    return result


def _import_article(record, media_dir, photos_by_source, result, number, dry_run):
    if Article.objects.filter(slug=record["slug"]).exists():
        return False
    section_values = record["section"]
    section, _ = Section.objects.get_or_create(
        slug=section_values["slug"],
        defaults={k: section_values[k] for k in SECTION_FIELDS if k in section_values},
    )
    article = Article(section=section)
    for model_field in article_fields():
        if model_field.name in record:
            setattr(article, model_field.name, model_field.to_python(record[model_field.name]))
    article.label = Label.objects.for_name(record.get("label", ""))
    created_at = article.created_at
    article.save()
    if created_at:
        Article.objects.filter(pk=article.pk).update(created_at=created_at)
    for position, values in enumerate(record.get("authors", [])):
        author, _ = Author.objects.get_or_create(
            slug=values["slug"],
            defaults={k: values[k] for k in AUTHOR_FIELDS if k in values},
        )
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    if record.get("tags"):
        article.tags.set(record["tags"])
    lead = record.get("lead")
    if lead:
        photo = _photo(lead["photo"], media_dir, photos_by_source, dry_run)
        if photo is None:
            result.missing_photos.append((number, lead["photo"]["image"]))
        elif photo.pk:
            Caption.objects.create(article=article, photo=photo, text=lead.get("caption", ""))
    for correction in record.get("corrections", []):
        if not _has_corrections():
            raise BadRecord("this site has no corrections to import them into")
        article.corrections.create(
            text=correction["text"], published_at=_datetime(correction["published_at"])
        )
    entry = record.get("feed_entry")
    if entry:
        FeedEntry.objects.create(article=article, **_entry_values(entry))
    return True


def _photo(values, media_dir, photos_by_source, dry_run):
    """The photo a lead shows: the copy an earlier import made (or the photo itself, back
    on its own site), else a new one from its file; None when that file is missing. A dry
    run writes no files, so it gives an unsaved photo, which links nothing."""
    name = values["image"]
    # Older exports carry no source for a site's own photos; their stored name stands in.
    source = values.get("source_url") or photo_source(name)
    if source in photos_by_source:
        return photos_by_source[source]
    photo = Photo.objects.filter(Q(source_url=source) | Q(image=name)).order_by("pk").first()
    if photo is not None:
        photos_by_source[source] = photo
        return photo
    path = media_dir / name
    if not name or not path.is_file():
        return None
    photo = Photo(
        **{k: values[k] for k in PHOTO_FIELDS if k in values and k not in {"width", "height"}},
    )
    photo.source_url = source
    if dry_run:
        return photo
    with path.open("rb") as file:
        # Checked before anything is written: a file that is no usable image is refused
        # by the photo's own save, and leaves nothing in public storage.
        photo.image = File(file, name=Path(name).name)
        photo.save()
    # Remembered once its line is committed: a line rolled back takes the photo with it.
    transaction.on_commit(lambda: photos_by_source.setdefault(source, photo))
    return photo


def _import_entry(record, rss_guids):
    guid = record["guid"]
    if not guid:
        raise BadRecord("a feed entry of no article needs a guid")
    if guid in rss_guids or FeedEntry.objects.filter(guid=guid).exists():
        return False
    FeedEntry.objects.create(**_entry_values(record))
    return True


def _entry_values(record):
    values = {k: record[k] for k in ENTRY_FIELDS if k in record}
    values["label"] = Label.objects.for_name(record.get("label", ""))
    try:  # links are checked exactly as the feed-entry form checks them
        values["url"] = checked_url(values.get("url", ""), ENTRY_URL)
    except ValidationError as error:
        link = values.get("url")
        raise BadRecord(f"link {link!r} refused: {' '.join(error.messages)}") from None
    for name in ("published_at", "updated_at"):
        values[name] = _datetime(values.get(name))
    return values


def _import_redirect(record):
    _, created = Redirect.objects.get_or_create(
        site=Site.objects.get_current(),
        old_path=record["old_path"],
        defaults={"new_path": record["new_path"]},
    )
    return created
