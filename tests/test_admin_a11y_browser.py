"""axe-core in Chromium, under the production Content-Security-Policy, on every admin page
an editor uses: any violation fails the build."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from desk import autosave
from tests.editing_browser import csp_violations, log_in
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(django_user_model, make_article, make_author, make_photo, make_entry):
    make_staff(django_user_model, "edith", "Editor")
    photo = make_photo(caption="Rescue workers in Kharkiv", credit="Jo Bloggs/Agency")
    article = make_article(
        headline="Rescuers search the rubble in Kharkiv",
        body="<p>Rescue teams worked <strong>through the night</strong>.</p>",
        authors=[make_author(name="Olena Kovalenko")],
        tags=["kharkiv"],
        photo=photo,
        caption="Rescuers at the site",
    )
    article.headline = "Rescuers search the rubble in Kharkiv for a second day"
    article.save()
    old, new = list(article.revisions.order_by("saved_at", "id"))[-2:]
    entry = make_entry(headline="Air raid alert in Kyiv")
    base = "/admin/"
    return {
        "admin home": base,
        "article list": f"{base}articles/article/",
        "article add": f"{base}articles/article/add/",
        "article change": f"{base}articles/article/{article.pk}/change/",
        "feed entry list": f"{base}feed/feedentry/",
        "feed entry add": f"{base}feed/feedentry/add/",
        "feed entry change": f"{base}feed/feedentry/{entry.pk}/change/",
        "photo list": f"{base}photos/photo/",
        "photo add": f"{base}photos/photo/add/",
        "photo change": f"{base}photos/photo/{photo.pk}/change/",
        "breaking news": f"{base}feed/feedentry/breaking/",
        "revisions": f"{base}articles/article/{article.pk}/revisions/",
        "revision comparison": (
            f"{base}articles/article/{article.pk}/revisions/compare/"
            f"?revision={old.pk}&revision={new.pk}"
        ),
    }


def violations(page):
    results = Axe().run(page)
    return [
        f"{item['id']} ({item['impact']}): {[node['html'][:200] for node in item['nodes']]}"
        for item in results.response["violations"]
    ]


@pytest.mark.parametrize(
    "name",
    [
        "admin home", "article list", "article add", "article change", "feed entry list",
        "feed entry add", "feed entry change", "photo list", "photo add", "photo change",
        "breaking news", "revisions", "revision comparison",
    ],
)  # fmt: skip
def test_admin_page_has_no_axe_violations(live_server, page, desk, name):
    log_in(page, live_server, "edith")

    response = page.goto(live_server.url + desk[name])
    assert response.status == 200
    assert "script-src" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")

    assert violations(page) == []
    assert csp_violations(page) == []


def test_writers_article_form_has_no_axe_violations(
    live_server, page, django_user_model, make_article
):
    writer = make_staff(django_user_model, "wanda", "Writer")
    article = make_article(publish=False, created_by=writer, photo=True)
    log_in(page, live_server, "wanda")

    for url in ["/admin/articles/article/add/", f"/admin/articles/article/{article.pk}/change/"]:
        response = page.goto(live_server.url + url)
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        assert violations(page) == []
        assert csp_violations(page) == []


def test_article_form_with_a_draft_offer_in_the_dark_scheme_has_no_axe_violations(
    live_server, page, django_user_model, make_article, make_photo
):
    editor = make_staff(django_user_model, "edith", "Editor")
    make_photo(caption="Rescue workers in Kharkiv")
    article = make_article(photo=True)
    autosave.keep(article, editor, {"headline": "Typed", "loaded_version": ""})
    page.emulate_media(color_scheme="dark")
    log_in(page, live_server, "edith")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".desk-draft").is_visible()
    assert violations(page) == []
    page.locator("#lead-0").get_by_role("button", name="Browse photos").click()
    page.locator(".photo-choice").first.wait_for()
    assert violations(page) == []
    assert csp_violations(page) == []
