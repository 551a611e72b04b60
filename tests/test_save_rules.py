"""The credit, alt-text and byline rules hold at every save of anything public, whatever
path saves it (the admin, imports, commands, the shell), with a clear message."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.models import Article, Caption, Status
from ingest.feeds import import_feed
from ingest.wordpress import import_wordpress
from tests.conftest import jpeg_bytes
from tests.staff import editor_form_data

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


@pytest.fixture
def public_with_photo(make_article, make_photo):
    photo = make_photo(credit="Jo Bloggs/Agency", alt_text="Rescuers at a damaged building")
    return make_article(photo=photo), photo


# Photos ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["credit", "alt_text"])
def test_a_published_photo_cannot_lose_its_credit_or_alt_text_from_any_path(
    public_with_photo, field
):
    _, photo = public_with_photo
    setattr(photo, field, "  ")

    with pytest.raises(ValidationError, match="in published stories: it needs its"):
        photo.save()
    photo.refresh_from_db()
    assert getattr(photo, field).strip()


def test_maintenance_of_a_legacy_photo_without_alt_text_is_not_refused(public_with_photo):
    _, photo = public_with_photo
    type(photo).objects.filter(pk=photo.pk).update(alt_text="")  # from before the rule
    photo.refresh_from_db()

    photo.save(update_fields=["renditions"])  # e.g. regenerate_renditions
    with pytest.raises(ValidationError):
        photo.save()  # an edit must add the alt text


def test_a_photo_no_public_story_uses_may_be_left_without_credit(make_article, make_photo):
    photo = make_photo()
    make_article(photo=photo, publish=False)
    photo.credit = ""
    photo.save()

    photo.refresh_from_db()
    assert photo.credit == ""


def test_the_photo_form_says_why_it_refuses(admin_client, public_with_photo):
    _, photo = public_with_photo
    response = admin_client.post(
        f"/admin/photos/photo/{photo.pk}/change/",
        {"alt_text": photo.alt_text, "caption": photo.caption, "credit": "",
         "focal_x": "0.5", "focal_y": "0.5"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "This photo is in published stories: it needs its credit." in response.content.decode()
    photo.refresh_from_db()
    assert photo.credit == "Jo Bloggs/Agency"


# Articles -------------------------------------------------------------------------------


def test_a_published_article_cannot_take_an_uncredited_lead_photo_in_the_admin(
    desk_client, make_article, make_photo
):
    article = make_article(photo=make_photo())
    bare = make_photo(credit="", alt_text="")
    data = editor_form_data(article, **{"lead-0-photo": bare.pk})
    response = desk_client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 200
    assert (
        "This article is published: its lead photo needs its credit and alt text. Add them "
        "to the photo first." in response.content.decode()
    )
    assert Caption.objects.get(article=article).photo != bare


def test_a_caption_of_a_published_article_is_checked_by_its_model(make_article, make_photo):
    caption = Caption(article=make_article(), photo=make_photo(credit="", alt_text="Alt"))
    with pytest.raises(ValidationError, match="lead photo needs its credit"):
        caption.full_clean()

    draft = Caption(article=make_article(publish=False), photo=caption.photo)
    draft.full_clean()  # a draft may wait for its credit


# Imports --------------------------------------------------------------------------------


def test_a_feed_item_without_an_author_lands_as_a_draft_saying_why(tmp_path, make_section):
    section = make_section(slug="wire")
    feed = (
        (DATA / "feed.rss")
        .read_text()
        .replace("<author>desk@wire.example.com (Iryna Bondar)</author>", "")
    )
    (tmp_path / "feed.rss").write_text(feed)

    result = import_feed(str(tmp_path / "feed.rss"), section=section, fetch_images=False)

    museum = Article.objects.get(source_guid="wire:1002")
    assert museum.status == Status.DRAFT and not museum.is_public
    assert museum.published_at == datetime(2024, 11, 4, 9, 0, tzinfo=UTC)  # the wire's time
    assert result.drafted == [(2, "needs an author")]
    grid = Article.objects.get(source_guid="wire:1001")
    assert grid.status == Status.PUBLISHED  # a byline and no photo: public
    assert not Article.objects.published().exclude(pk=grid.pk).exists()


def test_a_wordpress_post_whose_photo_has_no_credit_lands_as_a_draft(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2024" / "11").mkdir(parents=True)
    (uploads / "2024" / "11" / "substation.jpg").write_bytes(jpeg_bytes((120, 80)))

    result = import_wordpress(DATA / "wordpress.xml", media_dir=uploads)

    post = Article.objects.get(slug="grid-repairs")
    assert post.status == Status.DRAFT and post.lead_photo is not None
    assert result.drafted == [(3, "needs the lead photo's credit")]  # the third item


def test_every_public_article_an_import_leaves_satisfies_the_rules(tmp_path, make_section):
    import_feed(str(DATA / "feed.rss"), section=make_section(slug="wire"), fetch_images=False)
    import_wordpress(DATA / "wordpress.xml")

    for article in Article.objects.filter(status=Status.PUBLISHED):
        assert article.missing_while_public() == []
        article.save()  # an editor's save of it is never refused


def test_an_editor_can_save_an_imported_public_article_that_has_no_photo(desk_client, make_section):
    import_feed(str(DATA / "feed.rss"), section=make_section(slug="wire"), fetch_images=False)
    museum = Article.objects.get(source_guid="wire:1002")
    assert museum.is_public and museum.lead_photo is None

    data = editor_form_data(museum, headline="Museum reopens with war photography")
    response = desk_client.post(f"/admin/articles/article/{museum.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    museum.refresh_from_db()
    assert museum.headline == "Museum reopens with war photography" and museum.is_public


# In the browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_emptying_a_published_photos_credit_is_told_why_in_the_browser(
    live_server, page, django_user_model, public_with_photo
):
    _, photo = public_with_photo
    editor = django_user_model.objects.create_user("edith", password="pw-edith-long", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "edith")
    page.fill("#id_password", "pw-edith-long")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(f"{live_server.url}/admin/photos/photo/{photo.pk}/change/")
    page.fill("#id_credit", "")
    page.click("input[name=_save]")

    error = page.locator(".errornote, .errorlist").filter(has_text="published stories")
    assert "it needs its credit" in error.first.inner_text()
    photo.refresh_from_db()
    assert photo.credit == "Jo Bloggs/Agency"
