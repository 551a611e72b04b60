import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, AuditEntry, Caption, Status
from desk import roles
from tests.staff import article_form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_migrate_creates_the_three_roles_and_syncing_again_changes_nothing():
    from django.apps import apps

    assert set(Group.objects.values_list("name", flat=True)) >= {"Writer", "Editor", "Admin"}
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    roles.sync_groups(apps)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after
    editor_perms = Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    writer_perms = Group.objects.get(name="Writer").permissions.values_list("codename", flat=True)
    assert "publish_article" in editor_perms
    assert "publish_article" not in writer_perms


def test_writer_creates_a_draft_they_own(writer_client, writer, make_section):
    section = make_section()
    data = article_form_data(section=section.pk, headline="Writer's story", slug="writers-story")
    response = writer_client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get(slug="writers-story")
    assert article.created_by == writer
    assert article.status == Status.DRAFT


def test_writer_forging_status_published_is_refused_and_nothing_changes(
    writer_client, writer, make_article
):
    article = make_article(publish=False, created_by=writer, headline="Mine")
    data = article_form_data(article, status="published", headline="Forged")
    response = writer_client.post(change_url(article), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.DRAFT, "Mine")
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_writer_forging_a_hidden_field_on_a_new_article_is_refused(writer_client, make_section):
    data = article_form_data(
        section=make_section().pk, headline="New", slug="new", embargoed_until_0="2030-01-01"
    )
    assert writer_client.post(ADD_URL, data).status_code == 403
    assert not Article.objects.filter(slug="new").exists()


