import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, AuditEntry, Status
from desk.scheduling import publish_scheduled
from feed.models import FeedEntry


@pytest.fixture
def scheduled(make_article):
    """A published article due at `at`, with no going-live recorded yet."""

    def make(at, **overrides):
        article = make_article(published_at=at, **overrides)
        Article.objects.filter(pk=article.pk).update(went_live_at=None)
        FeedEntry.objects.filter(article=article).delete()
        return article

    return make


def test_due_article_is_recorded_once_with_audit_entry_and_feed_entry(scheduled, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = scheduled(timezone.now() - timedelta(minutes=1))

    result = publish_scheduled()

    article.refresh_from_db()
    assert [a.pk for a in result.went_live] == [article.pk]
    assert article.went_live_at == timezone.now()
    entry = AuditEntry.objects.get(article=article)
    assert entry.action == "went live" and entry.actor is None
    assert FeedEntry.objects.filter(article=article).exists()
    assert result.overdue == []
    assert publish_scheduled().went_live == []
    assert AuditEntry.objects.filter(article=article).count() == 1


def test_future_and_embargoed_and_draft_articles_are_left_alone(scheduled, make_article):
    now = timezone.now()
    future = scheduled(now + timedelta(hours=1))
    embargoed = scheduled(now - timedelta(hours=1), embargoed_until=now + timedelta(minutes=10))
    draft = make_article(publish=False)

    assert publish_scheduled().went_live == []
    for article in (future, embargoed, draft):
        article.refresh_from_db()
        assert article.went_live_at is None
    assert not AuditEntry.objects.exists()


def test_embargo_end_is_the_due_time_for_overdue_report(scheduled, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    # Published a day ago but embargoed until three minutes ago: due three minutes ago.
    on_time = scheduled(now - timedelta(days=1), embargoed_until=now - timedelta(minutes=3))
    late = scheduled(now - timedelta(minutes=30))

    result = publish_scheduled(overdue_after=timedelta(minutes=5))

    assert {a.pk for a in result.went_live} == {on_time.pk, late.pk}
    assert [(a.pk, delay) for a, delay in result.overdue] == [(late.pk, timedelta(minutes=30))]


def test_dry_run_writes_nothing(scheduled):
    article = scheduled(timezone.now() - timedelta(minutes=1))

    result = publish_scheduled(dry_run=True)

    assert [a.pk for a in result.went_live] == [article.pk]
    article.refresh_from_db()
    assert article.went_live_at is None
    assert not AuditEntry.objects.exists()


def test_command_reports_counts_and_fails_on_overdue_items(scheduled, capsys):
    scheduled(timezone.now() - timedelta(minutes=2))
    call_command("publish_scheduled")
    assert "Recorded 1 article(s) as gone live." in capsys.readouterr().out

    late = scheduled(timezone.now() - timedelta(hours=2))
    with pytest.raises(CommandError, match="1 article\\(s\\) went live more than 5 minutes"):
        call_command("publish_scheduled", "--quiet")
    out = capsys.readouterr().out
    assert "Overdue by 120 min" in out and late.headline in out
    # The overdue item was still recorded: the next run is clean.
    call_command("publish_scheduled")
    assert "Recorded 0 article(s)" in capsys.readouterr().out


def test_command_rejects_negative_threshold(db):
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("publish_scheduled", "--overdue-minutes", "-1")


@pytest.mark.django_db(transaction=True)
def test_run_skips_rows_locked_by_an_overlapping_run(scheduled):
    held = scheduled(timezone.now() - timedelta(minutes=1))
    free = scheduled(timezone.now() - timedelta(minutes=1))
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def first_run_holding_a_row():
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=first_run_holding_a_row)
    thread.start()
    assert locked.wait(timeout=30)
    try:
        result = publish_scheduled()
    finally:
        release.set()
        thread.join(timeout=30)

    assert [a.pk for a in result.went_live] == [free.pk]
    assert result.skipped == 1
    assert not AuditEntry.objects.filter(article=held).exists()
    # Once the other run lets go, the next run picks the row up.
    assert [a.pk for a in publish_scheduled().went_live] == [held.pk]


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_do_the_work_once(scheduled):
    due = [scheduled(timezone.now() - timedelta(minutes=1)) for _ in range(12)]
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait(timeout=30)
            results.append(publish_scheduled())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2
    recorded = [a.pk for result in results for a in result.went_live]
    assert sorted(recorded) == sorted(a.pk for a in due)
    assert AuditEntry.objects.filter(action="went live").count() == len(due)
    assert Article.objects.filter(status=Status.PUBLISHED, went_live_at__isnull=True).count() == 0
