"""The desk's real path in a browser: a writer files, an editor publishes, a reader reads."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Status
from tests.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(
        username, password=f"pw-{username}-long", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-long")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def choose(page, select_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{select_id} ~ .select2 .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_writer_files_editor_publishes_reader_reads(
    live_server, chromium, django_user_model, make_section, make_author
):
    make_section(name="Ukraine", slug="ukraine")
    make_author(name="Olena Kovalenko", slug="olena-kovalenko")
    writer = staff(django_user_model, "wanda", "Writer")
    staff(django_user_model, "edith", "Editor")

    # The writer uploads a photo with its caption and credit.
    writer_context = chromium.new_context()
    page = writer_context.new_page()
    log_in(page, live_server, "wanda")
    page.goto(live_server.url + "/admin/photos/photo/add/")
    page.set_input_files(
        "#id_image",
        {"name": "IMG_0001.JPG", "mimeType": "image/jpeg", "buffer": jpeg_bytes((1200, 800))},
    )
    page.fill("#id_alt_text", "Rescuers carry a stretcher past a damaged building")
    page.fill("#id_caption", "Rescue workers in Kharkiv")
    page.fill("#id_credit", "Jo Bloggs/Agency")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/photos/photo/")

    # ... writes the article in the rich-text editor and submits it for review.
    page.goto(live_server.url + "/admin/articles/article/add/")
    choose(page, "id_section", "Ukraine")
    page.fill("#id_headline", "Rescuers search the rubble in Kharkiv")
    page.fill("#id_standfirst", "Teams worked through the night after the strike.")
    editor = page.locator(".ProseMirror").filter(visible=True).first
    editor.click()
    page.keyboard.type("Rescue teams worked through the night. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Three people were saved.")
    choose(page, "id_credits-0-author", "Olena")
    choose(page, "id_lead-0-photo", "Rescue workers")
    page.fill("#id_lead-0-text", "Rescuers at the site on Tuesday")
    page.click("button[name=_workflow][value=submit]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(headline="Rescuers search the rubble in Kharkiv")
    assert article.status == Status.REVIEW and article.created_by == writer
    assert "Three people were saved.</strong>" in article.body and "<strong>" in article.body

    # The writer finds no publish control, and a forged publish POST is refused.
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    assert page.locator("button[name=_workflow][value=publish]").count() == 0
    csrf = next(c["value"] for c in writer_context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        change_url,
        form={
            "csrfmiddlewaretoken": csrf,
            "_workflow": "publish",
            "status": "published",
            "headline": article.headline,
        },  # fmt: skip
        headers={"Referer": change_url},
    )
    assert forged.status == 403
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    writer_context.close()

    # An editor publishes it.
    editor_context = chromium.new_context()
    page = editor_context.new_page()
    log_in(page, live_server, "edith")
    page.goto(change_url)
    page.click("button[name=_workflow][value=publish]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    editor_context.close()

    # A reader sees it on the front page and on its own page, photo and credit included.
    reader_context = chromium.new_context()
    page = reader_context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Rescuers search the rubble in Kharkiv").first.click()
    page.wait_for_url("**" + article.get_absolute_url())
    assert page.locator("h1").inner_text() == "Rescuers search the rubble in Kharkiv"
    figure = page.locator("figure.lead-photo")
    assert "Rescuers at the site on Tuesday" in figure.inner_text()
    assert "Jo Bloggs/Agency" in figure.inner_text()
    image = figure.locator("img")
    assert image.get_attribute("srcset") and image.get_attribute("sizes")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    reader_context.close()
