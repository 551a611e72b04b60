"""axe-core in Chromium on every public page type: any violation fails the build."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from labels.models import Label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(make_article, make_author, make_entry):
    authors = [make_author(name="Olena Kovalenko"), make_author(name="Taras Melnyk")]
    article = make_article(
        headline="Grain exports through Black Sea ports reach a two-year high",
        standfirst="Odesa's ports handled more grain than in any month since the blockade.",
        body="<p>Ships left Odesa.</p><h2>What changed</h2><p>Insurance got cheaper.</p>",
        authors=authors,
        tags=["grain", "economy"],
        photo=True,
        caption="A bulk carrier in the port of Odesa.",
    )
    make_article(tags=["grain"], photo=True)
    make_article(tags=["economy"])
    for _ in range(3):
        make_entry()
    make_entry(label=Label.objects.for_name("Video"), pinned=True)
    return {
        "feed": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": "/tags/grain/",
        "author": authors[0].get_absolute_url(),
        "search": "/search/?q=grain",
        "empty search": "/search/",
        "not found": "/articles/no-such-story/",
    }


def violations(page):
    results = Axe().run(page)
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']]}"
        for item in results.response["violations"]
    ]


@pytest.mark.parametrize(
    "kind", ["feed", "article", "section", "tag", "author", "search", "empty search", "not found"]
)
def test_page_type_has_no_axe_violations(live_server, page, site, kind):
    response = page.goto(live_server.url + site[kind])
    assert response.status == (404 if kind == "not found" else 200)

    assert violations(page) == []


@pytest.mark.parametrize("kind", ["feed", "article"])
def test_dark_scheme_keeps_contrast(live_server, page, site, kind):
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + site[kind])

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 18, 18)"  # the dark scheme is really in use
    assert violations(page) == []
