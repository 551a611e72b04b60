import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, ArticleRevision, Caption
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


@pytest.mark.parametrize("hostile", ["abc", "²", "1\x00", "9" * 40])
def test_comparing_revisions_that_are_no_numbers_asks_again_instead_of_failing(
    desk_client, make_article, hostile
):
    article = make_article(publish=False)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = desk_client.get(url, {"revision": [hostile, article.revisions.first().pk]})
    assert response.status_code == 302  # back to the list: "Choose two revisions"


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


def test_a_revision_saved_in_the_admin_keeps_authors_tags_and_the_lead_photo(
    desk_client, make_article, make_author, make_photo
):
    article = make_article(publish=False, authors=[make_author(name="Olena")], tags=["war"])
    photo = make_photo(caption="Photo's own caption")
    second = make_author(name="Taras")
    data = editor_form_data(
        article,
        new_tags="kharkiv",
        **{"credits-TOTAL_FORMS": "2", "credits-1-author": second.pk,
           "credits-1-position": "1", "credits-1-article": article.pk,
           "lead-TOTAL_FORMS": "1", "lead-INITIAL_FORMS": "0", "lead-0-article": article.pk,
           "lead-0-photo": photo.pk, "lead-0-text": "Rescuers at <night>"},
    )  # fmt: skip
    data["tags"] = [article.tags.get().pk]
    assert desk_client.post(change_url(article), data).status_code == 302
    content = article.revisions.first().content
    assert [name for _id, name in content["authors"]] == ["Olena", "Taras"]
    assert content["tags"] == ["kharkiv", "war"]
    history = desk_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert "<td>Olena, Taras</td>" in history.content.decode()
    assert content["lead"] == {
        "photo": photo.pk, "photo_label": str(photo), "caption": "Rescuers at <night>"
    }  # fmt: skip


def test_a_save_outside_the_admin_records_the_relations_as_they_are(make_article, make_author):
    article = make_article(publish=False, authors=[make_author(name="Olena")], tags=["war"])
    ArticleAuthor.objects.create(article=article, author=make_author(name="Taras"), position=1)
    article.tags.set(["energy"])  # as an import or a script would, without the admin
    article.headline = "Rewritten"
    article.save()
    content = article.revisions.first().content
    assert content["headline"] == "Rewritten"
    assert [name for _id, name in content["authors"]] == ["Olena", "Taras"]
    assert content["tags"] == ["energy"]


def test_restore_brings_back_authors_tags_and_the_lead_photo(
    desk_client, make_article, make_author, make_photo
):
    olena, taras = make_author(name="Olena"), make_author(name="Taras")
    first_photo, second_photo = make_photo(), make_photo()
    article = make_article(publish=False, authors=[olena, taras], tags=["war", "kharkiv"],
                           photo=first_photo, caption="First caption")  # fmt: skip
    article.record_related_in_revision()  # the factory adds relations after saving
    original = article.revisions.first()
    assert original.content["lead"]["caption"] == "First caption"

    article.credits.filter(author=olena).delete()
    article.tags.set(["peace"])
    Caption.objects.filter(article=article).update(photo=second_photo, text="Second caption")
    article.headline = "Bad edit"
    article.save()
    article.record_related_in_revision()

    url = reverse("admin:articles_article_restore", args=[article.pk, original.pk])
    assert desk_client.post(url).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.byline == [olena, taras]
    assert sorted(article.tags.names()) == ["kharkiv", "war"]
    assert (article.lead_photo.photo, article.lead_photo.text) == (first_photo, "First caption")
    assert article.revisions.first().content["authors"] == original.content["authors"]


def test_restoring_a_revision_without_a_lead_photo_removes_it(
    desk_editor, make_article, make_photo
):
    article = make_article(publish=False)
    bare = article.revisions.first()
    assert bare.content["lead"] is None
    Caption.objects.create(article=article, photo=make_photo())
    article.save()
    article.record_related_in_revision()
    article.restore(bare, by=desk_editor)
    assert not Caption.objects.filter(article=article).exists()


def test_diff_shows_changes_of_authors_tags_lead_photo_and_caption(
    desk_client, make_article, make_author, make_photo
):
    olena, taras = make_author(name="Olena"), make_author(name="Taras")
    article = make_article(
        publish=False, authors=[olena], tags=["war"], photo=make_photo(caption="Old photo"),
        caption="Old caption",
    )  # fmt: skip
    article.record_related_in_revision()
    old = article.revisions.first()
    ArticleAuthor.objects.create(article=article, author=taras, position=1)
    article.tags.add("kharkiv")
    Caption.objects.filter(article=article).update(
        photo=make_photo(caption="New photo"), text="New caption"
    )
    article.save()
    article.record_related_in_revision()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = desk_client.get(url, {"revision": [old.pk, article.revisions.first().pk]})
    rows = dict(response.context["rows"])
    assert rows["Authors"] == "Olena<ins>, Taras</ins>"
    assert rows["Tags"] == "<ins>kharkiv, </ins>war"
    assert "<del>Old</del><ins>New</ins>" in rows["Lead photo"]
    assert "<del>Old</del><ins>New</ins>" in rows["Caption"]
    assert "Headline" not in rows


def test_a_post_without_the_version_it_was_opened_on_is_refused(desk_client, make_article):
    article = make_article(publish=False, headline="Kept")
    data = editor_form_data(article, headline="Blind overwrite")
    del data["loaded_version"]
    response = desk_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "reload the page" in " ".join(response.context["adminform"].form.non_field_errors())
    article.refresh_from_db()
    assert article.headline == "Kept"


def _waiting_on_a_row_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_colleagues_save_waits_and_is_refused(client, desk_editor, make_article):
    article = make_article(publish=False, headline="Shared story")
    stale = editor_form_data(article, headline="My edit")  # both forms opened on this version
    client.force_login(desk_editor)
    locked, release, results = threading.Event(), threading.Event(), {}

    def colleague_saving():  # a save in progress: row locked, version bumped, not committed
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=article.pk)
                Article.objects.filter(pk=article.pk).update(
                    headline="Carla's edit", modified_at=timezone.now()
                )
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def editor_saving():
        try:
            results["response"] = client.post(change_url(article), stale)
        finally:
            connection.close()

    colleague = threading.Thread(target=colleague_saving)
    colleague.start()
    assert locked.wait(timeout=30)
    editor = threading.Thread(target=editor_saving)
    editor.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_row_lock():  # the editor's save reached the locked row
        assert time.monotonic() < deadline and editor.is_alive()
    release.set()
    colleague.join(timeout=30)
    editor.join(timeout=30)

    response = results["response"]
    assert response.status_code == 200
    assert "after you opened it" in " ".join(response.context["adminform"].form.non_field_errors())
    article.refresh_from_db()
    assert article.headline == "Carla's edit"
