"""An edit conflict in Chromium under the production CSP: the second editor to save sees
what the first changed beside her own text, takes their headline with one click, and
saves without copying anything by hand."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from tests.editing_browser import csp_violations, log_in
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_conflict_shows_their_change_beside_your_text(
    live_server, chromium, django_user_model, make_article
):
    make_staff(django_user_model, "edith", "Editor")
    make_staff(django_user_model, "ernest", "Editor")
    article = make_article(
        headline="Floods close the ring road",
        standfirst="The river rose overnight.",
        photo=True,
    )
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    edith = chromium.new_context().new_page()
    ernest = chromium.new_context().new_page()
    log_in(edith, live_server, "edith")
    log_in(ernest, live_server, "ernest")
    edith.goto(change_url)
    ernest.goto(change_url)

    # Ernest saves a new headline first.
    ernest.fill("#id_headline", "Floods close the ring road and two bridges")
    ernest.locator(".ProseMirror").filter(visible=True).first.click()
    ernest.keyboard.press("Control+End")
    ernest.keyboard.type(" Two bridges are shut.")
    ernest.click("input[name=_continue]")
    ernest.wait_for_selector(".messagelist .success")

    # Edith, on the version she opened, rewrites the standfirst and saves.
    edith.fill("#id_standfirst", "The river rose two metres overnight.")
    edith.click("input[name=_continue]")
    conflict = edith.locator(".desk-conflict")
    conflict.wait_for()
    assert "Ernest saved this article" in conflict.locator("h2").inner_text()
    headline_row = conflict.locator("tr", has=edith.locator("th", has_text="Headline"))
    assert headline_row.locator(".desk-conflict__theirs ins").inner_text() == " and two bridges"
    standfirst_row = conflict.locator("tr", has=edith.locator("th", has_text="Standfirst"))
    assert "two metres" in standfirst_row.locator(".desk-conflict__yours ins").inner_text()
    # Her text is still in the form, and nothing of it was saved.
    assert edith.input_value("#id_standfirst") == "The river rose two metres overnight."
    assert edith.input_value("#id_headline") == "Floods close the ring road"
    assert Article.objects.get(pk=article.pk).standfirst == "The river rose overnight."
    assert Axe().run(edith).response["violations"] == []

    # One click takes Ernest's headline into her form; saving keeps both changes.
    headline_row.get_by_role("button", name="Use their headline").click()
    assert edith.input_value("#id_headline") == "Floods close the ring road and two bridges"
    body_row = conflict.locator("tr", has=edith.locator("th", has_text="Body"))
    assert "Two bridges are shut." in body_row.locator(".desk-conflict__theirs ins").inner_text()
    body_row.get_by_role("button", name="Use their body").click()
    assert "Two bridges are shut." in edith.input_value("#id_body")
    edith.click("input[name=_continue]")
    edith.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.headline == "Floods close the ring road and two bridges"
    assert article.standfirst == "The river rose two metres overnight."
    assert article.body.endswith(" Two bridges are shut.</p>")
    assert csp_violations(edith) == [] and csp_violations(ernest) == []
    edith.context.close()
    ernest.context.close()
