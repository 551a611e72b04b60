import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_show_more_appends_the_next_twenty_entries_in_place(live_server, page, make_entry):
    for _ in range(45):
        make_entry()

    page.goto(live_server.url + "/")
    entries = page.locator("#feed-entries > li")
    assert entries.count() == 20
    url_before = page.url

    page.get_by_role("link", name="Show More").click()
    expect(entries).to_have_count(40)
    assert page.url == url_before  # appended in place, not a new page
    headlines = entries.locator("h3").all_inner_texts()
    assert len(set(headlines)) == 40

    page.get_by_role("link", name="Show More").click()
    expect(entries).to_have_count(45)
    assert page.get_by_role("link", name="Show More").count() == 0
