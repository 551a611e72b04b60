"""Keyset ("seek") pagination over (published_at, id), newest first.

A cursor names the last item a reader has seen; the next batch starts strictly after
it. Batch 1,000 costs what batch 1 costs, and items sharing a publish time are neither
skipped nor repeated because the id breaks the tie.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import BadRequest
from django.db.models import Q

from .params import whole_number

MAX_CURSOR_LENGTH = 40


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    pk: int

    def __str__(self):
        stamp = self.published_at.astimezone(UTC)
        micros = int(stamp.timestamp()) * 1_000_000 + stamp.microsecond
        return f"{micros}.{self.pk}"

    @classmethod
    def parse(cls, value):
        """Read a cursor from a query string; anything malformed is a 400."""
        try:
            if len(value) > MAX_CURSOR_LENGTH:
                raise ValueError(value)
            micros, pk = (whole_number(part) for part in value.split("."))
            if micros is None or pk is None or pk < 1:
                raise ValueError(value)
            seconds, remainder = divmod(micros, 1_000_000)
            published_at = datetime.fromtimestamp(seconds, UTC).replace(microsecond=remainder)
        except (ValueError, OverflowError, OSError):
            raise BadRequest("That page link is not valid.") from None
        return cls(published_at, pk)


@dataclass(frozen=True)
class Batch:
    items: list
    next_cursor: Cursor | None
    is_first: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def seek(queryset, cursor=None, size=20, *, oldest_first=False):
    """Return the batch of `queryset` that follows `cursor` (the newest when None; the
    oldest, and oldest first, with `oldest_first`)."""
    if oldest_first:
        queryset = queryset.order_by("published_at", "pk")
        before, at_or_before = "published_at__gt", "published_at__gte"
        pk_before = "pk__gt"
    else:
        queryset = queryset.order_by("-published_at", "-pk")
        before, at_or_before = "published_at__lt", "published_at__lte"
        pk_before = "pk__lt"
    if cursor is not None:
        queryset = queryset.filter(
            Q(**{before: cursor.published_at})
            | Q(published_at=cursor.published_at, **{pk_before: cursor.pk}),
            # Lets PostgreSQL start the index range scan at the cursor.
            **{at_or_before: cursor.published_at},
        )
    items = list(queryset[: size + 1])
    next_cursor = None
    if len(items) > size:
        items = items[:size]
        last = items[-1]
        next_cursor = Cursor(last.published_at, last.pk)
    return Batch(items, next_cursor, is_first=cursor is None)


def seek_request(request, queryset, size=20):
    value = request.GET.get("before")
    cursor = Cursor.parse(value) if value else None
    return seek(queryset, cursor, size)
