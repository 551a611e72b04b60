"""What a label's page and feeds list: the public feed entries, articles and (registered
from above) live-blog updates that carry the label, newest first, as one stream.

Each kind of item is a `Source` with a rank; the stream is ordered by (published_at, rank,
pk), all descending, so a cursor naming the last item seen is exact even when items of
different kinds share a publish time. A batch asks each source once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import BadRequest
from django.db.models import Q

from articles.models import Article
from lib.pagination import Batch
from lib.params import whole_number

from .models import FeedEntry

MAX_CURSOR_LENGTH = 48


@dataclass(frozen=True)
class Listed:
    """One item of a label's page, whatever its kind."""

    kind: str
    pk: int
    title: str
    link: str
    text: str
    published_at: datetime
    updated_at: datetime | None
    item: object


@dataclass(frozen=True)
class Source:
    kind: str
    rank: int
    items: Callable  # label -> its public items of this kind, with what a listing shows
    describe: Callable  # item -> Listed


@dataclass(frozen=True)
class LabelCursor:
    published_at: datetime
    rank: int
    pk: int

    def __str__(self):
        stamp = self.published_at.astimezone(UTC)
        micros = int(stamp.timestamp()) * 1_000_000 + stamp.microsecond
        return f"{micros}.{self.rank}.{self.pk}"

    @classmethod
    def parse(cls, value):
        """Read a cursor from a query string; anything malformed is a 400."""
        try:
            if len(value) > MAX_CURSOR_LENGTH:
                raise ValueError(value)
            micros, rank, pk = (whole_number(part) for part in value.split("."))
            if micros is None or rank is None or pk is None or pk < 1:
                raise ValueError(value)
            seconds, remainder = divmod(micros, 1_000_000)
            published_at = datetime.fromtimestamp(seconds, UTC).replace(microsecond=remainder)
        except (ValueError, OverflowError, OSError):
            raise BadRequest("That page link is not valid.") from None
        return cls(published_at, rank, pk)


def _entry(entry):
    return Listed(
        "entry", entry.pk, entry.title, entry.link, entry.text, entry.published_at,
        entry.updated_at if entry.show_updated else None, entry,
    )  # fmt: skip


def _article(article):
    return Listed(
        "article", article.pk, article.headline, article.get_absolute_url(),
        article.standfirst, article.published_at,
        article.updated_at if article.show_updated else None, article,
    )  # fmt: skip


def _entries(label):
    # An article's own entry is left out where the article carries the label itself.
    return (
        FeedEntry.objects.published()
        .filter(label=label)
        .exclude(article__label=label)
        .for_listing()
    )


ARTICLE_COLUMNS = ("headline", "slug", "standfirst", "published_at", "updated_at")


def _articles(label):
    return Article.objects.published().filter(label=label).only(*ARTICLE_COLUMNS)


SOURCES = [
    Source("entry", 1, _entries, _entry),
    Source("article", 2, _articles, _article),
]


def register(source):
    """Add a kind of labelled item from a higher layer (the live blogs' updates)."""
    if all(known.kind != source.kind for known in SOURCES):
        SOURCES.append(source)
        SOURCES.sort(key=lambda known: known.rank)


def _after(queryset, rank, cursor):
    if cursor is None:
        return queryset
    at = cursor.published_at
    if rank < cursor.rank:
        return queryset.filter(published_at__lte=at)
    if rank == cursor.rank:
        return queryset.filter(
            Q(published_at__lt=at) | Q(published_at=at, pk__lt=cursor.pk), published_at__lte=at
        )
    return queryset.filter(published_at__lt=at)


def seek_labelled(label, cursor=None, size=20):
    """The batch of the label's stream that follows `cursor` (the newest when None)."""
    found = []
    for source in SOURCES:
        queryset = _after(source.items(label), source.rank, cursor).order_by("-published_at", "-pk")
        found += [
            (item.published_at, source.rank, item.pk, source, item) for item in queryset[: size + 1]
        ]
    found.sort(key=lambda row: row[:3], reverse=True)
    next_cursor = None
    if len(found) > size:
        found = found[:size]
        published_at, rank, pk, _source, _item = found[-1]
        next_cursor = LabelCursor(published_at, rank, pk)
    items = [source.describe(item) for *_key, source, item in found]
    return Batch(items, next_cursor, is_first=cursor is None)


def seek_labelled_request(request, label, size=20):
    value = request.GET.get("before")
    return seek_labelled(label, LabelCursor.parse(value) if value else None, size)
