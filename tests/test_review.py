"""Review: an editor sends a story back with a comment, the writer sees it and can take a
submission back; the writer never meets the body's HTML."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import AuditEntry, Status
from desk import workflow
from desk.models import Notification
from tests.staff import article_form_data, editor_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def withdraw_url(article):
    return reverse("admin:articles_article_withdraw", args=[article.pk])


def test_editor_sends_a_story_back_with_a_comment_the_writer_reads_on_the_form(
    desk_client, client, writer, desk_editor, make_article, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    data = editor_form_data(
        article, _workflow="send back", _review_comment="Check the minister's name."
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    entry = AuditEntry.objects.get(action=workflow.SEND_BACK)
    assert entry.actor == desk_editor and entry.message == "Check the minister's name."

    notification = Notification.objects.get(recipient=writer)
    assert notification.kind == Notification.Kind.SENT_BACK
    assert notification.comment == "Check the minister's name."
    assert [message.to for message in mail.outbox] == [[writer.email]]
    assert "Check the minister's name." in mail.outbox[0].body

    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    assert 'id="desk-review-comment"' in html
    assert "Check the minister&#x27;s name." in html
    assert 'name="_workflow" value="submit"' in html


def test_the_comment_goes_once_the_writer_submits_again(writer, desk_editor, make_article):
    article = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    workflow.send_back(article, desk_editor, "Shorter, please.")
    assert workflow.review_comment(article).message == "Shorter, please."
    workflow.submit_for_review(article, writer)
    workflow.withdraw(article, writer)
    assert workflow.review_comment(article) is None


def test_sending_back_needs_a_comment(desk_editor, make_article):
    article = make_article(publish=False, status=Status.REVIEW)
    with pytest.raises(ValueError):
        workflow.send_back(article, desk_editor, "  ")
    article.refresh_from_db()
    assert article.status == Status.REVIEW and not Notification.objects.exists()


def test_a_writer_cannot_send_back_and_only_stories_in_review_go_back(
    writer, desk_editor, make_article
):
    article = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    with pytest.raises(PermissionDenied):
        workflow.send_back(article, writer, "Mine is fine.")
    draft = make_article(publish=False)
    with pytest.raises(PermissionDenied):
        workflow.send_back(draft, desk_editor, "Nothing to send back.")


def test_the_writer_withdraws_a_submission_to_fix_a_typo(writer_client, writer, make_article):
    article = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    html = writer_client.get(change_url(article)).content.decode()
    assert 'id="desk-withdraw"' in html and 'id="withdraw-form"' in html
    assert writer_client.get(withdraw_url(article)).status_code == 403  # a POST only
    response = writer_client.post(withdraw_url(article))
    assert response.status_code == 302 and response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert AuditEntry.objects.get(action=workflow.WITHDRAW).actor == writer
    # ... and may edit it again.
    data = article_form_data(article, headline="Fixed the typo")
    assert writer_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Fixed the typo"


def test_nobody_but_its_writer_withdraws_a_submission(
    client, other_writer, desk_editor, writer, make_article
):
    article = make_article(publish=False, status=Status.REVIEW, created_by=writer)
    client.force_login(other_writer)
    assert client.post(withdraw_url(article)).status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.withdraw(article, desk_editor)
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_the_writer_never_sees_the_body_as_html(writer_client, writer, desk_editor, make_article):
    article = make_article(
        publish=False, created_by=writer, body="<p>Rescuers <strong>saved three</strong>.</p>"
    )
    workflow.submit_for_review(article, writer)
    article.body = "<p>Rescuers <strong>saved four</strong>.</p>"
    workflow.save_changes(article, desk_editor)
    screens = [
        change_url(article),
        reverse("admin:articles_article_revisions", args=[article.pk]),
    ]
    revisions = list(article.revisions.order_by("id").values_list("pk", flat=True))
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    for url in screens:
        html = writer_client.get(url).content.decode()
        assert "&lt;strong&gt;" not in html and "&lt;p&gt;" not in html, url
    html = writer_client.get(compare, {"revision": revisions[-2:]}).content.decode()
    assert "&lt;" not in html.split('id="content-main"')[1]
    assert "<del>three</del><ins>four</ins>" in html
    review_screen = writer_client.get(change_url(article)).content.decode()
    assert '<div class="desk-body-read"><p>Rescuers <strong>saved four</strong>.</p></div>' in (
        review_screen
    )
