"""One editor action is one step: a click saves the article once, writes one revision and
one audit entry, and purges the page cache once."""

import pytest
from django.urls import reverse

from articles.models import ArticleRevision, AuditEntry, Status
from desk import workflow
from feed.models import FeedEntry
from lib import pagecache
from tests.staff import editor_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def purge_rounds(monkeypatch):
    """Each call of the page cache's purge, with the tags it purged."""
    rounds = []
    real = pagecache.purge
    monkeypatch.setattr(pagecache, "purge", lambda *tags: rounds.append(set(tags)) or real(*tags))
    return rounds


@pytest.fixture
def saves(monkeypatch):
    """The article rows written, as (pk, status) in order."""
    from articles.models import Article

    written = []
    real = Article.save_base

    def save_base(self, *args, **kwargs):
        written.append((self.pk, self.status))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save_base", save_base)
    return written


def _counts(article):
    return (
        ArticleRevision.objects.filter(article=article).count(),
        AuditEntry.objects.filter(article=article).count(),
    )


def test_one_publish_click_saves_once_with_one_revision_one_audit_entry_and_one_purge(
    desk_client, make_article, purge_rounds, saves, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, photo=True, status=Status.REVIEW, tags=["grain"])
    revisions, audits = _counts(article)
    purge_rounds.clear()
    saves.clear()
    data = editor_form_data(article, _workflow="publish", headline="Edited with the click")
    data["tags"] = [tag.pk for tag in article.tags.all()]

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(
            reverse("admin:articles_article_change", args=[article.pk]), data
        )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.headline == "Edited with the click"
    assert saves == [(article.pk, Status.PUBLISHED)]
    assert _counts(article) == (revisions + 1, audits + 1)
    assert len(purge_rounds) == 1
    assert {pagecache.CONTENT, article.cache_tag(article.slug)} <= purge_rounds[0]
    assert FeedEntry.objects.published().filter(article=article).exists()
    # The one revision holds the relations as the click left them.
    latest = ArticleRevision.objects.filter(article=article).first()
    assert latest.content["headline"] == "Edited with the click"
    assert latest.content["tags"] == ["grain"] and latest.content["lead"] is not None


@pytest.mark.parametrize(
    ("step", "extra", "status"),
    [
        ("unpublish", {}, Status.DRAFT),
        ("kill", {"_kill_note": "Withdrawn for legal reasons."}, Status.KILLED),
    ],
)
def test_each_step_is_one_save_one_revision_one_audit_entry_one_purge(
    desk_client,
    make_article,
    purge_rounds,
    saves,
    step,
    extra,
    status,
    django_capture_on_commit_callbacks,
):
    article = make_article(photo=True)
    revisions, audits = _counts(article)
    purge_rounds.clear()
    saves.clear()
    data = editor_form_data(article, _workflow=step, **extra)

    with django_capture_on_commit_callbacks(execute=True):
        desk_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    article.refresh_from_db()
    assert article.status == status
    assert saves == [(article.pk, status)]
    assert _counts(article) == (revisions + 1, audits + 1)
    assert len(purge_rounds) == 1


def test_a_refused_publish_keeps_the_edit_in_one_save_with_no_audit_entry(
    desk_client, make_article, purge_rounds, saves
):
    article = make_article(publish=False, status=Status.REVIEW)  # no lead photo
    revisions, audits = _counts(article)
    saves.clear()
    data = editor_form_data(article, _workflow="publish", headline="Kept although refused")

    desk_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.headline == "Kept although refused"
    assert len(saves) == 1
    assert _counts(article) == (revisions + 1, audits)


def test_the_desk_step_refreshes_the_feed_entry_and_the_model_alone_does_not(
    make_article, desk_editor
):
    article = make_article(publish=False, photo=True, status=Status.REVIEW)
    article.publish()
    assert not FeedEntry.objects.filter(article=article).exists()

    article.status = Status.REVIEW
    article.save()
    workflow.publish_now(article, desk_editor)
    assert FeedEntry.objects.published().filter(article=article).exists()


def test_sending_back_and_withdrawing_are_one_save_one_revision_one_audit_entry_each(
    desk_client, writer, make_article, saves, django_capture_on_commit_callbacks
):
    article = make_article(publish=False, photo=True, status=Status.REVIEW, created_by=writer)
    revisions, audits = _counts(article)
    saves.clear()
    data = editor_form_data(article, _workflow="send back", _review_comment="Shorter, please.")
    with django_capture_on_commit_callbacks(execute=True):
        desk_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert saves == [(article.pk, Status.DRAFT)]
    assert _counts(article) == (revisions + 1, audits + 1)

    article.refresh_from_db()
    workflow.submit_for_review(article, writer)
    revisions, audits = _counts(article)
    saves.clear()
    workflow.withdraw(article, writer)
    assert saves == [(article.pk, Status.DRAFT)]
    assert _counts(article) == (revisions + 1, audits + 1)
