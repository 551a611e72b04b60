"""A reader's open live blog learns of new updates, key events and kills by itself, in
Chromium, under the site's Content-Security-Policy and with the page cache on, while an
editor posts from the desk in another browser."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from desk import live
from labels.models import Label
from liveblogs.models import LiveUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["tests.liveblog_factories"]

CHECK_SECONDS = 1
# One check interval (at most 10% later, by its jitter) plus the round trip.
WITHIN_ONE_CHECK = (CHECK_SECONDS * 1.1 + 1.5) * 1000

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def live_settings(page_cache, settings):
    settings.NEWSROOM_FEED_CHECK_SECONDS = CHECK_SECONDS
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    return settings


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user("edith", password="pw-edith-long", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def blog(make_live_blog, make_update):
    blog = make_live_blog()
    for minutes in (3, 2, 1):
        make_update(blog, published_at=timezone.now() - timedelta(minutes=minutes))
    return blog


@pytest.fixture
def reader_page(page, live_server, live_settings):
    """Opens a live blog as a reader; afterwards checks that nothing broke the CSP."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    def open_page(path):
        response = page.goto(live_server.url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        page.wait_for_function("document.querySelector('#live [aria-live=polite]')")
        return page

    yield open_page
    assert page.evaluate("window.cspViolations") == []


def new_update_button(page):
    return page.locator("#live").get_by_role("button", name=re.compile("new update"))


def test_an_update_posted_at_the_desk_is_announced_and_inserted_on_click(
    reader_page, blog, chromium, live_server, editor_user
):
    page = reader_page(blog.get_absolute_url())
    updates = page.locator("#live-updates > li")
    expect(updates).to_have_count(3)
    button = new_update_button(page)
    expect(button).to_be_hidden()

    desk = chromium.new_context()
    editor = desk.new_page()
    editor.goto(live_server.url + "/admin/login/?next=/admin/")
    editor.fill("#id_username", "edith")
    editor.fill("#id_password", "pw-edith-long")
    editor.click("input[type=submit]")
    editor.wait_for_url(live_server.url + "/admin/")
    editor.goto(live_server.url + f"/admin/liveblogs/liveblog/{blog.pk}/post/")
    editor.fill("#id_headline", "Ferry service suspended")
    body = editor.locator(".ProseMirror").filter(visible=True).first
    body.click()
    editor.keyboard.type("All crossings are cancelled until the wind drops.")
    editor.click("input[type=submit]")
    expect(editor.get_by_text("Posted “Ferry service suspended”")).to_be_visible()
    desk.close()
    posted = LiveUpdate.objects.get(headline="Ferry service suspended")

    expect(button).to_have_text("1 new update", timeout=WITHIN_ONE_CHECK)
    expect(page.locator("#live [aria-live=polite]")).to_have_text("1 new update.")
    expect(updates).to_have_count(3)  # nothing moves until the reader asks
    button.click()
    expect(updates).to_have_count(4)
    expect(updates.first).to_have_attribute("id", f"update-{posted.pk}")
    expect(updates.first).to_contain_text("All crossings are cancelled")
    expect(button).to_be_hidden()


def test_a_key_event_joins_the_key_events_list(reader_page, blog, editor_user):
    page = reader_page(blog.get_absolute_url())
    events = page.locator("#live [data-key-events] a")
    expect(events).to_have_count(0)
    expect(page.locator("#live .key-events")).to_be_hidden()

    key = live.post_update(
        blog, editor_user, LiveUpdate(headline="Evacuation ordered", body="<p>Leave now.</p>",
                                      is_key_event=True),
    )  # fmt: skip
    expect(new_update_button(page)).to_have_text("1 new update", timeout=WITHIN_ONE_CHECK)
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("Evacuation ordered")
    expect(events.first).to_have_attribute("href", f"#update-{key.pk}")
    # Following the link of an update not inserted yet inserts it.
    events.first.click()
    expect(page.locator(f"#update-{key.pk}")).to_be_visible()
    expect(page.locator(f"#update-{key.pk}")).to_have_class(re.compile("live-update--key"))
    expect(new_update_button(page)).to_be_hidden()


def test_a_killed_update_disappears_and_a_correction_refreshes_its_stamp(
    reader_page, blog, editor_user
):
    page = reader_page(blog.get_absolute_url())
    killed, corrected, _third = blog.updates.order_by("-published_at")
    expect(page.locator(f"#update-{killed.pk}")).to_have_count(1)
    stamp = page.locator(f"#update-{corrected.pk} .entry__updated")
    expect(stamp).to_have_count(0)

    live.kill_update(killed, editor_user, "Wrong town named.")
    corrected.body = "<p>Corrected text.</p>"
    live.edit_update(corrected, editor_user, correction="The time was wrong.")

    expect(page.locator(f"#update-{killed.pk}")).to_have_count(0, timeout=WITHIN_ONE_CHECK)
    expect(stamp).to_contain_text("(Updated: ")
    expect(page.locator("#live [aria-live=polite]")).to_have_text(
        "1 entry was removed. 1 entry was updated."
    )


def test_oldest_first_gets_new_updates_at_its_end(reader_page, blog, editor_user):
    page = reader_page(blog.get_absolute_url() + "?order=oldest")
    updates = page.locator("#live-updates > li")
    expect(updates).to_have_count(3)
    posted = live.post_update(blog, editor_user, LiveUpdate(body="<p>Latest word.</p>"))
    button = new_update_button(page)
    expect(button).to_have_text("1 new update", timeout=WITHIN_ONE_CHECK)
    button.click()
    expect(updates).to_have_count(4)
    expect(updates.last).to_have_attribute("id", f"update-{posted.pk}")


def test_show_more_appends_the_next_batch_in_place(reader_page, blog, make_update, settings):
    settings.NEWSROOM_FEED_BATCH = 2
    page = reader_page(blog.get_absolute_url())
    updates = page.locator("#live-updates > li")
    expect(updates).to_have_count(2)
    page.locator("#live").get_by_role("link", name="Show More").click()
    expect(updates).to_have_count(3)
    assert page.url.endswith(blog.get_absolute_url())  # in place, not a new page


def test_breaking_stands_out_from_other_labels(page, live_server, live_settings, make_entry):
    make_entry(headline="Explosions heard", label=Label.objects.breaking())
    make_entry(headline="Watch the launch", label=Label.objects.for_name("Video"))
    make_entry(headline="Results are in", label=Label.objects.for_name("Company news"))
    page.goto(live_server.url + "/")

    def look(name):
        return page.locator(".entry__meta a", has_text=name).evaluate(
            "(label) => { const s = getComputedStyle(label);"
            " return [s.backgroundColor, s.color, s.textTransform]; }"
        )

    breaking, video, company = look("Breaking"), look("Video"), look("Company news")
    assert breaking[0] != video[0] and breaking[0] != company[0]
    assert breaking[2] == "uppercase" and company[2] == "none"
