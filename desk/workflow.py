"""The editors' desk workflow: who may move an article where, and the audit trail.

Each editor action is one step, one function that the admin, the commands and the tests
all call: check (the person's role, what publishing needs) → do (the article's own
method, so `save()` and its signals run, once) → record (one audit entry) → notify (the
people it concerns, in the admin and by e-mail after commit: desk.notifications) → purge
(once, for everything the step changed). `changes`, when given, saves what else the
editor changed in the same click (the admin's inlines) inside the step, before the check.
Every move of a live story's publish time or embargo, in any step, is audited with the
times before and after, in the newsroom's time zone."""

import contextlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list

from articles import previews
from articles.models import Article, AuditEntry, State, Status
from feed import publishing
from lib import purging

from . import notifications
from .notifications import Kind

SUBMIT = "submit"
PUBLISH = "publish"
SCHEDULE = "schedule"
UNPUBLISH = "unpublish"
KILL = "kill"
SEND_BACK = "send back"
WITHDRAW = "withdraw"
DELETE = "delete"
REVOKE_PREVIEWS = "revoke previews"

LABELS = {
    SUBMIT: "Submit for review",
    SEND_BACK: "Send back to the writer",
    WITHDRAW: "Withdraw from review",
    PUBLISH: "Publish now",
    SCHEDULE: "Schedule",
    UNPUBLISH: "Unpublish",
    KILL: "Kill",
}


def local_time(at):
    """A time as the newsroom reads it: in its own zone, with the zone and its offset,
    e.g. “2 Dec 2026 14:00 EET (UTC+02:00)”."""
    if at is None:
        return "—"
    local = timezone.localtime(at)
    offset = local.strftime("%z")
    return f"{local:%-d %b %Y %H:%M} {local:%Z} (UTC{offset[:3]}:{offset[3:]})"


def time_zone_hint():
    """What a publish-time box takes, in editors' words."""
    offset = timezone.localtime().strftime("%z")
    zone = timezone.get_current_timezone_name()
    return f"Newsroom time: {zone} (UTC{offset[:3]}:{offset[3:]} now)."


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
        if status == Status.REVIEW:
            actions.insert(0, SEND_BACK)
        if status == Status.PUBLISHED:
            actions.append(UNPUBLISH)
        if article is not None:
            actions.append(KILL)
        return actions
    if article is None or (can_edit(user, article) and status == Status.DRAFT):
        return [SUBMIT] if user.has_perm("articles.add_article") else []
    if status == Status.REVIEW and can_withdraw(user, article):
        return [WITHDRAW]
    return []


def can_withdraw(user, article):
    """The writer who submitted a story may take it back from review (to fix a typo)."""
    return (
        user.is_active
        and user.has_perm("articles.change_article")
        and article.status == Status.REVIEW
        and article.created_by_id == user.pk
    )


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
def _step(article=None, user=None):
    """One transaction and one purge round for a whole editor action; moves of a live
    story's publish time or embargo made in it are audited at the end."""
    with purging.collected(), transaction.atomic():
        before = _stored_times(article)
        yield
        if before is not None:
            _audit_time_changes(user, article, before)


TIME_FIELDS = [("published_at", "Publish time"), ("embargoed_until", "Embargo")]
TIME_CHANGE = "time change"


def _stored_times(article):
    if article is None or article.pk is None:
        return None
    fields = ["status", *(name for name, _label in TIME_FIELDS)]
    return Article.objects.filter(pk=article.pk).values(*fields).first()


def _to_the_second(at):
    return at.replace(microsecond=0) if at is not None else None


def _audit_time_changes(user, article, before):
    """A live story is one that was published (public, scheduled or embargoed)."""
    if before["status"] != Status.PUBLISHED:
        return
    for name, label in TIME_FIELDS:
        old, new = before[name], getattr(article, name)
        if _to_the_second(old) == _to_the_second(new):  # the admin's boxes drop fractions
            continue
        if old is None:
            message = f"{label} added: {local_time(new)}."
        elif new is None:
            message = f"{label} removed (was {local_time(old)})."
        else:
            message = f"{label} moved from {local_time(old)} to {local_time(new)}."
        audit(user, TIME_CHANGE, message, article=article)


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
    with _step(article, user):
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
    with _step(article, user):
        _require(user, article, SUBMIT)
        _apply(changes)
        article.saved_by = user
        article.submit_for_review()
        audit(user, SUBMIT, "Submitted for review.", article=article)
        notifications.notify(Kind.SUBMITTED, article, user, notifications.editors())


