"""Telling staff what happened to their articles: a notification in the admin and an
e-mail, sent once the step that caused it has committed (a rolled-back step sends none).

Who hears what: a submission goes to every editor, a story sent back or published goes
to the writer who started it. Nobody is told of what they did themselves."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from .models import Notification

Kind = Notification.Kind

SUBJECTS = {
    Kind.SUBMITTED: "Waiting for review: {headline}",
    Kind.SENT_BACK: "Sent back to you: {headline}",
    Kind.WITHDRAWN: "Withdrawn from review: {headline}",
    Kind.PUBLISHED: "Published: {headline}",
    Kind.SCHEDULED: "Scheduled: {headline}",
}


def editors():
    """Active staff who may publish: through a role, their own permission or as superusers."""
    permission = Permission.objects.filter(
        codename="publish_article", content_type__app_label="articles"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


def writer_of(article):
    """The writer who started the article, when there is one who is still active."""
    writer = article.created_by
    return [writer] if writer is not None and writer.is_active else []


def notify(kind, article, actor, recipients, comment=""):
    """One notification per recipient (but the actor), and one e-mail each after commit."""
    recipients = [user for user in recipients if actor is None or user.pk != actor.pk]
    if not recipients:
        return []
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            actor=actor if actor is not None and actor.is_authenticated else None,
            kind=kind,
            article=article,
            headline=article.headline[:200],
            comment=comment,
        )
        for user in recipients
    )
    messages = [_email(notification) for notification in notifications]
    messages = [message for message in messages if message is not None]
    if messages:
        # robust: a mail server that is down is logged; it never fails the editor's step.
        transaction.on_commit(lambda: _send(messages), robust=True)
    return notifications


def _send(messages):
    mail.mailers.default.send_messages(messages)


def _email(notification):
    user = notification.recipient
    if not user.email:
        return None
    who = notification.actor
    by = f" by {who.get_full_name() or who.get_username()}" if who else ""
    lines = [f"“{notification.headline}”: {notification.get_kind_display().lower()}{by}."]
    if notification.comment:
        lines += ["", "Comment:", notification.comment]
    if notification.article_id:
        lines += ["", f"Open it: {admin_link(notification.article_id)}"]
    return EmailMessage(
        subject=f"[{settings.NEWSROOM_NAME}] "
        + SUBJECTS[notification.kind].format(headline=notification.headline),
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def admin_link(article_id):
    scheme = "http" if settings.DEBUG else "https"
    path = reverse("admin:articles_article_change", args=[article_id])
    return f"{scheme}://{Site.objects.get_current().domain}{path}"


def unread_count(user):
    return Notification.objects.for_user(user).unread().count()
