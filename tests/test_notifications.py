"""Notifications for submitted, sent back and published stories: in the admin and by e-mail,
the mail sent only once the step has committed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from desk import workflow
from desk.models import Notification
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    return make_staff(django_user_model, "elena", "Editor")


def test_a_submission_tells_every_editor_but_not_the_writer(
    writer, desk_editor, second_editor, editor, make_article, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, created_by=writer, headline="Floods in the south")
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.submit_for_review(article, writer)
    assert mail.outbox == []  # nothing is sent before the step commits
    for callback in callbacks:
        callback()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {desk_editor.username, second_editor.username, editor.username}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [desk_editor.email, second_editor.email, editor.email]
    )
    message = mail.outbox[0]
    assert message.subject.endswith("Waiting for review: Floods in the south")
    assert f"/admin/articles/article/{article.pk}/change/" in message.body
    assert "Wanda" in message.body


def test_a_step_that_is_rolled_back_sends_nothing(
    writer, desk_editor, make_article, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, created_by=writer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.submit_for_review(article, writer)
        raise RuntimeError("the request failed after the step")
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()


def test_publishing_tells_the_writer(
    writer, desk_editor, make_article, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, created_by=writer, photo=True, status=Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish_now(article, desk_editor)
    notification = Notification.objects.get(recipient=writer)
    assert notification.kind == Notification.Kind.PUBLISHED and notification.actor == desk_editor
    assert [message.to for message in mail.outbox] == [[writer.email]]
    assert mail.outbox[0].subject.endswith(f"Published: {article.headline}")


def test_an_embargoed_publication_tells_the_writer_when_it_goes_public(
    writer, desk_editor, make_article, django_capture_on_commit_callbacks
):
    until = timezone.now() + timedelta(hours=3)
    article = make_article(publish=False, created_by=writer, photo=True, embargoed_until=until)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish_now(article, desk_editor)
    notification = Notification.objects.get(recipient=writer)
    assert notification.kind == Notification.Kind.SCHEDULED
    assert notification.comment == f"Under embargo: public from {workflow.local_time(until)}."
    assert "Published" not in mail.outbox[0].subject


def test_nobody_is_told_of_what_they_did_themselves(editor, make_article):
    article = make_article(publish=False, created_by=editor, photo=True)
    workflow.submit_for_review(article, editor)
    workflow.publish_now(article, editor)
    assert not Notification.objects.filter(recipient=editor).exists()


def test_the_badge_counts_unread_notifications_and_the_list_marks_them_read(
    client, writer, desk_editor, other_writer, make_article
):
    mine = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    theirs = make_article(publish=False, status=Status.REVIEW, created_by=other_writer)
    workflow.send_back(mine, desk_editor, "Add a second source.")
    workflow.send_back(theirs, desk_editor, "Not yours to read.")
    client.force_login(writer)
    home = client.get(reverse("admin:index")).content.decode()
    assert '<span class="desk-badge">1<span class="visually-hidden"> unread</span>' in home

    listing = client.get(reverse("admin:desk_notification_changelist")).content.decode()
    assert "Add a second source." in listing and "(new)" in listing
    assert "Not yours to read." not in listing
    assert not Notification.objects.filter(recipient=writer, read_at__isnull=True).exists()
    assert 'class="desk-badge"' not in client.get(reverse("admin:index")).content.decode()
    # Other people's notifications stay unread and out of reach.
    theirs_note = Notification.objects.get(recipient=other_writer)
    assert theirs_note.read_at is None
    url = reverse("admin:desk_notification_change", args=[theirs_note.pk])
    assert client.get(url).status_code in (302, 403, 404)


def _mail_settings(**environ):
    import json
    import os
    import subprocess
    import sys

    code = "import json, newsroom.settings as s; print(json.dumps(s.MAILERS['default']))"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_EMAIL_")}
    env = {**inherited, **environ}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_mail_goes_to_the_console_on_a_developers_machine_and_by_smtp_in_production():
    console = "django.core.mail.backends.console.EmailBackend"
    assert _mail_settings(DJANGO_DEBUG="1") == {"BACKEND": console, "OPTIONS": {}}
    production = _mail_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="news.example",
        DJANGO_EMAIL_HOST="smtp.example",
    )
    assert production["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert production["OPTIONS"]["host"] == "smtp.example"
    chosen = _mail_settings(
        DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND=console.replace("console", "dummy")
    )
    assert chosen["BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
