"""Live preview in Chromium under the production CSP: a second tab shows the form's
unsaved state with the readers' template under a "Draft preview" banner, follows the
edits, and fits a phone as well as a desktop."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from tests.editing_browser import csp_violations, log_in
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width, height", [(375, 740), (1280, 900)])
def test_preview_tab_follows_unsaved_edits(
    live_server, chromium, django_user_model, make_article, width, height
):
    make_staff(django_user_model, "edith", "Editor")
    article = make_article(headline="Floods close the ring road", photo=True)
    saved = Article.objects.values("headline", "body", "modified_at").get(pk=article.pk)
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, live_server, "edith")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline", "Floods close the ring road and two bridges")

    with context.expect_page() as opened:
        page.get_by_role("button", name="Live preview").click()
    preview = opened.value
    preview.wait_for_selector("[data-draft-preview]")
    banner = preview.locator("[data-draft-preview]")
    assert "Draft preview" in banner.inner_text() and banner.is_visible()
    assert preview.locator("h1").inner_text() == "Floods close the ring road and two bridges"
    assert preview.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"

    # Typing in the form refreshes the preview tab, with nothing saved.
    with preview.expect_navigation():
        page.locator(".ProseMirror").filter(visible=True).first.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" Two bridges are shut.")
    preview.wait_for_selector(".article__body:has-text('Two bridges are shut.')")
    assert Article.objects.values("headline", "body", "modified_at").get(pk=article.pk) == saved

    # The page fits the screen: no sideways scrolling, the banner across the top.
    assert preview.evaluate("document.documentElement.scrollWidth") <= width
    box = banner.bounding_box()
    assert box["y"] >= 0 and box["width"] <= width
    assert Axe().run(preview).response["violations"] == []
    assert csp_violations(preview) == [] and csp_violations(page) == []
    context.close()
