"""The desk's live coverage: the fast post screen, audited edits, corrections and kills,
each allowed to the roles that may do it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import AuditEntry
from desk import live
from labels.models import Label
from liveblogs.models import LiveUpdate

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.liveblog_factories"]


@pytest.fixture
def blog(make_live_blog):
    return make_live_blog()


def post_url(blog):
    return reverse("admin:liveblogs_liveblog_post", args=[blog.pk])


def test_a_writer_posts_an_update_from_the_fast_screen(writer_client, writer, blog, reader):
    screen = writer_client.get(post_url(blog))
    assert screen.status_code == 200
    assert 'name="body"' in screen.content.decode()
    response = writer_client.post(
        post_url(blog),
        {"headline": "Roads closed", "body": "<p>Police closed the coast road.</p>",
         "is_key_event": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == post_url(blog)
    update = LiveUpdate.objects.get()
    assert (update.status, update.is_key_event, update.created_by) == ("published", True, writer)
    entry = AuditEntry.objects.get(action="live update")
    assert (entry.actor, entry.article_id, entry.message) == (writer, blog.pk, "Key event posted.")
    writer_client.logout()
    assert "Roads closed" in reader.get(blog.get_absolute_url()).content.decode()


def test_nobody_without_a_role_may_post(client, django_user_model, blog):
    outsider = django_user_model.objects.create_user("guest", password="pw", is_staff=True)
    client.force_login(outsider)
    assert client.get(post_url(blog)).status_code == 403
    with pytest.raises(PermissionDenied):
        live.post_update(blog, outsider, LiveUpdate(body="<p>Hi</p>"))


def test_an_ended_live_blog_takes_no_more_updates(writer, desk_editor, blog):
    live.end_coverage(blog, desk_editor)
    assert AuditEntry.objects.filter(action="live end", actor=desk_editor).exists()
    with pytest.raises(PermissionDenied, match="ended"):
        live.post_update(blog, writer, LiveUpdate(body="<p>Late news</p>"))


def test_a_writer_may_not_edit_or_kill_an_update(writer_client, writer, blog, make_update):
    update = make_update(blog)
    url = reverse("admin:liveblogs_liveupdate_change", args=[update.pk])
    assert writer_client.post(url, {"body": "<p>Changed</p>"}).status_code == 403
    with pytest.raises(PermissionDenied):
        live.kill_update(update, writer)


def test_an_editors_correction_is_audited_and_shown_as_an_update(
    desk_client, desk_editor, blog, make_update, reader
):
    update = make_update(blog, body="<p>Two ships sank.</p>")
    url = reverse("admin:liveblogs_liveupdate_change", args=[update.pk])
    data = {
        "live_blog": blog.pk, "headline": "", "body": "<p>One ship sank.</p>",
        "label": "", "author": "", "photo": "", "status": "published",
        "published_at_0": update.published_at.strftime("%Y-%m-%d"),
        "published_at_1": update.published_at.strftime("%H:%M:%S"),
        "correction": "The second ship reached port.",
    }  # fmt: skip
    response = desk_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update.refresh_from_db()
    assert update.body == "<p>One ship sank.</p>" and update.show_updated
    entry = AuditEntry.objects.get(action="live correction")
    assert entry.actor == desk_editor and "second ship" in entry.message
    desk_client.logout()
    html = reader.get(blog.get_absolute_url()).content.decode()
    assert "One ship sank." in html and "(Updated: " in html


def test_an_editor_kills_updates_from_the_list(desk_client, desk_editor, blog, make_update):
    update = make_update(blog)
    response = desk_client.post(
        reverse("admin:liveblogs_liveupdate_changelist"),
        {"action": "kill_selected", "_selected_action": [update.pk]},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == LiveUpdate.Status.KILLED
    assert AuditEntry.objects.filter(action="live kill", actor=desk_editor).exists()


def test_an_editor_starts_a_live_blog(desk_editor, make_article):
    story = make_article()
    blog = live.start_live_blog(story, desk_editor)
    story.refresh_from_db()
    assert story.is_live_blog and blog.is_live
    assert AuditEntry.objects.filter(action="live start", article=story).exists()


def test_the_desk_lists_labels_and_live_blogs(desk_client, blog):
    Label.objects.for_name("Video")
    for name in ("labels_label", "liveblogs_liveblog", "liveblogs_liveupdate"):
        response = desk_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
    labels_page = desk_client.get(reverse("admin:labels_label_changelist")).content.decode()
    assert "Video" in labels_page
    assert (
        post_url(blog)
        in desk_client.get(reverse("admin:liveblogs_liveblog_changelist")).content.decode()
    )