def send_back(article, user, comment, *, changes=None):
    """An editor returns a story in review to its writer, saying what to change."""
    if not comment.strip():
        raise ValueError("Say what the writer should change before sending the story back.")
    with _step(article, user):
        _require(user, article, SEND_BACK)
        _apply(changes)
        article.saved_by = user
        article.return_to_draft()
        audit(user, SEND_BACK, comment.strip(), article=article)
        notifications.notify(
            Kind.SENT_BACK, article, user, notifications.writer_of(article), comment.strip()
        )


def withdraw(article, user):
    """The writer takes a submitted story back to fix it; it waits for review no more."""
    with _step(article, user):
        _require(user, article, WITHDRAW)
        article.saved_by = user
        article.return_to_draft()
        audit(user, WITHDRAW, "Withdrawn from review by the writer.", article=article)
        notifications.notify(Kind.WITHDRAWN, article, user, notifications.editors())


def review_comment(article):
    """The editor's latest sending back of a draft, while the writer has not resubmitted
    it (None otherwise): the audit entry, whose message is the comment."""
    if article is None or article.pk is None or article.status != Status.DRAFT:
        return None
    latest = (
        article.audit_entries.filter(action__in=[SUBMIT, SEND_BACK]).select_related("actor").first()
    )
    return latest if latest is not None and latest.action == SEND_BACK else None


def _notify_public(article, user):
    """Tell the writer their story is out, or when it will be."""
    state = article.state
    if state == State.PUBLISHED:
        kind, comment = Kind.PUBLISHED, ""
    else:
        kind, comment = Kind.SCHEDULED, f"Public from {local_time(article.state_time)}."
        if state == State.EMBARGOED:
            comment = f"Under embargo: public from {local_time(article.state_time)}."
    notifications.notify(kind, article, user, notifications.writer_of(article), comment)


def publish_now(article, user, *, substantive_update=False, changes=None):
    with _step(article, user):
        _require(user, article, PUBLISH)
        missing = _publishable(article, user, changes)
        if not missing:
            now = timezone.now()
            was_public = article.status == Status.PUBLISHED and article.published_at is not None
            # A pending schedule or an old draft time must not hold the article back.
            at = article.published_at if was_public and article.published_at <= now else now
            article.saved_by = user
            publishing.publish(article, at=at, substantive_update=substantive_update)
            message = f"Published at {local_time(at)}."
            if article.state == State.EMBARGOED:
                message += f" Under embargo until {local_time(article.embargoed_until)}."
            audit(user, PUBLISH, message, article=article)
            _notify_public(article, user)
    if missing:  # raised once the kept changes are committed
        raise PublishRefused(missing)


def schedule(article, user, at, *, changes=None):
    if at <= timezone.now():
        raise ValueError("A scheduled time must be in the future.")
    with _step(article, user):
        _require(user, article, SCHEDULE)
        missing = _publishable(article, user, changes)
        if not missing:
            article.saved_by = user
            article.schedule(at)
            publishing.refresh_entry(article)
            audit(user, SCHEDULE, f"Scheduled for {local_time(at)}.", article=article)
            _notify_public(article, user)
    if missing:
        raise PublishRefused(missing)


def unpublish(article, user, *, changes=None):
    with _step(article, user):
        _require(user, article, UNPUBLISH)
        _apply(changes)
        article.saved_by = user
        article.unpublish()
        audit(user, UNPUBLISH, "Taken off the site.", article=article)


def kill(article, user, note, *, changes=None):
    if not note.strip():
        raise ValueError("Write a short note for readers saying why the article was withdrawn.")
    with _step(article, user):
        _require(user, article, KILL)
        _apply(changes)
        article.saved_by = user
        article.kill(note.strip())
        audit(user, KILL, note.strip(), article=article)


def save_changes(article, user, *, substantive_update=False, changes=None):
    """An edit with no workflow step: a published article stays published (and its feed
    entry follows), anything else is saved as it is. Not audited (revisions keep it), but
    for a move of a live story's publish time or embargo."""
    with _step(article, user):
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
