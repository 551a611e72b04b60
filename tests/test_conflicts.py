"""A stale save shows what the other person changed beside the person's own text."""

import pytest
from django.urls import reverse

from articles.models import Status
from tests.staff import article_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def stale(writer, desk_editor, make_article):
    """A draft the writer opened, then the editor changed its headline and body."""
    article = make_article(
        created_by=writer,
        publish=False,
        status=Status.DRAFT,
        headline="Floods close the ring road",
        body="<p>The river rose overnight.</p>",
        standfirst="",
    )
    opened = article_form_data(article)
    article.headline = "Floods close the ring road and two bridges"
    article.body = "<p>The river rose two metres overnight.</p>"
    article.saved_by = desk_editor
    article.save()
    return article, opened


def test_conflict_shows_their_changes_and_keeps_your_text(writer_client, stale):
    article, opened = stale
    mine = {**opened, "standfirst": "My new standfirst.", "body": "<p>The river rose.</p>"}

    response = writer_client.post(change_url(article), mine)

    assert response.status_code == 200
    conflict = response.context["edit_conflict"]
    assert conflict["who"] == "Edith" and conflict["compared_with_opened"]
    rows = {row["label"]: row for row in conflict["rows"]}
    assert rows["Headline"]["changed_by_them"]
    assert str(rows["Headline"]["theirs"]) == (
        "Floods close the ring road<ins> and two bridges</ins>"
    )
    assert rows["Body"]["changed_by_them"]
    assert "<ins>two metres </ins>" in str(rows["Body"]["theirs"])
    assert not rows["Standfirst"]["changed_by_them"]
    assert str(rows["Standfirst"]["yours"]) == "<ins>My new standfirst.</ins>"
    form = response.context["adminform"].form
    assert form["standfirst"].value() == "My new standfirst."
    assert form["body"].value() == "<p>The river rose.</p>"
    page = response.content.decode()
    assert 'id="desk-conflict-heading"' in page and "copy them" not in page
    article.refresh_from_db()
    assert article.standfirst != "My new standfirst."


def test_saving_again_after_seeing_the_conflict_keeps_your_version(writer_client, stale):
    article, opened = stale
    mine = {**opened, "headline": "Floods close the city"}
    first = writer_client.post(change_url(article), mine)
    carried = first.context["adminform"].form["loaded_version"].value()
    article.refresh_from_db()
    assert carried == article.modified_at.isoformat()

    second = writer_client.post(change_url(article), {**mine, "loaded_version": carried})

    assert second.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Floods close the city"


def test_a_save_without_conflict_shows_no_conflict(writer_client, writer, make_article):
    article = make_article(created_by=writer, publish=False, status=Status.DRAFT)

    response = writer_client.post(change_url(article), article_form_data(article, headline="Ok"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Ok"
