"""Autosaved drafts: kept as a draft revision, never in the article; offered back."""

import pytest
from django.urls import reverse

from articles import revisions
from articles.models import Article, ArticleRevision, Status
from tests.staff import article_form_data

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_autosave_keeps_a_draft_revision_and_leaves_the_live_story_alone(
    desk_client, desk_editor, make_article
):
    article = make_article()
    assert article.status == Status.PUBLISHED
    before = Article.objects.values().get(pk=article.pk)
    saved_revisions = revisions.saved(article).count()

    data = article_form_data(article, headline="A sharper headline", body="<p>New text.</p>")
    response = desk_client.post(autosave_url(article), data)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Draft autosaved at" in response.json()["message"]
    assert Article.objects.values().get(pk=article.pk) == before
    assert revisions.saved(article).count() == saved_revisions
    draft = revisions.drafts(article).get()
    assert draft.saved_by == desk_editor
    assert draft.content["headline"] == "A sharper headline"
    assert draft.content["body"] == "<p>New text.</p>"
    assert draft.content["loaded_version"] == article.modified_at.isoformat()


def test_later_autosaves_update_the_same_draft(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    for headline in ["First try", "Second try"]:
        writer_client.post(autosave_url(article), article_form_data(article, headline=headline))

    assert revisions.drafts(article).count() == 1
    assert revisions.drafts(article).get().content["headline"] == "Second try"


def test_autosaved_body_is_sanitised(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    body = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    writer_client.post(autosave_url(article), article_form_data(article, body=body))

    assert revisions.drafts(article).get().content["body"] == "<p>Hi</p>"


def test_drafts_are_not_listed_or_counted_as_saves(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Unsaved"))

    page = writer_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))

    assert "Unsaved" not in page.content.decode()
    assert list(page.context["revisions"]) == list(revisions.saved(article))


def test_someone_who_may_not_edit_cannot_autosave(client, other_writer, writer, make_article):
    article = make_article(created_by=writer, publish=False, status=Status.DRAFT)
    client.force_login(other_writer)

    response = client.post(autosave_url(article), article_form_data(article, headline="Mine"))

    assert response.status_code == 403
    assert not revisions.drafts(article).exists()


def test_autosave_refuses_get(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    assert writer_client.get(autosave_url(article)).status_code == 405


def test_reopened_form_offers_the_draft_and_restores_it(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Typed, unsaved"))

    offer = writer_client.get(change_url(article))
    assert "You have an unsaved draft" in offer.content.decode()
    assert offer.context["adminform"].form["headline"].value() == article.headline

    restored = writer_client.get(change_url(article) + "?restore_draft=1")
    form = restored.context["adminform"].form
    assert form["headline"].value() == "Typed, unsaved"
    assert form["loaded_version"].value() == article.modified_at.isoformat()
    assert "is in the form below" in restored.content.decode()
    article.refresh_from_db()
    assert article.headline != "Typed, unsaved"


def test_saving_the_form_discards_the_draft(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Typed"))

    response = writer_client.post(change_url(article), article_form_data(article, headline="Kept"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Kept"
    assert not revisions.drafts(article).exists()


def test_discarding_the_draft(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Typed"))

    response = writer_client.post(
        reverse("admin:articles_article_discard_draft", args=[article.pk]),
        article_form_data(article),
    )

    assert response.status_code == 302
    assert not ArticleRevision.objects.filter(article=article, content__has_key="draft").exists()
    assert (
        "You have an unsaved draft" not in writer_client.get(change_url(article)).content.decode()
    )


def test_restored_draft_typed_over_an_older_version_meets_the_conflict(
    writer_client, writer, desk_editor, make_article
):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Wanda's"))
    article.headline, article.saved_by = "Edith's", desk_editor
    article.save()

    restored = writer_client.get(change_url(article) + "?restore_draft=1")
    data = article_form_data(article, headline="Wanda's")
    data["loaded_version"] = restored.context["adminform"].form["loaded_version"].value()
    response = writer_client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["edit_conflict"]["who"] == "Edith"
    article.refresh_from_db()
    assert article.headline == "Edith's"


def test_a_draft_never_comes_before_the_revision_of_a_save(
    writer_client, writer, desk_editor, make_article
):
    article = make_article(created_by=writer, publish=False)
    writer_client.post(autosave_url(article), article_form_data(article, headline="Typed"))
    article.headline, article.saved_by = "Saved by Edith", desk_editor
    article.save()
    writer_client.post(autosave_url(article), article_form_data(article, headline="Typed again"))

    latest = article.revisions.first()
    assert latest.content["headline"] == "Saved by Edith" and latest.saved_by == desk_editor
    draft = revisions.drafts(article).get()
    assert draft.saved_at <= latest.saved_at
    assert draft.content["autosaved_at"] > latest.saved_at.isoformat()
