"""The editors' desk workflow: who may move an article where, and the audit trail.

Each editor action is one step, one function that the admin, the commands and the tests
all call: check (the person's role, what publishing needs) → do (the article's own
method, so `save()` and its signals run, once) → record (one audit entry) → purge (once,
for everything the step changed). `changes`, when given, saves what else the editor
changed in the same click (the admin's inlines) inside the step, before the check."""

import contextlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list

from articles import previews
from articles.models import AuditEntry, Status
from feed import publishing
from lib import purging

SUBMIT = "submit"
PUBLISH = "publish"
SCHEDULE = "schedule"
UNPUBLISH = "unpublish"
KILL = "kill"
DELETE = "delete"
REVOKE_PREVIEWS = "revoke previews"

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
    if not user.is_active or not user.has_perm("photos.change_photo"):
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


def audit(user, action, message="", *, article=None, item=None):
    """Write one entry in the audit log: who did `action` to which item, and why."""
    return AuditEntry.objects.create(
        actor=user if user and user.is_authenticated else None,
        action=action,
        article=article,
        object_repr=str(item if item is not None else article)[:300],
        message=message,
    )


@contextlib.contextmanager
def _step():
    """One transaction and one purge round for a whole editor action."""
    with purging.collected(), transaction.atomic():
        yield


def _apply(changes):
    if changes is not None:
        changes()


def _keep(article, user):
    """Save the editor's changes as they are, without the step that was refused."""
    article.saved_by = user
    article.save()


def keep_changes(article, user, *, changes=None):
    """A step was refused before anything was saved: save the rest of the editor's
    changes as they are, so nothing typed is lost."""
    with _step():
        _apply(changes)
        _keep(article, user)


def _publishable(article, user, changes):
    """Apply the editor's other changes, then say what publishing still lacks. When
    something is missing the changes are kept and the step is not taken."""
    _apply(changes)
    missing = article.missing_for_publication()
    if missing:
        _keep(article, user)
    return missing


def submit_for_review(article, user, *, changes=None):
    with _step():
        _require(user, article, SUBMIT)
        _apply(changes)
        article.saved_by = user
        article.submit_for_review()
        audit(user, SUBMIT, "Submitted for review.", article=article)


def publish_now(article, user, *, substantive_update=False, changes=None):
    with _step():
        _require(user, article, PUBLISH)
        missing = _publishable(article, user, changes)
        if not missing:
            now = timezone.now()
            was_public = article.status == Status.PUBLISHED and article.published_at is not None
            # A pending schedule or an old draft time must not hold the article back.
            at = article.published_at if was_public and article.published_at <= now else now
            article.saved_by = user
            publishing.publish(article, at=at, substantive_update=substantive_update)
            audit(user, PUBLISH, f"Published at {at:%Y-%m-%d %H:%M %Z}.", article=article)
    if missing:  # raised once the kept changes are committed
        raise PublishRefused(missing)


def schedule(article, user, at, *, changes=None):
    if at <= timezone.now():
        raise ValueError("A scheduled time must be in the future.")
    with _step():
        _require(user, article, SCHEDULE)
        missing = _publishable(article, user, changes)
        if not missing:
            article.saved_by = user
            article.schedule(at)
            publishing.refresh_entry(article)
            when = f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z}"
            audit(user, SCHEDULE, f"Scheduled for {when}.", article=article)
    if missing:
        raise PublishRefused(missing)


def unpublish(article, user, *, changes=None):
    with _step():
        _require(user, article, UNPUBLISH)
        _apply(changes)
        article.saved_by = user
        article.unpublish()
        audit(user, UNPUBLISH, "Taken off the site.", article=article)


def kill(article, user, note, *, changes=None):
    if not note.strip():
        raise ValueError("Write a short note for readers saying why the article was withdrawn.")
    with _step():
        _require(user, article, KILL)
        _apply(changes)
        article.saved_by = user
        article.kill(note.strip())
        audit(user, KILL, note.strip(), article=article)


def save_changes(article, user, *, substantive_update=False, changes=None):
    """An edit with no workflow step: a published article stays published (and its feed
    entry follows), anything else is saved as it is. Not audited: revisions keep it."""
    with _step():
        _apply(changes)
        article.saved_by = user
        if article.status == Status.PUBLISHED:
            publishing.publish(
                article, at=article.published_at, substantive_update=substantive_update
            )
        else:
            article.save()


def add_correction(article, user, text, *, at=None):
    if not user.has_perm("articles.add_correction"):
        raise PermissionDenied("Only editors add corrections.")
    with _step():
        correction = article.add_correction(text, by=user, at=at)
        publishing.refresh_entry(article)
        audit(user, "correction", text, article=article)
    return correction


def record_role_change(actor, user, added, removed):
    changes = [f"added to {name}" for name in added] + [f"removed from {name}" for name in removed]
    audit(
        actor,
        "role change",
        f"{user.get_username()}: {', '.join(changes)}.",
        item=user.get_username(),
    )


def delete_article(article, user):
    """Delete an article for good: recorded first, since the entry outlives the row."""
    if not user.is_active or not user.has_perm("articles.delete_article"):
        raise PermissionDenied("Only editors delete articles.")
    with _step():
        status = article.get_status_display().lower()
        audit(user, DELETE, f"Deleted article {article.pk} ({status}): “{article}”.", item=article)
        article.delete()


def permission_names(permissions):
    """Each permission by the name has_perm() takes: "app_label.codename"."""
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in permissions.select_related("content_type")
    }


def record_permission_change(actor, holder, granted, revoked):
    """A user's or group's own permissions changed (not through a role)."""
    changes = [f"granted {name}" for name in granted] + [f"revoked {name}" for name in revoked]
    audit(actor, "permission change", f"{holder}: {', '.join(changes)}.", item=holder)


def revoke_previews(article, user):
    """Stop every preview link of the article working; whoever may edit it may do so."""
    if not can_edit(user, article):
        raise PermissionDenied("You may not change this article.")
    with _step():
        previews.revoke(article)
        audit(
            user,
            REVOKE_PREVIEWS,
            "Every preview link made so far was revoked; new links work again.",
            article=article,
        )
