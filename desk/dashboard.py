"""The admin home's dashboard: what waits for the desk and what just went out.

Each panel is one query of a bounded number of rows, whatever the archive's size."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from articles.models import Article, AuditEntry, Correction, State, Status

from . import workflow
from .scheduling import DEFAULT_OVERDUE_AFTER, pending

ROWS = 10
RECENT = timedelta(days=2)
# What a dashboard row shows of an article: never the body.
COLUMNS = ["headline", "status", "published_at", "embargoed_until", "killed_at", "modified_at",
           "created_by__first_name", "created_by__last_name", "created_by__username"]  # fmt: skip


@dataclass
class Panel:
    key: str
    title: str
    articles: list
    empty: str
    time_label: str
    time_attr: str

    @property
    def rows(self):
        """(article, the time this panel shows for it, in newsroom time)."""
        return [(article, getattr(article, self.time_attr)) for article in self.articles]


def _rows(queryset):
    return list(queryset.select_related("created_by").only(*COLUMNS)[:ROWS])


def waiting_for_review():
    """Stories in review, the longest waiting first (by when they were last submitted)."""
    submitted = AuditEntry.objects.filter(article=OuterRef("pk"), action=workflow.SUBMIT)
    queryset = (
        Article.objects.filter(status=Status.REVIEW)
        .annotate(submitted_at=Subquery(submitted.order_by("-at").values("at")[:1]))
        .order_by(F("submitted_at").asc(nulls_first=True), "modified_at", "id")
    )
    return _rows(queryset)


def scheduled():
    return _rows(Article.objects.in_state(State.SCHEDULED).order_by("published_at", "id"))


def embargoed():
    return _rows(Article.objects.in_state(State.EMBARGOED).order_by("embargoed_until", "id"))


def overdue(overdue_after=DEFAULT_OVERDUE_AFTER):
    """Scheduled or embargoed stories whose time passed more than `overdue_after` ago, yet
    their going out was never recorded (the scheduled job did not run): feed entries and
    alerts are missing. A story published there and then was saved after its time."""
    due = Greatest("published_at", "embargoed_until")
    return _rows(
        pending()
        .annotate(due=due)
        .filter(due__lt=timezone.now() - overdue_after, due__gt=F("modified_at"))
        .order_by("due", "id")
    )


def my_drafts(user):
    return _rows(
        Article.objects.filter(status=Status.DRAFT, created_by=user).order_by("-modified_at", "-id")
    )


def recently_published():
    since = timezone.now() - RECENT
    return _rows(
        Article.objects.published().filter(published_at__gte=since).order_by("-published_at", "-id")
    )


def recent_corrections():
    return list(
        Correction.objects.select_related("article")
        .only("text", "published_at", "article__headline")
        .order_by("-published_at", "-id")[:ROWS]
    )


def panels(user):
    """The dashboard of one person: the desk's queues for editors, their own work for all."""
    result = []
    if workflow.is_editor(user):
        result += [
            Panel("review", "Waiting for review", waiting_for_review(),
                  "Nothing is waiting for review.", "Submitted", "submitted_at"),
            Panel("overdue", "Overdue", overdue(),
                  "Nothing is overdue.", "Was due", "due"),
            Panel("scheduled", "Scheduled", scheduled(),
                  "Nothing is scheduled.", "Goes out", "published_at"),
            Panel("embargoed", "Embargoed", embargoed(),
                  "No embargo holds.", "Embargo lifts", "embargoed_until"),
        ]  # fmt: skip
    result += [
        Panel("drafts", "My drafts", my_drafts(user),
              "You have no drafts.", "Last saved", "modified_at"),
        Panel("published", "Recently published", recently_published(),
              "Nothing was published in the last two days.", "Published", "published_at"),
    ]  # fmt: skip
    return result