def test_writer_cannot_edit_someone_elses_article(writer_client, other_writer, make_article):
    article = make_article(publish=False, created_by=other_writer, headline="Oscar's")
    response = writer_client.post(
        change_url(article), article_form_data(article, headline="Mine now")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Oscar's"


def test_writer_cannot_edit_a_published_article(writer_client, writer, make_article):
    article = make_article(created_by=writer, headline="Live")
    response = writer_client.post(
        change_url(article), article_form_data(article, headline="Edited")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Live"


def test_writer_sees_no_publish_control_but_can_submit(writer_client, writer, make_article):
    article = make_article(publish=False, created_by=writer)
    html = writer_client.get(change_url(article)).content.decode()
    assert 'value="submit"' in html
    for step in ("publish", "schedule", "unpublish", "kill"):
        assert f'name="_workflow" value="{step}"' not in html
    assert 'name="status"' not in html


@pytest.mark.parametrize("step", ["publish", "schedule", "unpublish", "kill"])
def test_writer_posting_an_editors_workflow_step_is_refused(
    writer_client, writer, make_article, make_photo, step
):
    article = make_article(publish=False, created_by=writer, photo=True)
    data = article_form_data(article, _workflow=step, _schedule_at="2099-01-01T10:00",
                             _kill_note="Gone")  # fmt: skip
    assert writer_client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_writer_posting_the_publish_list_action_is_refused(writer_client, writer, make_article):
    article = make_article(publish=False, created_by=writer, photo=True)
    response = writer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_editor_can_edit_any_article(desk_client, other_writer, make_article):
    from tests.staff import editor_form_data

    article = make_article(publish=False, created_by=other_writer)
    response = desk_client.post(change_url(article), editor_form_data(article, headline="Edited"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Edited"


def test_audit_log_is_visible_to_editors_read_only_and_hidden_from_writers(
    client, desk_editor, writer
):
    AuditEntry.objects.create(actor=desk_editor, action="publish", object_repr="A story")
    url = reverse("admin:articles_auditentry_changelist")
    client.force_login(desk_editor)
    response = client.get(url)
    assert response.status_code == 200 and "A story" in response.content.decode()
    assert client.get(reverse("admin:articles_auditentry_add")).status_code == 403
    client.force_login(writer)
    assert client.get(url).status_code == 403


def test_role_changes_are_written_to_the_audit_log(admin_client, admin_user, writer):
    url = reverse("admin:auth_user_change", args=[writer.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        username=writer.username,
        groups=[Group.objects.get(name="Editor").pk],
        user_permissions=[],
        is_staff="on",
        is_active="on",
        date_joined_0=writer.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=writer.date_joined.strftime("%H:%M:%S"),
        last_login_0="",
        last_login_1="",
    )
    data.pop("password", None)
    data.pop("is_superuser", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="role change")
    assert entry.actor == admin_user
    assert "added to Editor" in entry.message and "removed from Writer" in entry.message


@pytest.mark.parametrize(
    "forged",
    [
        {"created_by": "1"},
        {"kill_note": "Forged note"},
        {"killed_at_0": "2030-01-01", "killed_at_1": "10:00"},
        {"went_live_at_0": "2030-01-01", "went_live_at_1": "10:00"},
        {"published_at_0": "2030-01-01", "published_at_1": "10:00"},
        {"updated_at_0": "2030-01-01", "updated_at_1": "10:00"},
        {"embargoed_until_0": "2030-01-01", "embargoed_until_1": "10:00"},
        {"substantive_update": "on"},
        {"word_count": "9999"},
    ],
    ids=lambda forged: next(iter(forged)).removesuffix("_0"),
)
def test_writer_posting_a_field_their_form_does_not_show_is_refused_and_changes_nothing(
    writer_client, writer, make_article, forged
):
    article = make_article(publish=False, created_by=writer, headline="Mine")
    before = Article.objects.filter(pk=article.pk).values().get()
    data = article_form_data(article, headline="Forged edit", **forged)
    assert writer_client.post(change_url(article), data).status_code == 403
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert not AuditEntry.objects.exists()


def test_writer_forging_status_on_a_new_article_is_refused(writer_client, make_section):
    data = article_form_data(
        section=make_section().pk, headline="New", slug="new", status="published"
    )
    assert writer_client.post(ADD_URL, data).status_code == 403
    assert not Article.objects.filter(slug="new").exists()


def test_writer_cannot_move_another_articles_author_or_photo_into_their_own(
    writer_client, writer, other_writer, make_article, make_photo
):
    mine = make_article(publish=False, created_by=writer, authors=[])
    theirs = make_article(publish=False, created_by=other_writer, photo=True)
    their_credit = theirs.credits.get()
    data = article_form_data(
        mine,
        **{"credits-TOTAL_FORMS": "1", "credits-INITIAL_FORMS": "1",
           "credits-0-id": their_credit.pk, "credits-0-article": theirs.pk,
           "credits-0-author": their_credit.author_id, "credits-0-position": "0",
           "lead-TOTAL_FORMS": "1", "lead-INITIAL_FORMS": "1", "lead-0-article": theirs.pk,
           "lead-0-photo": theirs.lead_photo.photo_id, "lead-0-text": "Stolen"},
    )  # fmt: skip
    response = writer_client.post(change_url(mine), data)
    assert response.status_code in (200, 403)
    their_credit.refresh_from_db()
    assert their_credit.article_id == theirs.pk
    assert Caption.objects.get(article=theirs).text != "Stolen"
    assert not mine.credits.exists() and not Caption.objects.filter(article=mine).exists()


def test_writer_cannot_restore_revisions_of_others_or_of_published_articles(
    writer_client, writer, other_writer, make_article
):
    for article in (
        make_article(publish=False, created_by=other_writer, headline="Theirs"),
        make_article(created_by=writer, headline="Mine, live"),
    ):
        first = article.revisions.last()
        article.headline = "Later"
        article.save()
        url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
        assert writer_client.post(url).status_code == 403
        article.refresh_from_db()
        assert article.headline == "Later"


def test_writer_posting_the_unpublish_list_action_is_refused(writer_client, writer, make_article):
    article = make_article(created_by=writer, photo=True)
    response = writer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.is_public and not AuditEntry.objects.exists()


def test_writer_cannot_change_a_photo_a_published_article_uses(
    writer_client, writer, make_article, make_photo
):
    photo = make_photo(credit="Agency")
    photo.uploaded_by = writer
    photo.save()
    make_article(photo=photo)
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = {"alt_text": "x", "caption": "x", "credit": "Forged credit"}
    assert writer_client.post(url, data).status_code == 403
    photo.refresh_from_db()
    assert photo.credit == "Agency"


def test_editor_cannot_forge_a_kill_without_the_workflow_step(desk_client, make_article):
    from tests.staff import editor_form_data

    article = make_article(photo=True)
    data = editor_form_data(article, kill_note="Forged", killed_at_0="2030-01-01")
    assert desk_client.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.is_public and article.kill_note == ""


def test_making_someone_a_superuser_is_an_audited_role_change(admin_client, admin_user, writer):
    url = reverse("admin:auth_user_change", args=[writer.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        username=writer.username,
        groups=[Group.objects.get(name="Writer").pk],
        user_permissions=[],
        is_staff="on",
        is_active="on",
        is_superuser="on",
        date_joined_0=writer.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=writer.date_joined.strftime("%H:%M:%S"),
        last_login_0="",
        last_login_1="",
    )
    data.pop("password", None)
    assert admin_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="role change")
    assert entry.actor == admin_user and "added to superusers" in entry.message
    assert "Writer" not in entry.message


def user_form_data(admin_client, user, **changes):
    form = (
        admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
        .context["adminform"]
        .form
    )
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        username=user.username,
        groups=[group.pk for group in user.groups.all()],
        user_permissions=[],
        is_staff="on",
        is_active="on",
        date_joined_0=user.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=user.date_joined.strftime("%H:%M:%S"),
        last_login_0="",
        last_login_1="",
    )
    data.pop("password", None)
    data.pop("is_superuser", None)
    data.update(changes)
    return data


def permission(name):
    from django.contrib.auth.models import Permission

    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_granting_a_user_a_single_permission_is_written_to_the_audit_log(
    admin_client, admin_user, writer
):
    url = reverse("admin:auth_user_change", args=[writer.pk])
    data = user_form_data(
        admin_client, writer, user_permissions=[permission("articles.publish_article").pk]
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="permission change")
    assert entry.actor == admin_user and entry.object_repr == writer.username
    assert entry.message == f"{writer.username}: granted articles.publish_article."
    assert not AuditEntry.objects.filter(action="role change").exists()

    response = admin_client.post(url, user_form_data(admin_client, writer))
    assert response.status_code == 302
    latest = AuditEntry.objects.filter(action="permission change").first()
    assert latest.message == f"{writer.username}: revoked articles.publish_article."


def test_changing_a_groups_permissions_is_written_to_the_audit_log(admin_client, admin_user):
    group = Group.objects.create(name="Night desk")
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = admin_client.post(
        url, {"name": "Night desk", "permissions": [permission("articles.delete_article").pk]}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="permission change")
    assert entry.actor == admin_user
    assert entry.message == "group Night desk: granted articles.delete_article."


def test_deleting_an_article_is_written_to_the_audit_log(desk_client, desk_editor, make_article):
    article = make_article(headline="A story to delete")
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert desk_client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    entry = AuditEntry.objects.get(action="delete")
    assert entry.actor == desk_editor and entry.object_repr == "A story to delete"
    assert f"Deleted article {article.pk} (published)" in entry.message


def test_deleting_articles_from_the_list_writes_one_audit_entry_each(
    desk_client, desk_editor, make_article
):
    articles = [make_article(), make_article(publish=False)]
    response = desk_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [article.pk for article in articles],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert sorted(
        AuditEntry.objects.filter(action="delete").values_list("object_repr", flat=True)
    ) == sorted(article.headline for article in articles)


def test_writers_cannot_delete_articles_through_the_desk_step(writer, make_article):
    from django.core.exceptions import PermissionDenied

    from desk import workflow

    article = make_article(publish=False)
    with pytest.raises(PermissionDenied):
        workflow.delete_article(article, writer)
    assert Article.objects.filter(pk=article.pk).exists()
    assert not AuditEntry.objects.exists()
