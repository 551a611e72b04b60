"""The live preview renders the posted form with the public template, saving nothing."""

import pytest
from django.urls import reverse

from articles.models import Article, Status
from tests.staff import article_form_data

pytestmark = pytest.mark.django_db


def preview_url(article=None):
    args = [article.pk] if article else []
    return reverse("admin:articles_article_live_preview", args=args)


def test_preview_shows_the_unsaved_form_and_saves_nothing(
    desk_client, make_article, make_author, make_photo
):
    article = make_article(headline="Saved headline")
    author = make_author(name="Olena Kovalenko")
    photo = make_photo(caption="Port of Odesa", credit="Jo Bloggs/Agency")
    data = article_form_data(
        article,
        headline="Unsaved headline",
        body="<p>Unsaved <strong>body</strong>.</p><script>alert(1)</script>",
        **{
            "credits-TOTAL_FORMS": "1",
            "credits-INITIAL_FORMS": "0",
            "credits-0-author": str(author.pk),
            "credits-0-id": "",
            "lead-TOTAL_FORMS": "1",
            "lead-0-photo": str(photo.pk),
            "lead-0-text": "Ships at dawn",
        },
    )
    before = Article.objects.values().get(pk=article.pk)

    response = desk_client.post(preview_url(article), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Draft preview" in page
    assert "<h1>Unsaved headline</h1>" in page
    assert "<p>Unsaved <strong>body</strong>.</p>" in page and "alert(1)" not in page
    assert "Olena Kovalenko" in page
    assert "Ships at dawn" in page and "Jo Bloggs/Agency" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert Article.objects.values().get(pk=article.pk) == before


def test_preview_of_a_new_article(writer_client, make_section):
    section = make_section(name="Economy")
    data = article_form_data(None, headline="Grain prices fall", section=str(section.pk))

    response = writer_client.post(preview_url(), data)

    assert response.status_code == 200
    assert "<h1>Grain prices fall</h1>" in response.content.decode()
    assert not Article.objects.exists()


def test_preview_is_refused_to_who_may_not_edit(client, other_writer, writer, make_article):
    article = make_article(created_by=writer, publish=False, status=Status.DRAFT)
    client.force_login(other_writer)

    assert client.post(preview_url(article), article_form_data(article)).status_code == 403


def test_preview_is_refused_to_readers(client, make_article):
    article = make_article()

    response = client.post(preview_url(article), article_form_data(article))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_preview_takes_only_post(desk_client, make_article):
    assert desk_client.get(preview_url(make_article())).status_code == 405


def test_preview_escapes_what_the_form_says(desk_client, make_article):
    article = make_article()
    data = article_form_data(article, headline="<b>Bold</b> claim", standfirst="<i>x</i>")

    page = desk_client.post(preview_url(article), data).content.decode()

    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; claim</h1>" in page and "<i>x</i>" not in page
