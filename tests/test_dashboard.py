"""The dashboard on the admin home: the desk's queues and the newsroom's latest work, each
panel one bounded query whatever the number of articles."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from desk import dashboard, workflow

pytestmark = pytest.mark.django_db


def headlines(panel):
    return [article.headline for article in panel]


def panel_of(panels, key):
    return next(panel for panel in panels if panel.key == key)


def test_waiting_for_review_is_oldest_submission_first(writer, make_article):
    first = make_article(publish=False, created_by=writer, headline="Filed first")
    second = make_article(publish=False, created_by=writer, headline="Filed second")
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=2), tick=False):
        workflow.submit_for_review(first, writer)
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        workflow.submit_for_review(second, writer)
    first.headline = "Filed first, edited since"
    workflow.save_changes(first, writer)  # an edit does not send it to the back
    waiting = headlines(dashboard.waiting_for_review())
    assert waiting == ["Filed first, edited since", "Filed second"]
    assert dashboard.waiting_for_review()[0].submitted_at == now - timedelta(hours=2)


def test_scheduled_embargoed_and_overdue_each_list_their_own_with_times(make_article):
    now = timezone.now()
    later = make_article(headline="Goes out later", published_at=now + timedelta(hours=5))
    sooner = make_article(headline="Goes out sooner", published_at=now + timedelta(hours=1))
    held = make_article(headline="Held", embargoed_until=now + timedelta(hours=2))
    late = make_article(headline="Should be out", published_at=now - timedelta(hours=1))
    recorded = make_article(headline="Out and recorded", published_at=now - timedelta(hours=1))
    recorded.went_live_at = now - timedelta(hours=1)
    recorded.save()
    # Saved while it was still to come, and the job that records its going out never ran.
    Article.objects.filter(pk=late.pk).update(modified_at=now - timedelta(hours=2))
    assert headlines(dashboard.scheduled()) == ["Goes out sooner", "Goes out later"]
    assert headlines(dashboard.embargoed()) == ["Held"]
    overdue = dashboard.overdue()
    assert headlines(overdue) == ["Should be out"]  # not those published there and then
    assert overdue[headlines(overdue).index("Should be out")].due == late.published_at
    assert later.pk and sooner.pk and held.pk


def test_editors_see_the_desks_queues_writers_their_own_drafts(writer, desk_editor, make_article):
    make_article(publish=False, created_by=writer, headline="Wanda's draft")
    make_article(publish=False, created_by=desk_editor, headline="Edith's draft")
    writer_panels = dashboard.panels(writer)
    assert [panel.key for panel in writer_panels] == ["drafts", "published"]
    assert headlines(panel_of(writer_panels, "drafts").articles) == ["Wanda's draft"]
    editor_keys = [panel.key for panel in dashboard.panels(desk_editor)]
    assert editor_keys == ["review", "overdue", "scheduled", "embargoed", "drafts", "published"]


def test_recently_published_and_recent_corrections(desk_editor, make_article):
    old = make_article(headline="Last week", published_at=timezone.now() - timedelta(days=7))
    new = make_article(headline="This morning")
    workflow.add_correction(old, desk_editor, "An earlier version misspelled a name.")
    assert "This morning" in headlines(dashboard.recently_published())
    assert "Last week" not in headlines(dashboard.recently_published())
    corrections = dashboard.recent_corrections()
    assert [(c.article.headline, c.text) for c in corrections] == [
        ("Last week", "An earlier version misspelled a name.")
    ]
    assert new.pk


def _fill(make_article, writer, count):
    now = timezone.now()
    for number in range(count):
        make_article(publish=False, status=Status.REVIEW, created_by=writer)
        make_article(published_at=now + timedelta(hours=number + 1))
        make_article(embargoed_until=now + timedelta(hours=number + 1))
        make_article(publish=False, created_by=writer)
        make_article()


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_home_page_costs_the_same_queries_for_2_or_12_articles_a_panel(
    client, desk_editor, writer, make_article
):
    client.force_login(desk_editor)
    _fill(make_article, desk_editor, 2)
    few, html = _home_queries(client)
    assert html.count('class="module desk-panel ') == 7
    _fill(make_article, desk_editor, 10)
    many, html = _home_queries(client)
    assert many == few
    assert html.count("desk-panel-scheduled") and "(10+)" in html


def test_the_dashboard_shows_each_time_in_newsroom_time(client, desk_editor, make_article):
    at = timezone.now() + timedelta(hours=3)
    make_article(headline="Evening piece", published_at=at)
    client.force_login(desk_editor)
    html = client.get(reverse("admin:index")).content.decode()
    scheduled = html.split('id="desk-panel-scheduled"')[1].split("</section>")[0]
    assert "Evening piece" in scheduled and workflow.local_time(at) in scheduled
