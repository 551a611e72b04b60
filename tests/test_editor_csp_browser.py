"""The body editor under the production Content-Security-Policy: what a writer types is
what is stored, character for character, with no inline style or script refused."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def log_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def choose(page, select_id, text):
    page.locator(f"#{select_id} ~ .select2 .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


@pytest.fixture
def writer_page(page, live_server, django_user_model, settings):
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in(page, live_server, make_staff(django_user_model, "wanda", "Writer"))
    yield page
    assert page.evaluate("window.cspViolations") == []


def test_typed_paragraph_with_bold_and_link_is_stored_exactly(
    writer_page, live_server, make_section
):
    page = writer_page
    make_section(name="Ukraine", slug="ukraine")
    response = page.goto(live_server.url + "/admin/articles/article/add/")
    policy = response.headers["content-security-policy"]
    assert "style-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    choose(page, "id_section", "Ukraine")
    page.fill("#id_headline", "Grain corridor reopens")
    page.fill("#id_standfirst", "Ships leave Odesa again.")
    editor = page.locator(".ProseMirror").filter(visible=True).first
    # The box is several lines high before anything is typed.
    assert editor.bounding_box()["height"] > 200
    editor.click()
    page.keyboard.type("Ships left Odesa on ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Tuesday morning")
    page.keyboard.press("Control+b")
    page.keyboard.type(" after talks, said the ")
    page.keyboard.type("ministry")
    for _ in "ministry":
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_title("insert link").click()
    page.locator("dialog[open] input[name=href]").fill("https://example.com/ministry")
    page.locator("dialog[open] button[type=submit]").click()
    expect(editor.locator('a[href="https://example.com/ministry"]')).to_have_text("ministry")
    page.keyboard.press("End")
    page.keyboard.type(".")
    page.locator("input[name=_save], button[name=_save]").first.click()
    expect(page.locator(".messagelist .success")).to_have_count(1)

    article = Article.objects.get(headline="Grain corridor reopens")
    assert article.body == (
        "<p>Ships left Odesa on <strong>Tuesday morning</strong> after talks, said the "
        '<a href="https://example.com/ministry" rel="noopener noreferrer">ministry</a>.</p>'
    )
