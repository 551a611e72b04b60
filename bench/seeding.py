"""Realistic synthetic articles in bulk, for benchmarks and load tests.

Rows go in with `bulk_create` in batches, one transaction per batch, so `Article.save()` is
bypassed: the derived figures are computed here with the same functions it uses. A handful
of drawn photos are shared by every article, as a real archive reuses agency pictures.
"""

import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import text
from articles.models import Article, ArticleAuthor, Author, Caption, Section, Status
from feed.models import FeedEntry
from ingest.demo import PLACES, draw_photo
from lib.commands import quiet_progress
from lib.pagecache import purge_everything
from photos.models import Photo

GUID_PREFIX = "bulk:"
PHOTO_COUNT = 6
AUTHOR_COUNT = 40
TAG_COUNT = 300
SECTIONS = [
    ("news-feed", "News Feed", True),
    ("war", "Ukraine", True),
    ("business", "Business", False),
    ("culture", "Culture", False),
]
FIRST_NAMES = ["Olena", "Taras", "Iryna", "Andriy", "Kateryna", "Mykola", "Sofia", "Dmytro",
               "Yulia", "Oleksandr"]  # fmt: skip
LAST_NAMES = ["Kovalenko", "Melnyk", "Bondar", "Shevchenko", "Tkachenko", "Kravchenko",
              "Oliynyk", "Lysenko"]  # fmt: skip
SUBJECTS = ["Power engineers", "City council", "Central bank", "Air defence", "Grain traders",
            "Volunteers", "Rail operator", "Hospital staff", "Drone makers", "Teachers",
            "Farmers", "Museum curators", "Border guards", "Energy ministry"]  # fmt: skip
VERBS = ["restore", "expand", "suspend", "announce", "rebuild", "defend", "reopen", "fund",
         "launch", "review", "cut", "double"]  # fmt: skip
OBJECTS = ["supply lines", "night trains", "school shelters", "export quotas", "repair crews",
           "the bridge", "a new plant", "winter reserves", "field hospitals", "the exhibition",
           "heating points", "grain corridors"]  # fmt: skip
TAG_WORDS = ["energy", "defence", "economy", "culture", "drones", "grain", "rail", "health",
             "education", "diplomacy", "sanctions", "reconstruction", "elections", "courts",
             "climate"]  # fmt: skip
SENTENCES = [
    "{subject} in {place} said they would {verb} {object} before the end of the month.",
    "Officials in {place} confirmed the plan on Tuesday, citing safety and cost.",
    "Residents of {place} told reporters the change was overdue.",
    "The decision follows weeks of talks between {subject_lower} and regional authorities.",
    "Analysts expect the move to affect {object} across the region.",
    "“We will {verb} {object} as long as it takes,” a spokesperson in {place} said.",
    "The budget for the work in {place} has not been published.",
    "Previous attempts to {verb} {object} stalled last winter.",
    "Local media in {place} reported long queues on the first day.",
    "The ministry said it would publish figures for {place} next week.",
]


@dataclass
class BulkResult:
    articles: int = 0
    feed_entries: int = 0
    photos: int = 0
    authors: int = 0
    tags: int = 0
    seconds: float = 0.0

    @property
    def rate(self):
        return self.articles / self.seconds if self.seconds else 0.0


def _fill(rng, template):
    subject = rng.choice(SUBJECTS)
    return template.format(
        subject=subject, subject_lower=subject.lower(), verb=rng.choice(VERBS),
        object=rng.choice(OBJECTS), place=rng.choice(PLACES),
    )  # fmt: skip


def _paragraph_pool(rng, size=400):
    return [
        " ".join(_fill(rng, rng.choice(SENTENCES)) for _ in range(rng.randint(3, 6)))
        for _ in range(size)
    ]


def _sections():
    sections = list(Section.objects.all())
    if sections:
        return sections
    return [
        Section.objects.create(slug=slug, name=name, in_news_feed=in_feed, position=position)
        for position, (slug, name, in_feed) in enumerate(SECTIONS)
    ]


def _authors(result):
    wanted = {}
    for number in range(AUTHOR_COUNT):
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[number % len(LAST_NAMES)]}"
        wanted[f"bulk-{slugify(name)}-{number}"] = name
    existing = set(Author.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    new = [
        Author(slug=slug, name=name, role="Reporter")
        for slug, name in wanted.items()
        if slug not in existing
    ]
    Author.objects.bulk_create(new)
    result.authors += len(new)
    return list(Author.objects.filter(slug__in=wanted))


def _photos(result):
    photos = []
    for number in range(PHOTO_COUNT):
        source_url = f"https://example.com/bulk/photo-{number}.jpg"
        photo = Photo.objects.filter(source_url=source_url).first()
        if photo is None:
            place = PLACES[number % len(PLACES)]
            photo = Photo(
                source_url=source_url,
                alt_text=f"Hills near {place} under a low sun.",
                caption=f"The countryside near {place}.",
                credit="Newsroom photo",
            )
            photo.image.save(
                f"bulk-{number}.jpg", draw_photo(1000 + number, (1200, 675)), save=False
            )
            photo.save()
            result.photos += 1
        photos.append(photo)
    return photos


def _tags(rng, result):
    names = {f"{word.title()} {place}" for word in TAG_WORDS for place in PLACES}
    names = sorted(names)[:TAG_COUNT]
    existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    new = [Tag(name=name, slug=slugify(name)) for name in names if name not in existing]
    Tag.objects.bulk_create(new, ignore_conflicts=True)
    result.tags += len(new)
    return list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))


