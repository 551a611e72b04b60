import pytest
from django.urls import reverse

from articles.models import ArticleRevision
from tests.staff import editor_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_every_save_records_a_revision_with_who_and_what(desk_client, desk_editor, make_article):
    article = make_article(publish=False, headline="First")
    before = article.revisions.count()
    response = desk_client.post(change_url(article), editor_form_data(article, headline="Second"))
    assert response.status_code == 302
    assert article.revisions.count() == before + 1
    latest = article.revisions.first()
    assert latest.saved_by == desk_editor and latest.content["headline"] == "Second"


def test_history_lists_revisions_and_shows_a_readable_diff(desk_client, make_article):
    article = make_article(publish=False, body="<p>The minister resigned on Monday.</p>")
    old = article.revisions.first()
    article.body = "<p>The minister resigned on Tuesday.</p>"
    article.save()
    new = article.revisions.first()
    page = desk_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert page.status_code == 200 and f'value="{old.pk}"' in page.content.decode()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    html = desk_client.get(url, {"revision": [new.pk, old.pk]}).content.decode()
    assert "<del>Monday.</del><ins>Tuesday.</ins>" in html


def test_diff_escapes_the_text_it_shows(desk_client, make_article):
    article = make_article(publish=False, headline="Plain")
    old = article.revisions.first()
    article.headline = "<script>alert(1)</script>"
    article.save()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    html = desk_client.get(url, {"revision": [old.pk, article.revisions.first().pk]}).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;" in html


def test_restoring_a_revision_brings_back_its_text_as_a_new_revision(
    desk_client, desk_editor, make_article
):
    article = make_article(publish=False, headline="Original headline")
    original = article.revisions.first()
    article.headline = "Bad edit"
    article.save()
    count = article.revisions.count()
    url = reverse("admin:articles_article_restore", args=[article.pk, original.pk])
    assert desk_client.get(url).status_code == 403  # restoring needs a POST
    assert desk_client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.revisions.first().saved_by == desk_editor
    assert ArticleRevision.objects.filter(article=article).count() == count + 1


def test_saving_a_form_opened_before_someone_elses_save_is_refused_naming_them(
    client, desk_editor, django_user_model, make_article
):
    from tests.staff import make_staff

    article = make_article(publish=False, headline="Shared story", photo=True)
    stale = editor_form_data(article, headline="My late edit")  # form opened now
    colleague = make_staff(django_user_model, "carla", "Editor")
    client.force_login(colleague)
    fresh = editor_form_data(article, headline="Carla's edit")
    assert client.post(change_url(article), fresh).status_code == 302

    client.force_login(desk_editor)
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Carla saved this article" in errors
    article.refresh_from_db()
    assert article.headline == "Carla's edit"
