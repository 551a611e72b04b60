"""Review in Chromium under the production CSP: the writer submits, the editor is told and
sends the story back with a comment, the writer reads it, resubmits and withdraws."""

import pytest
from django.core import mail

from articles.models import Status
from desk.models import Notification
from tests.test_desk_ui_browser import logged_in, staff, strict_csp, violations  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sends_a_story_back_and_the_writer_fixes_and_withdraws_it(
    live_server,
    chromium,
    django_user_model,
    make_article,
    strict_csp,  # noqa: F811
):
    writer = staff(django_user_model, "wanda", "Writer")
    staff(django_user_model, "edith", "Editor")
    article = make_article(
        publish=False,
        photo=True,
        created_by=writer,
        headline="Minister resigns over grain deal",
        body="<p>The minister <strong>resigned</strong> on Tuesday.</p>",
    )
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    writer_context, page = logged_in(chromium, live_server, "wanda")
    page.goto(change_url)
    page.click("button[name=_workflow][value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert [message.to for message in mail.outbox] == [["edith@example.com"]]

    # The editor sees the badge and the story waiting on the dashboard.
    editor_context, desk = logged_in(chromium, live_server, "edith")
    assert desk.locator("#desk-notifications .desk-badge").inner_text().startswith("1")
    assert "Minister resigns over grain deal" in desk.locator("#desk-panel-review").inner_text()
    desk.click("#desk-notifications")
    desk.wait_for_url("**/admin/desk/notification/")
    assert "Submitted for review (new)" in desk.locator("#result_list").inner_text()
    desk.locator("#result_list a", has_text="Minister resigns over grain deal").click()
    desk.wait_for_url(change_url)
    desk.fill("#id__review_comment", "Say who succeeds him, and check the date.")
    desk.click("button[name=_workflow][value='send back']")
    desk.wait_for_selector(".messagelist .success")
    assert violations(desk) == []
    editor_context.close()

    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert mail.outbox[-1].to == ["wanda@example.com"]
    assert "Say who succeeds him, and check the date." in mail.outbox[-1].body

    # The writer is told, reads the comment on the form, fixes and resubmits.
    page.goto(live_server.url + "/admin/")
    assert page.locator("#desk-notifications .desk-badge").inner_text().startswith("1")
    page.goto(change_url)
    comment = page.locator("#desk-review-comment")
    assert "Say who succeeds him, and check the date." in comment.inner_text()
    assert "Sent back by Edith" in comment.inner_text()
    page.fill("#id_headline", "Minister resigns over grain deal; deputy steps in")
    page.click("button[name=_workflow][value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#desk-review-comment").count() == 0

    # In review the form is read-only: the body reads as text, never as HTML.
    body = page.locator(".desk-body-read")
    assert body.inner_text() == "The minister resigned on Tuesday."
    assert body.locator("strong").inner_text() == "resigned"
    assert "<strong>" not in page.locator("#content-main").inner_text()

    # A typo spotted: the writer takes it back from review.
    page.click("#desk-withdraw")
    page.wait_for_selector(".messagelist .success")
    assert "Withdrawn from review" in page.locator(".messagelist .success").inner_text()
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.headline == "Minister resigns over grain deal; deputy steps in"
    assert page.locator("button[name=_workflow][value=submit]").is_visible()
    assert violations(page) == []
    writer_context.close()
    assert Notification.objects.filter(recipient=writer, kind="sent back").count() == 1
