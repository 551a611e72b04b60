"""No lost work, in Chromium under the production CSP: the form autosaves a draft while
the editor types, warns before leaving with unsaved changes (not after saving), and
offers the draft back when the form is opened again."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles import revisions
from articles.models import Article
from tests.editing_browser import csp_violations, log_in
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_autosaves_a_draft_that_comes_back_and_leaving_warns(
    live_server, page, django_user_model, make_article
):
    make_staff(django_user_model, "edith", "Editor")
    article = make_article(
        headline="Floods close the ring road", body="<p>The river rose.</p>", photo=True
    )
    live = Article.objects.values("headline", "body", "modified_at").get(pk=article.pk)
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", on_dialog)
    log_in(page, live_server, "edith")
    response = page.goto(change_url)
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]

    page.fill("#id_headline", "Floods close the ring road and two bridges")
    page.locator(".ProseMirror").filter(visible=True).first.click()
    page.keyboard.press("End")
    page.keyboard.type(" Two bridges are shut.")
    page.wait_for_selector("#desk-autosave-status:has-text('Draft autosaved at')")

    # The live story did not change; the draft revision holds the typing.
    assert Article.objects.values("headline", "body", "modified_at").get(pk=article.pk) == live
    draft = revisions.drafts(article).get()
    assert draft.content["headline"] == "Floods close the ring road and two bridges"
    assert draft.content["body"] == "<p>The river rose. Two bridges are shut.</p>"

    # Leaving asks first; staying keeps the page and the typing.
    with page.expect_event("dialog"):
        page.locator(".breadcrumbs a").first.click()
    assert dialogs == ["beforeunload"]
    assert page.url == change_url
    assert page.input_value("#id_headline") == "Floods close the ring road and two bridges"

    # Leaving anyway, then coming back: the draft is offered and restored into the form.
    page.goto(live_server.url + "/admin/")
    assert dialogs == ["beforeunload", "beforeunload"]
    page.goto(change_url)
    offer = page.locator(".desk-draft")
    assert "You have an unsaved draft" in offer.inner_text()
    assert page.input_value("#id_headline") == "Floods close the ring road"
    assert Axe().run(page).response["violations"] == []
    offer.get_by_role("link", name="Restore my draft").click()
    page.wait_for_selector(".desk-draft--restored")
    assert page.input_value("#id_headline") == "Floods close the ring road and two bridges"
    assert (
        "Two bridges are shut." in page.locator(".ProseMirror[contenteditable=true]").inner_text()
    )
    assert page.input_value("#id_body") == "<p>The river rose. Two bridges are shut.</p>"

    # Saving is leaving on purpose: no question, the article takes the text, the draft goes.
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert dialogs == ["beforeunload", "beforeunload"]
    article.refresh_from_db()
    assert article.headline == "Floods close the ring road and two bridges"
    assert article.body == "<p>The river rose. Two bridges are shut.</p>"
    assert not revisions.drafts(article).exists()
    assert csp_violations(page) == []


def test_an_untouched_form_leaves_without_a_question(
    live_server, page, django_user_model, make_article
):
    make_staff(django_user_model, "edith", "Editor")
    article = make_article()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, live_server, "edith")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_headline").click()  # activation, so the browser would ask if asked

    page.locator(".breadcrumbs a").first.click()
    page.wait_for_url(live_server.url + "/admin/")

    assert dialogs == []


def test_a_new_article_is_kept_in_the_browser_until_its_first_save(
    live_server, page, django_user_model, make_section
):
    make_section(name="Ukraine", slug="ukraine")
    make_staff(django_user_model, "wanda", "Writer")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "wanda")
    add_url = live_server.url + "/admin/articles/article/add/"
    page.goto(add_url)
    page.locator("#id_section + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Ukraine")
    page.locator(".select2-results__option", has_text="Ukraine").first.click()
    page.fill("#id_headline", "Rescuers search the rubble")
    page.locator(".ProseMirror").filter(visible=True).first.click()
    page.keyboard.type("Teams worked through the night.")
    page.wait_for_selector("#desk-autosave-status:has-text('Kept in this browser')")

    # The page is closed by mistake (the browser asks; the writer leaves), then reopened.
    page.goto(live_server.url + "/admin/")
    page.goto(add_url)
    offer = page.locator("#desk-local-draft")
    offer.wait_for()
    assert "You have an unsaved new article" in offer.inner_text()
    assert page.input_value("#id_headline") == ""
    assert Axe().run(page).response["violations"] == []
    offer.get_by_role("button", name="Restore it").click()
    assert page.input_value("#id_headline") == "Rescuers search the rubble"
    assert page.input_value("#id_body") == "<p>Teams worked through the night.</p>"
    assert page.input_value("#id_section") != ""

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(headline="Rescuers search the rubble")
    assert article.body == "<p>Teams worked through the night.</p>"
    assert article.section.name == "Ukraine"
    page.goto(add_url)
    assert page.locator("#desk-local-draft").is_hidden()
    assert csp_violations(page) == []


def test_autosave_runs_every_half_minute_while_typing_goes_on(
    live_server, page, django_user_model, make_article
):
    writer = make_staff(django_user_model, "wanda", "Writer")
    article = make_article(publish=False, created_by=writer, headline="Start")
    page.on("dialog", lambda dialog: dialog.accept())
    page.clock.install()
    log_in(page, live_server, "wanda")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_headline").click()
    page.keyboard.press("End")

    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.keyboard.type("A")
        page.clock.run_for(2500)  # two seconds after the last keystroke
    assert revisions.drafts(article).get().content["headline"] == "StartA"

    # Typing that never pauses for two seconds is still kept every thirty.
    with page.expect_response(lambda response: "/autosave/" in response.url):
        for _ in range(35):
            page.keyboard.type("b")
            page.clock.run_for(1000)
    kept = revisions.drafts(article).get().content["headline"]
    assert kept.startswith("StartAbbbbbbbbbbbbbbbbbbbbbbbbbbbb") and len(kept) < len("StartA") + 35
