"""The desk's states, times and time zones: what lists, messages and the audit log say."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, AuditEntry, State, Status
from desk import workflow
from tests.staff import editor_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def one_of_each(make_article, desk_editor):
    """An article in every state, keyed by the state."""
    now = timezone.now()
    articles = {
        State.DRAFT: make_article(publish=False, headline="A draft"),
        State.REVIEW: make_article(publish=False, status=Status.REVIEW, headline="In review"),
        State.SCHEDULED: make_article(headline="Scheduled", published_at=now + timedelta(hours=3)),
        State.EMBARGOED: make_article(
            headline="Embargoed",
            published_at=now - timedelta(hours=3),
            embargoed_until=now + timedelta(hours=5),
        ),
        State.PUBLISHED: make_article(headline="Published"),
        State.KILLED: make_article(headline="Killed"),
    }
    workflow.kill(articles[State.KILLED], desk_editor, "Legal reasons.")
    return articles


def test_each_article_is_in_exactly_one_state_and_the_queryset_agrees(one_of_each):
    for state, article in one_of_each.items():
        article.refresh_from_db()
        assert article.state == state
        in_state = set(Article.objects.in_state(state).values_list("pk", flat=True))
        assert in_state == {article.pk}, state


def test_a_scheduled_time_after_the_embargo_is_scheduled_not_embargoed(make_article):
    now = timezone.now()
    article = make_article(
        published_at=now + timedelta(hours=4), embargoed_until=now + timedelta(hours=2)
    )
    assert article.state == State.SCHEDULED and article.state_time == article.published_at
    assert Article.objects.in_state(State.SCHEDULED).filter(pk=article.pk).exists()
    assert not Article.objects.in_state(State.EMBARGOED).filter(pk=article.pk).exists()


def test_change_list_shows_every_state_with_its_time_and_never_an_embargoed_publish_time(
    desk_client, one_of_each
):
    html = desk_client.get(reverse("admin:articles_article_changelist")).content.decode()
    for state in State:
        assert f'desk-state--{state.value}">{state.label}</span>' in html
    scheduled, embargoed = one_of_each[State.SCHEDULED], one_of_each[State.EMBARGOED]
    assert workflow.local_time(scheduled.published_at) in html
    assert workflow.local_time(embargoed.embargoed_until) in html
    assert workflow.local_time(embargoed.published_at) not in html


@pytest.mark.parametrize("state", list(State))
def test_change_list_filters_by_state(desk_client, one_of_each, state):
    response = desk_client.get(reverse("admin:articles_article_changelist"), {"state": state})
    shown = [article.pk for article in response.context["cl"].result_list]
    assert shown == [one_of_each[state].pk]


def test_the_form_has_no_status_box_and_a_posted_status_is_refused(desk_client, make_article):
    article = make_article(publish=False, photo=True)
    html = desk_client.get(change_url(article)).content.decode()
    assert 'name="status"' not in html
    assert 'name="_workflow" value="publish"' in html
    response = desk_client.post(change_url(article), editor_form_data(article, status="published"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_publishing_under_embargo_says_when_readers_see_it_never_that_they_see_it_now(
    desk_client, make_article
):
    article = make_article(publish=False, photo=True)
    until = timezone.localtime(timezone.now() + timedelta(days=1)).replace(microsecond=0)
    data = editor_form_data(
        article,
        _workflow="publish",
        embargoed_until_0=until.strftime("%Y-%m-%d"),
        embargoed_until_1=until.strftime("%H:%M:%S"),
    )
    response = desk_client.post(change_url(article), data, follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert said == [f"Published, under embargo: readers see it from {workflow.local_time(until)}."]
    html = response.content.decode()
    assert "readers can see it now" not in html
    article.refresh_from_db()
    assert article.state == State.EMBARGOED
    panel_state = f'id="desk-state">Embargoed: {workflow.local_time(until)}</span>'
    assert panel_state in html


def test_publishing_with_no_embargo_says_readers_see_it_now(desk_client, make_article):
    article = make_article(publish=False, photo=True)
    response = desk_client.post(
        change_url(article), editor_form_data(article, _workflow="publish"), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Published: readers can see it now."]


def _embargo_fields(at):
    if at is None:
        return {"embargoed_until_0": "", "embargoed_until_1": ""}
    local = timezone.localtime(at)
    return {
        "embargoed_until_0": local.strftime("%Y-%m-%d"),
        "embargoed_until_1": local.strftime("%H:%M:%S"),
    }


def test_adding_moving_and_removing_an_embargo_on_a_live_story_is_audited_and_kept(
    desk_client, desk_editor, make_article
):
    article = make_article(photo=True)
    first = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    second = first + timedelta(hours=3)
    for until in (first, second, None):
        article.refresh_from_db()
        data = editor_form_data(article, **_embargo_fields(until))
        assert desk_client.post(change_url(article), data).status_code == 302
    entries = list(
        AuditEntry.objects.filter(article=article, action=workflow.TIME_CHANGE).order_by("id")
    )
    assert [entry.message for entry in entries] == [
        f"Embargo added: {workflow.local_time(first)}.",
        f"Embargo moved from {workflow.local_time(first)} to {workflow.local_time(second)}.",
        f"Embargo removed (was {workflow.local_time(second)}).",
    ]
    assert {entry.actor for entry in entries} == {desk_editor}
    kept = [revision.content["embargoed_until"] for revision in article.revisions.order_by("id")]
    assert [parse_datetime(value) if value else None for value in kept[-3:]] == [
        first,
        second,
        None,
    ]


def test_moving_a_scheduled_story_is_audited_but_editing_a_draft_time_is_not(
    desk_editor, make_article
):
    later = timezone.now() + timedelta(hours=6)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2), photo=True)
    before = scheduled.published_at
    workflow.schedule(scheduled, desk_editor, later)
    assert AuditEntry.objects.get(article=scheduled, action=workflow.TIME_CHANGE).message == (
        f"Publish time moved from {workflow.local_time(before)} to {workflow.local_time(later)}."
    )
    draft = make_article(publish=False)
    draft.published_at = later
    workflow.save_changes(draft, desk_editor)
    assert not AuditEntry.objects.filter(article=draft, action=workflow.TIME_CHANGE).exists()


def test_audit_log_shows_times_in_the_newsrooms_zone_with_the_offset(
    desk_client, desk_editor, make_article, settings
):
    settings.TIME_ZONE = "America/New_York"
    moment = datetime(2026, 1, 15, 17, 30, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(moment, tick=False):
        workflow.audit(desk_editor, "note", "Checked.", article=make_article())
        html = desk_client.get(reverse("admin:articles_auditentry_changelist")).content.decode()
    assert "15 Jan 2026 12:30 EST (UTC-05:00)" in html


def test_time_boxes_say_which_time_zone_they_take(desk_client, make_article):
    html = desk_client.get(change_url(make_article(publish=False))).content.decode()
    hint = workflow.time_zone_hint()
    assert timezone.get_current_timezone_name() in hint
    # The publish time, the embargo and the schedule box.
    assert html.count(hint) >= 3


def test_an_audit_entrys_own_page_gives_its_time_with_the_offset(
    desk_client, desk_editor, make_article
):
    entry = workflow.audit(desk_editor, "note", "Checked.", article=make_article())
    url = reverse("admin:articles_auditentry_change", args=[entry.pk])
    assert workflow.local_time(entry.at) in desk_client.get(url).content.decode()
