"""Articles as JSON Lines: one article per line with everything a reader sees of it.

A line holds the article's own fields, its section, authors in byline order, tags, lead photo
metadata and caption, corrections and News Feed entry. Exporting and importing into an empty
database gives back the same content; importing again changes nothing (articles are matched
by slug). Photo files are looked up by their stored name under a media folder.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.dateparse import parse_datetime

from articles.models import Article, ArticleAuthor, Author, Caption, Section
from feed.models import FeedEntry
from lib import purging
from lib.commands import quiet_progress, rolled_back_if
from photos.models import Photo

FORMAT = "newsroom-article/1"
# Derived, generated or bookkeeping columns that the target computes for itself.
SKIPPED_FIELDS = {"id", "word_count", "reading_time", "modified_at", "search_document"}
SECTION_FIELDS = ["slug", "name", "description", "position", "in_news_feed"]
AUTHOR_FIELDS = ["slug", "name", "role", "bio"]
PHOTO_FIELDS = ["alt_text", "caption", "credit", "source_url", "width", "height"]
ENTRY_FIELDS = [
    "headline", "summary", "label", "url", "pinned", "status", "published_at", "updated_at", "guid",
]  # fmt: skip


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
    record = {"format": FORMAT}
    record.update({f.name: getattr(article, f.name) for f in article_fields()})
    record["section"] = _values(article.section, SECTION_FIELDS)
    record["authors"] = [_values(c.author, AUTHOR_FIELDS) for c in article.credits.all()]
    record["tags"] = sorted(tag.name for tag in article.tags.all())
    lead = article.lead_photo
    record["lead"] = lead and {
        "caption": lead.text,
        "photo": {"image": lead.photo.image.name, **_values(lead.photo, PHOTO_FIELDS)},
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
    record["feed_entry"] = entry and _values(entry, ENTRY_FIELDS)
    return record


@dataclass
class ExportResult:
    articles: int = 0


def export_articles(stream, *, published_only=False, progress=quiet_progress):
    articles = Article.objects.published() if published_only else Article.objects.all()
    prefetch = [
        models.Prefetch("credits", ArticleAuthor.objects.select_related("author")),
        "tags",
    ]
    if _has_corrections():
        prefetch.append("corrections")
    queryset = (
        articles.order_by("pk")
        .select_related("section", "lead__photo", "feed_entry")
        .prefetch_related(*prefetch)
    )
    result = ExportResult()
    total = queryset.count()
    for article in progress(queryset.iterator(chunk_size=500), total=total, unit="article"):
        stream.write(json.dumps(article_record(article), cls=DjangoJSONEncoder, ensure_ascii=False))
        stream.write("\n")
        result.articles += 1
    return result


class BadRecord(Exception):
    pass


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
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
    photos_by_name = {}
    with rolled_back_if(dry_run), purging.bulk():
        for number, line in enumerate(progress(stream, unit="line"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or record.get("format") != FORMAT:
                    raise BadRecord(f"not a {FORMAT} record")
                with transaction.atomic():
                    created = _import_record(
                        record, media_dir, photos_by_name, result, number, dry_run
                    )
            except json.JSONDecodeError as error:
                result.skipped.append((number, f"invalid JSON: {error.msg}"))
                continue
            except (BadRecord, KeyError, TypeError, ValueError) as error:
                reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
                result.skipped.append((number, reason))
                continue
            if created:
                result.created += 1
            else:
                result.unchanged += 1
    return result


def _import_record(record, media_dir, photos_by_name, result, number, dry_run):
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
        name = lead["photo"]["image"]
        if not name or not (media_dir / name).is_file():
            result.missing_photos.append((number, name))
        elif not dry_run:  # a dry run writes no files, so it links no photo either
            photo = _photo(lead["photo"], media_dir, photos_by_name)
            Caption.objects.create(article=article, photo=photo, text=lead.get("caption", ""))
    for correction in record.get("corrections", []):
        if not _has_corrections():
            raise BadRecord("this site has no corrections to import them into")
        article.corrections.create(
            text=correction["text"], published_at=_datetime(correction["published_at"])
        )
    entry = record.get("feed_entry")
    if entry:
        values = {k: entry[k] for k in ENTRY_FIELDS if k in entry}
        for name in ("published_at", "updated_at"):
            values[name] = _datetime(values.get(name))
        FeedEntry.objects.create(article=article, **values)
    return True


def _photo(values, media_dir, photos_by_name):
    name = values["image"]
    if name in photos_by_name:
        return photos_by_name[name]
    path = media_dir / name
    photo = Photo(
        **{k: values[k] for k in PHOTO_FIELDS if k in values and k not in {"width", "height"}}
    )
    with path.open("rb") as source:
        photo.image.save(Path(name).name, File(source), save=False)
    photo.save()
    photos_by_name[name] = photo
    return photo
