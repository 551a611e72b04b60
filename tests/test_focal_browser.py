"""Setting a photo's focal point by clicking its subject, in Chromium under the production
CSP: in the photo form and in the body editor's photo chooser; every crop then shows it."""

import re

import pytest
from playwright.sync_api import expect

from photos import crops
from photos.models import Photo
from tests.staff import make_staff
from tests.test_focal_points import marked_photo, shows_mark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
SIZE, MARK = (1600, 900), (1540, 60)  # the subject, in the top right corner


@pytest.fixture
def editor_page(page, live_server, django_user_model, settings):
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    user = make_staff(django_user_model, "edith", "Editor")
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    yield page
    assert page.evaluate("window.cspViolations") == []


def click_at(locator, fraction):
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    locator.page.mouse.click(
        box["x"] + box["width"] * fraction[0], box["y"] + box["height"] * fraction[1]
    )


def test_clicking_the_subject_in_the_photo_form_keeps_it_in_every_crop(
    editor_page, live_server, media_root
):
    page = editor_page
    photo = marked_photo(SIZE, MARK, caption="Corner subject")
    assert not shows_mark(media_root / crops.name_of(photo, "1x1"))
    page.goto(f"{live_server.url}/admin/photos/photo/{photo.pk}/change/")
    image = page.locator(".focal-point__image")
    expect(image).to_be_visible()
    click_at(image, (MARK[0] / SIZE[0], MARK[1] / SIZE[1]))
    expect(page.locator(".focal-point__readout")).to_have_text(
        re.compile("Focal point: 9[67]% across, [67]% down.")
    )
    marker = page.locator(".focal-point__marker").bounding_box()
    box = image.bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.9625)) < 3
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    photo = Photo.objects.get(pk=photo.pk)
    assert abs(photo.focal_x - 0.9625) < 0.01 and abs(photo.focal_y - 0.0667) < 0.01
    for name in crops.CROPS:
        assert shows_mark(media_root / crops.name_of(photo, name)), name


def test_clicking_the_subject_in_the_editors_chooser_sets_the_focal_point(
    editor_page, live_server, media_root
):
    page = editor_page
    photo = marked_photo(SIZE, MARK, caption="Chooser subject")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator(".ProseMirror").filter(visible=True).first.click()
    page.get_by_title("Insert photo").click()
    dialog = page.locator("dialog.newsroom-dialog[open]")
    dialog.get_by_role("button", name="Choose photo: Chooser subject").click()
    focus = dialog.get_by_role("button", name=f"Set the focal point of photo {photo.pk}")
    click_at(focus.locator("img"), (MARK[0] / SIZE[0], MARK[1] / SIZE[1]))
    expect(dialog.locator(".newsroom-chooser__status")).to_contain_text(
        re.compile("Focal point of “Chooser subject” set: 9[67]% across, [67]% down.")
    )
    photo = Photo.objects.get(pk=photo.pk)
    assert abs(photo.focal_x - 0.9625) < 0.02 and abs(photo.focal_y - 0.0667) < 0.02
    for name in crops.CROPS:
        assert shows_mark(media_root / crops.name_of(photo, name)), name
