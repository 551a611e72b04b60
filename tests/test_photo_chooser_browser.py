"""The photo chooser in Chromium under the production CSP: three photos with the same
caption are told apart, the chosen one's preview and credit show before saving, and the
open chooser passes axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Article
from tests.editing_browser import csp_violations, log_in
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_one_of_three_photos_with_the_same_caption(
    live_server, page, django_user_model, make_article, make_photo
):
    writer = make_staff(django_user_model, "wanda", "Writer")
    article = make_article(publish=False, created_by=writer)
    photos = [
        make_photo(caption="Rescue workers in Kharkiv", credit=credit)
        for credit in ["Jo Bloggs/Agency", "Ann Other/Reuters", "Staff photographer"]
    ]
    make_photo(caption="A bulk carrier in Odesa", credit="Port authority")
    log_in(page, live_server, "wanda")
    response = page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    lead = page.locator("#lead-0")
    assert "No photo chosen." in lead.locator(".photo-chooser__chosen").inner_text()

    lead.get_by_role("button", name="Browse photos").click()
    dialog = page.get_by_role("dialog", name="Choose a photo")
    dialog.get_by_label("Search captions, alt text and credits").fill("rescue kharkiv")
    choices = dialog.locator(".photo-choice")
    expect(choices).to_have_count(3)
    texts = choices.all_inner_texts()
    assert all("Rescue workers in Kharkiv" in text for text in texts)
    # Told apart by credit, size, upload time and number, each with its thumbnail.
    for photo in photos:
        assert sum(f"photo #{photo.pk}" in text and photo.credit in text for text in texts) == 1
    assert all("64 × 48 px" in text and "uploaded" in text for text in texts)
    assert dialog.locator(".photo-choice img").evaluate_all(
        "images => images.every(image => image.complete && image.naturalWidth > 0)"
    )
    assert Axe().run(page).response["violations"] == []

    chosen = photos[1]
    dialog.locator(f'.photo-choice[data-photo-id="{chosen.pk}"]').click()
    assert not dialog.is_visible()
    card = lead.locator(".photo-chooser__chosen .photo-card")
    assert "Credit: Ann Other/Reuters" in card.inner_text()
    assert f"photo #{chosen.pk}" in card.inner_text()
    assert card.locator("img").evaluate("image => image.complete && image.naturalWidth > 0")
    assert (
        "Rescue workers in Kharkiv"
        in page.locator("#id_lead-0-photo + .select2 .select2-selection__rendered").inner_text()
    )
    assert page.input_value("#id_lead-0-photo") == str(chosen.pk)

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=article.pk).lead.photo == chosen
    assert csp_violations(page) == []
