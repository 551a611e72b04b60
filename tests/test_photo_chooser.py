"""The photo chooser's list: searchable, and telling same-captioned photos apart."""

import pytest
from django.urls import reverse

from desk.widgets import PhotoChooser

pytestmark = pytest.mark.django_db

URL = reverse("admin:photos_photo_chooser")


def test_chooser_lists_photos_with_what_tells_them_apart(writer_client, make_photo):
    photos = [
        make_photo(caption="Rescue workers in Kharkiv", credit=credit)
        for credit in ["Jo Bloggs/Agency", "Ann Other/Reuters", "Staff photographer"]
    ]
    make_photo(caption="A bulk carrier in Odesa")

    response = writer_client.get(URL, {"q": "rescue kharkiv"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["id"] for item in results] == [photo.pk for photo in reversed(photos)]
    cards = {(item["credit"], item["size"], item["id"], item["uploaded"]) for item in results}
    assert len(cards) == 3
    for item in results:
        assert item["thumbnail"] and item["size"] == "64 × 48 px"
        assert f"photo #{item['id']}" in item["card"] and item["credit"] in item["card"]


def test_chooser_describes_one_photo_by_id(writer_client, make_photo):
    photo = make_photo(caption="Port", credit="Jo Bloggs/Agency")

    results = writer_client.get(URL, {"id": photo.pk}).json()["results"]

    assert [item["credit"] for item in results] == ["Jo Bloggs/Agency"]


def test_chooser_pages(writer_client, make_photo):
    for number in range(26):
        make_photo(caption=f"Photo {number}")

    first = writer_client.get(URL).json()
    second = writer_client.get(URL, {"page": 2}).json()

    assert len(first["results"]) == 24 and first["more"]
    assert len(second["results"]) == 2 and not second["more"]


def test_chooser_needs_a_staff_login(client):
    assert client.get(URL).status_code == 302


def test_lead_photo_field_uses_the_chooser_with_the_chosen_photo_shown(
    writer_client, writer, make_article, make_photo
):
    photo = make_photo(caption="Rescue workers", credit="Jo Bloggs/Agency")
    article = make_article(created_by=writer, publish=False, photo=photo)

    response = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    inline = response.context["inline_admin_formsets"][1]
    widget = inline.formset.form.base_fields["photo"].widget.widget
    assert isinstance(widget, PhotoChooser)
    page = response.content.decode()
    assert 'data-photo-chooser="id_lead-0-photo"' in page
    assert "Credit: Jo Bloggs/Agency" in page and f"photo #{photo.pk}" in page


def test_an_author_photo_is_chosen_with_the_same_chooser(desk_client, make_author, make_photo):
    photo = make_photo(caption="Portrait", credit="Staff photographer")
    author = make_author(photo=photo)

    response = desk_client.get(reverse("admin:articles_author_change", args=[author.pk]))

    assert isinstance(
        response.context["adminform"].form.fields["photo"].widget.widget, PhotoChooser
    )
    assert "Credit: Staff photographer" in response.content.decode()


def test_chooser_list_costs_the_same_whatever_the_number_of_photos(writer_client, make_photo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert writer_client.get(URL).status_code == 200
        return len(captured)

    make_photo()
    few = queries()
    for _ in range(10):
        make_photo()

    assert queries() == few
