"""Bookkeeping for scheduled and embargoed articles once they become public.

Visibility never depends on this: `Article.objects.published()` decides it from the clock.
This records *that* an article went live (an audit entry, `went_live_at`, its feed entry and
any purge hooked to saving), once, however many runs overlap.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import Article, AuditEntry
from feed import publishing
from lib.commands import quiet_progress

from .workflow import local_time

DEFAULT_OVERDUE_AFTER = timedelta(minutes=5)


def due_at(article):
    """When an article was due to go public: its publish time or its embargo, the later."""
    if article.embargoed_until and article.embargoed_until > article.published_at:
        return article.embargoed_until
    return article.published_at


@dataclass
class ScheduleResult:
    went_live: list = field(default_factory=list)
    # (article, how late) for items recorded long after they were due.
    overdue: list = field(default_factory=list)
    # Taken by an overlapping run between our listing and our lock.
    skipped: int = 0


def pending():
    """Public articles whose going live has not been recorded yet, oldest first."""
    return (
        Article.objects.published().filter(went_live_at__isnull=True).order_by("published_at", "id")
    )


def publish_scheduled(
    *, overdue_after=DEFAULT_OVERDUE_AFTER, dry_run=False, progress=quiet_progress
):
    result = ScheduleResult()
    candidates = list(pending().values_list("pk", flat=True))
    for pk in progress(candidates, desc="Going live", unit="article"):
        if dry_run:
            article = pending().select_related("section").get(pk=pk)
            _record(result, article, timezone.now(), overdue_after)
            continue
        with transaction.atomic():
            # Locked rows belong to a run that is already recording them: skip, never wait.
            article = (
                pending()
                .filter(pk=pk)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("section")
                .first()
            )
            if article is None:
                result.skipped += 1
                continue
            now = timezone.now()
            article.went_live_at = now
            article.save(update_fields=["went_live_at", "modified_at"])
            late = _record(result, article, now, overdue_after)
            AuditEntry.objects.create(
                action="went live",
                article=article,
                object_repr=str(article)[:300],
                message=f"Due {local_time(due_at(article))}"
                + (f"; recorded {_minutes(late)} late." if late else "."),
            )
            publishing.refresh_entry(article)
    return result


def _record(result, article, now, overdue_after):
    result.went_live.append(article)
    late = now - due_at(article)
    if late > overdue_after:
        result.overdue.append((article, late))
        return late
    return None


def _minutes(delta):
    return f"{int(delta.total_seconds() // 60)} min"
