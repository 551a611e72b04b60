"""The editors' desk workflow: who may move an article where, and the audit trail.

Each step checks the person's role on the server, calls the article's own method (so
`save()` and its signals run) and writes an audit entry."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import get_text_list

from .models import AuditEntry, Status

SUBMIT = "submit"
PUBLISH = "publish"
SCHEDULE = "schedule"
UNPUBLISH = "unpublish"
KILL = "kill"

LABELS = {
    SUBMIT: "Submit for review",
    PUBLISH: "Publish now",
    SCHEDULE: "Schedule",
    UNPUBLISH: "Unpublish",
    KILL: "Kill",
}


class PublishRefused(Exception):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(f"Not published: add {get_text_list(missing, 'and')}.")


def is_editor(user):
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit(user, article):
    """Editors edit anything; writers only their own drafts."""
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def can_edit_photo(user, photo):
    """Editors change any photo; writers only their own uploads that no article beyond
    the draft stage uses, so a published caption or credit cannot change behind the desk."""
    if not user.is_active or not user.has_perm("articles.change_photo"):
        return False
    if is_editor(user):
        return True
    in_use = photo.captions.exclude(article__status=Status.DRAFT).exists()
    return photo.uploaded_by_id == user.pk and not in_use


def available_actions(user, article=None):
    """The workflow buttons this person may press on this article (None: a new one)."""
    status = article.status if article is not None else Status.DRAFT
    if is_editor(user):
        if status == Status.KILLED:
            return []
        actions = [PUBLISH, SCHEDULE]
        if status == Status.DRAFT:
            actions.insert(0, SUBMIT)
        if status == Status.PUBLISHED:
            actions.append(UNPUBLISH)
        if article is not None:
            actions.append(KILL)
        return actions
    if article is None or (can_edit(user, article) and status == Status.DRAFT):
        return [SUBMIT] if user.has_perm("articles.add_article") else []
    return []


def _require(user, article, action):
    if action not in available_actions(user, article):
        raise PermissionDenied(f"You may not {LABELS[action].lower()} this article.")


def _audit(user, article, action, message=""):
    AuditEntry.objects.create(
        actor=user if user and user.is_authenticated else None,
        action=action,
        article=article,
        object_repr=str(article)[:300],
        message=message,
    )


def submit_for_review(article, user):
    _require(user, article, SUBMIT)
    article.saved_by = user
    article.submit_for_review()
    _audit(user, article, SUBMIT, "Submitted for review.")


def _check_ready(article):
    missing = article.missing_for_publication()
    if missing:
        raise PublishRefused(missing)


def publish_now(article, user, *, substantive_update=False):
    _require(user, article, PUBLISH)
    _check_ready(article)
    now = timezone.now()
    was_public = article.status == Status.PUBLISHED and article.published_at is not None
    # A pending schedule or an old draft time must not hold the article back.
    at = article.published_at if was_public and article.published_at <= now else now
    article.saved_by = user
    article.publish(at=at, substantive_update=substantive_update)
    _audit(user, article, PUBLISH, f"Published at {at:%Y-%m-%d %H:%M %Z}.")


def schedule(article, user, at):
    _require(user, article, SCHEDULE)
    _check_ready(article)
    article.saved_by = user
    article.schedule(at)
    _audit(user, article, SCHEDULE, f"Scheduled for {timezone.localtime(at):%Y-%m-%d %H:%M %Z}.")


def unpublish(article, user):
    _require(user, article, UNPUBLISH)
    article.saved_by = user
    article.unpublish()
    _audit(user, article, UNPUBLISH, "Taken off the site.")


def kill(article, user, note):
    _require(user, article, KILL)
    if not note.strip():
        raise ValueError("Write a short note for readers saying why the article was withdrawn.")
    article.saved_by = user
    article.kill(note.strip())
    _audit(user, article, KILL, note.strip())


def add_correction(article, user, text, *, at=None):
    if not user.has_perm("articles.add_correction"):
        raise PermissionDenied("Only editors add corrections.")
    correction = article.add_correction(text, by=user, at=at)
    _audit(user, article, "correction", text)
    return correction


def record_role_change(actor, user, added, removed):
    changes = [f"added to {name}" for name in added] + [f"removed from {name}" for name in removed]
    AuditEntry.objects.create(
        actor=actor,
        action="role change",
        object_repr=user.get_username(),
        message=f"{user.get_username()}: {', '.join(changes)}.",
    )
