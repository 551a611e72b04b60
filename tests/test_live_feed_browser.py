"""A reader's open News Feed learns of new, updated and withdrawn entries by itself, in
Chromium, under the site's Content-Security-Policy and with the page cache on."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from desk import workflow
from feed.models import FeedEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECK_SECONDS = 1
# One check interval (at most 10% later, by its jitter) plus the round trip.
WITHIN_ONE_CHECK = (CHECK_SECONDS * 1.1 + 1.5) * 1000
# One interval on an installed clock, its jitter included.
ONE_CHECK = CHECK_SECONDS * 1000 * 1.1

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def live_feed(page_cache, settings):
    """Production's page cache and CSP; open pages check every CHECK_SECONDS."""
    settings.NEWSROOM_FEED_CHECK_SECONDS = CHECK_SECONDS
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    return settings


@pytest.fixture
def reader_page(page, live_server, live_feed):
    """Opens `path` as a reader, and afterwards checks that nothing broke the CSP."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    checks = []
    page.on("requestfinished", lambda r: "/feed/updates/" in r.url and checks.append(r.url))

    def open_page(path="/"):
        response = page.goto(live_server.url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        expect(page.locator("[data-live]")).to_have_count(1)
        page.wait_for_function("document.querySelector('[data-live] [aria-live=polite]')")
        return page

    open_page.checks = checks
    yield open_page
    assert page.evaluate("window.cspViolations") == []


def publish_entry(headline):
    return FeedEntry.objects.create(headline=headline, published_at=timezone.now())


def test_a_new_entry_is_announced_and_inserted_on_one_click(reader_page, make_entry):
    for minutes in range(1, 4):
        make_entry(published_at=timezone.now() - timedelta(minutes=minutes))
    page = reader_page("/")
    entries = page.locator("#feed-entries > li")
    expect(entries).to_have_count(3)
    button = page.get_by_role("button", name=re.compile("new update"))
    expect(button).to_be_hidden()

    entry = publish_entry("Air defence downs drones over Kyiv")
    expect(button).to_have_text("1 new update", timeout=WITHIN_ONE_CHECK)
    status = page.locator("[data-live] [aria-live=polite]")
    expect(status).to_have_text("1 new update.")
    expect(entries).to_have_count(3)  # nothing moves until the reader asks

    button.click()
    expect(entries).to_have_count(4)
    expect(entries.first).to_have_attribute("data-entry", str(entry.pk))
    expect(entries.first).to_contain_text("Air defence downs drones over Kyiv")
    expect(button).to_be_hidden()
    # Keyboard and screen-reader users go on from the first new entry.
    expect(entries.first.get_by_role("link")).to_be_focused()


def test_inserting_above_keeps_what_the_reader_is_reading_in_place(reader_page, make_entry, page):
    page.set_viewport_size({"width": 800, "height": 600})
    for minutes in range(1, 26):
        make_entry(published_at=timezone.now() - timedelta(minutes=minutes))
    reader_page("/")
    tenth = page.locator("#feed-entries > li").nth(10).get_attribute("data-entry")
    reading = page.locator(f"[data-entry='{tenth}']")
    reading.evaluate("(entry) => window.scrollBy(0, entry.getBoundingClientRect().top - 100)")
    top_before = reading.evaluate("(entry) => entry.getBoundingClientRect().top")

    publish_entry("Power restored in Kharkiv")
    button = page.get_by_role("button", name="1 new update")
    expect(button).to_be_visible(timeout=WITHIN_ONE_CHECK)  # it stays in view
    assert reading.evaluate("(entry) => entry.getBoundingClientRect().top") == pytest.approx(
        top_before, abs=1
    )

    button.press("Enter")
    expect(page.locator("#feed-entries > li")).to_have_count(21)
    expect(page.locator("#feed-entries > li").first).to_contain_text("Power restored in Kharkiv")
    top_after = reading.evaluate("(entry) => entry.getBoundingClientRect().top")
    assert top_after == pytest.approx(top_before, abs=1)


def test_a_killed_article_disappears_and_an_update_refreshes_its_stamp(
    reader_page, make_article, make_entry, desk_editor, page
):
    story = make_article(headline="Dam breach reported near Nova Kakhovka")
    updated = make_entry(headline="Evacuation under way", published_at=timezone.now())
    reader_page("/")
    killed = page.locator(f"[data-entry='{story.feed_entry.pk}']")
    expect(killed).to_have_count(1)
    stamp = page.locator(f"[data-entry='{updated.pk}'] .entry__updated")
    expect(stamp).to_have_count(0)

    workflow.kill(story, desk_editor, "Withdrawn: the report could not be verified.")
    updated.mark_updated()

    expect(killed).to_have_count(0, timeout=WITHIN_ONE_CHECK)
    expect(stamp).to_contain_text("(Updated: ")
    status = page.locator("[data-live] [aria-live=polite]")
    expect(status).to_have_text("1 entry was removed. 1 entry was updated.")


def test_the_article_sidebar_updates_itself(reader_page, make_article, page):
    story = make_article(headline="Grain corridor reopens")
    reader_page(story.get_absolute_url())
    entries = page.locator("#sidebar-entries > li")
    expect(entries).to_have_count(1)

    entry = publish_entry("Ships leave Odesa")
    button = page.get_by_role("button", name="1 new update")
    expect(button).to_be_visible(timeout=WITHIN_ONE_CHECK)
    button.click()
    expect(entries).to_have_count(2)
    expect(entries.first).to_have_attribute("data-entry", str(entry.pk))


def test_unchanged_answers_are_revalidated_not_resent(reader_page, make_entry, page):
    make_entry()
    statuses = raw_statuses_of_checks(page)
    page.clock.install()
    reader_page("/")
    wait_for(lambda: len(statuses) == 1, page)
    for checks in (2, 3):  # nothing changed meanwhile
        page.clock.run_for(ONE_CHECK)
        wait_for(lambda checks=checks: len(statuses) == checks, page)
    assert statuses == [200, 304, 304]


def raw_statuses_of_checks(page):
    """The statuses the server sent for the checks (the page's script sees a 304 as the
    cached 200 it revalidated)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    checks, statuses = set(), []

    def sent(event):
        if "/feed/updates/" in event["request"]["url"]:
            checks.add(event["requestId"])

    def answered(event):
        if event["requestId"] in checks:
            statuses.append(event["statusCode"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceivedExtraInfo", answered)
    return statuses


def test_a_hidden_tab_asks_less_often_and_an_idle_one_stops(reader_page, live_feed, page):
    live_feed.NEWSROOM_FEED_IDLE_SECONDS = 60
    page.clock.install()
    reader_page("/")
    checks = reader_page.checks
    wait_for(lambda: len(checks) == 1, page)  # at once, as the page opens

    page.clock.run_for(ONE_CHECK)
    wait_for(lambda: len(checks) == 2, page)

    # Hidden: five intervals between checks instead of one.
    page.evaluate(
        """() => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.clock.run_for(ONE_CHECK)  # the check already due
    wait_for(lambda: len(checks) == 3, page)
    page.clock.run_for(CHECK_SECONDS * 1000 * 4)
    assert len(checks) == 3
    page.clock.run_for(CHECK_SECONDS * 1000 * 1.6)
    wait_for(lambda: len(checks) == 4, page)

    # Idle for longer than the server allows: no more checks, until the reader is back.
    page.clock.run_for(61_000)
    page.wait_for_timeout(300)  # the last check, asked before the page fell idle, lands
    settled = len(checks)
    page.clock.run_for(600_000)
    assert len(checks) == settled
    page.mouse.move(10, 10)
    wait_for(lambda: len(checks) == settled + 1, page)


def wait_for(condition, page):
    """Lets the page's requests (real, not on the installed clock) land, and the script
    read the answer."""
    for _ in range(200):
        if condition():
            page.wait_for_timeout(100)
            return
        page.wait_for_timeout(10)
    raise AssertionError("The page did not do what was expected in time.")
