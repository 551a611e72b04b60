"""The desk's publishing panel, states, dashboard, audit log and revision colours in
Chromium, under the production Content-Security-Policy."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import AuditEntry, State
from desk import workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

# WCAG's contrast ratio of an element's text against its own background.
CONTRAST = """
element => {
  const style = getComputedStyle(element);
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = rgb(style.backgroundColor);
  if (background.length === 4 && background[3] === 0) return 0;
  const [a, b] = [luminance(rgb(style.color)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


@pytest.fixture
def strict_csp():
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", f"pw-{username}-long", is_staff=True,
        first_name=username.capitalize(),
    )  # fmt: skip
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(chromium, live_server, username):
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-long")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


def violations(page):
    return page.evaluate("window.cspViolations")


def test_the_publishing_panel_is_at_the_top_with_a_visible_kill_button_and_no_status_box(
    live_server, chromium, django_user_model, make_article, strict_csp
):
    staff(django_user_model, "edith", "Editor")
    article = make_article(photo=True, headline="Dam breach downstream")
    context, page = logged_in(chromium, live_server, "edith")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    panel = page.locator("#desk-publishing")
    first_fieldset = page.locator("#article_form fieldset.module").first
    assert panel.bounding_box()["y"] < first_fieldset.bounding_box()["y"]
    assert panel.bounding_box()["y"] < 400  # in view when the form opens
    assert page.locator("[name=status]").count() == 0
    state = page.locator("#desk-state")
    assert state.inner_text() == f"Published: {workflow.local_time(article.published_at)}"
    assert "/preview/" in page.locator("#desk-preview-link").get_attribute("href")
    assert page.locator("#desk-last-saved").is_visible()

    kill = page.locator("button[name=_workflow][value=kill]")
    assert kill.is_visible() and kill.inner_text() == "Kill"
    assert kill.evaluate(CONTRAST) >= 4.5
    for step in ("publish", "schedule", "unpublish"):
        assert page.locator(f"button[name=_workflow][value={step}]").evaluate(CONTRAST) >= 4.5

    hint = workflow.time_zone_hint()
    assert hint in page.locator("label[for=id__schedule_at]").inner_text()
    assert hint in page.locator("#id_embargoed_until_helptext").inner_text()

    # Enter in a box saves the form: it never presses a workflow step.
    page.fill("#id_headline", "Dam breach downstream, villages evacuated")
    page.press("#id_headline", "Enter")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.headline == "Dam breach downstream, villages evacuated"
    assert article.state == State.PUBLISHED
    assert not AuditEntry.objects.filter(article=article).exists()

    # Scheduled from the panel: the panel and the message give the time it goes out.
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    page.fill("#id__schedule_at", at.strftime("%Y-%m-%dT%H:%M"))
    page.click("button[name=_workflow][value=schedule]")
    page.wait_for_selector(".messagelist .success")
    message = page.locator(".messagelist .success").inner_text()
    assert message == f"Scheduled, not public yet: readers see it from {workflow.local_time(at)}."
    assert page.locator("#desk-state").inner_text() == f"Scheduled: {workflow.local_time(at)}"
    assert page.locator("#desk-scheduled-for").inner_text() == workflow.local_time(at)
    article.refresh_from_db()
    assert article.state == State.SCHEDULED and article.published_at == at
    assert violations(page) == []

    # The audit log: the move, before and after, in newsroom time with its offset.
    page.goto(live_server.url + "/admin/articles/auditentry/")
    moved = AuditEntry.objects.get(action=workflow.TIME_CHANGE)
    row = page.locator("#result_list tbody tr", has_text="time change")
    assert workflow.local_time(moved.at) in row.inner_text()
    assert f"to {workflow.local_time(at)}." in row.inner_text()
    assert "(UTC" in row.locator("td.field-when, th.field-when").inner_text()
    assert violations(page) == []
    context.close()


def test_lists_and_the_dashboard_tell_every_state_apart_with_times(
    live_server, chromium, django_user_model, make_article, strict_csp
):
    editor = staff(django_user_model, "edith", "Editor")
    now = timezone.now()
    scheduled = make_article(headline="Goes out tonight", published_at=now + timedelta(hours=4))
    embargoed = make_article(
        headline="Held until the minister speaks",
        published_at=now - timedelta(hours=3),
        embargoed_until=now + timedelta(hours=2),
    )
    make_article(headline="Out this morning")
    make_article(publish=False, headline="Waiting for an editor", status="review")
    make_article(publish=False, headline="Edith's own draft", created_by=editor)
    context, page = logged_in(chromium, live_server, "edith")

    page.goto(live_server.url + "/admin/articles/article/")

    def row(headline):
        return page.locator("#result_list tbody tr", has_text=headline)

    assert row("Goes out tonight").locator(".desk-state").inner_text() == "Scheduled"
    assert workflow.local_time(scheduled.published_at) in row("Goes out tonight").inner_text()
    held = row("Held until the minister speaks")
    assert held.locator(".desk-state").inner_text() == "Embargoed"
    assert workflow.local_time(embargoed.embargoed_until) in held.inner_text()
    assert workflow.local_time(embargoed.published_at) not in held.inner_text()
    assert row("Out this morning").locator(".desk-state").inner_text() == "Published"
    assert row("Waiting for an editor").locator(".desk-state").inner_text() == "In review"
    assert row("Edith's own draft").locator(".desk-state").inner_text() == "Draft"
    colours = {
        page.locator(f".desk-state--{state}").first.evaluate(
            "element => getComputedStyle(element).backgroundColor"
        )
        for state in ("scheduled", "embargoed", "published", "review", "draft")
    }
    assert len(colours) == 5  # told apart at a glance, not only by their words

    page.click("#changelist-filter a:text-is('Scheduled')")
    page.wait_for_url("**state=scheduled**")
    assert page.locator("#result_list tbody tr").count() == 1

    page.goto(live_server.url + "/admin/")
    expected = {
        "review": "Waiting for an editor",
        "scheduled": "Goes out tonight",
        "embargoed": "Held until the minister speaks",
        "drafts": "Edith's own draft",
        "published": "Out this morning",
    }
    for key, headline in expected.items():
        assert headline in page.locator(f"#desk-panel-{key}").inner_text(), key
    embargo_panel = page.locator("#desk-panel-embargoed").inner_text()
    assert workflow.local_time(embargoed.embargoed_until) in embargo_panel
    assert workflow.local_time(embargoed.published_at) not in embargo_panel
    assert page.locator("#desk-panel-overdue").inner_text().endswith("Nothing is overdue.")
    assert violations(page) == []
    context.close()


def test_the_revision_comparison_keeps_its_colours_under_the_csp(
    live_server, chromium, django_user_model, make_article, strict_csp
):
    editor = staff(django_user_model, "edith", "Editor")
    article = make_article(photo=True, standfirst="Three people were saved.")
    article.standfirst = "Four people were saved."
    workflow.save_changes(article, editor)
    new, old = article.revisions.order_by("-id")[:2]
    context, page = logged_in(chromium, live_server, "edith")
    page.goto(
        f"{live_server.url}/admin/articles/article/{article.pk}/revisions/compare/"
        f"?revision={old.pk}&revision={new.pk}"
    )
    background = "element => getComputedStyle(element).backgroundColor"
    added = page.locator(".revision-diff__field ins", has_text="Four")
    removed = page.locator(".revision-diff__field del", has_text="Three")
    assert added.evaluate(background) == "rgb(212, 245, 212)"
    assert removed.evaluate(background) == "rgb(251, 211, 211)"
    assert removed.evaluate("element => getComputedStyle(element).textDecorationLine") == (
        "line-through"
    )
    assert violations(page) == []
    context.close()