def seed_bulk(count, *, entries=0, batch_size=2000, seed=None, progress=quiet_progress):
    """Create `count` articles (and `entries` extra News Feed entries) as fast as we can."""
    started = time.perf_counter()
    rng = random.Random(seed)
    result = BulkResult()
    token = uuid.uuid4().hex[:8]
    now = timezone.now()
    words_per_minute = settings.NEWSROOM_WORDS_PER_MINUTE
    with transaction.atomic():
        sections = _sections()
        authors = _authors(result)
        photos = _photos(result)
        tag_ids = _tags(rng, result)
    article_type = ContentType.objects.get_for_model(Article)
    pool = _paragraph_pool(rng)

    batches = range(0, count, batch_size)
    for start in progress(batches, total=len(batches), unit="batch", desc="Articles"):
        size = min(batch_size, count - start)
        articles = []
        for number in range(start, start + size):
            headline = f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} "
            headline += rng.choice(OBJECTS)
            body = "".join(f"<p>{p}</p>" for p in rng.sample(pool, rng.randint(3, 8)))
            words = text.count_words(body)
            published = rng.random() < 0.95
            published_at = now - timedelta(minutes=number * 7 + rng.randint(0, 6))
            articles.append(
                Article(
                    section=rng.choice(sections),
                    headline=headline,
                    slug=f"{slugify(headline)[:150]}-{token}-{number}",
                    standfirst=_fill(rng, rng.choice(SENTENCES)),
                    body=body,
                    status=Status.PUBLISHED if published else Status.DRAFT,
                    published_at=published_at if published else None,
                    went_live_at=published_at if published else None,
                    word_count=words,
                    reading_time=text.reading_minutes(words, words_per_minute),
                    source_guid=f"{GUID_PREFIX}{token}:{number}",
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(articles)
            credits, tagged, captions, feed_entries = [], [], [], []
            for article in articles:
                for position, author in enumerate(rng.sample(authors, rng.choice((1, 1, 2)))):
                    credits.append(ArticleAuthor(article=article, author=author, position=position))
                for tag_id in rng.sample(tag_ids, rng.randint(2, 4)):
                    tagged.append(
                        TaggedItem(content_type=article_type, object_id=article.pk, tag_id=tag_id)
                    )
                if rng.random() < 0.7:
                    photo = rng.choice(photos)
                    captions.append(Caption(article=article, photo=photo, text=photo.caption))
                if article.status == Status.PUBLISHED and article.section.in_news_feed:
                    feed_entries.append(
                        FeedEntry(
                            article=article,
                            status=FeedEntry.Status.PUBLISHED,
                            published_at=article.published_at,
                        )
                    )
            ArticleAuthor.objects.bulk_create(credits)
            TaggedItem.objects.bulk_create(tagged)
            Caption.objects.bulk_create(captions)
            FeedEntry.objects.bulk_create(feed_entries)
        result.articles += size
        result.feed_entries += len(feed_entries)

    entry_batches = range(0, entries, batch_size)
    if entries:
        entry_batches = progress(
            entry_batches, total=len(entry_batches), unit="batch", desc="Entries"
        )
    for start in entry_batches:
        batch = []
        for number in range(start, min(start + batch_size, entries)):
            published_at = now - timedelta(minutes=number * 3 + rng.randint(0, 2))
            batch.append(
                FeedEntry(
                    headline=_fill(rng, "{subject} in {place} {verb} {object}")[:200],
                    summary=_fill(rng, rng.choice(SENTENCES)),
                    published_at=published_at,
                    updated_at=published_at + timedelta(minutes=30) if number % 5 == 0 else None,
                    guid=f"{GUID_PREFIX}{token}:entry:{number}",
                )
            )
        FeedEntry.objects.bulk_create(batch)
        result.feed_entries += len(batch)

    # Fresh planner statistics, so benchmarks right after seeding see realistic plans.
    with connection.cursor() as cursor:
        for model in (Article, ArticleAuthor, TaggedItem, Caption, FeedEntry):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    # Bulk inserts send no model signals: drop every cached page so readers see the new rows.
    purge_everything()
    result.seconds = time.perf_counter() - started
    return result
