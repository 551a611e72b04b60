"""A rich story in Chromium under the production CSP: an editor inserts a photo, a gallery
and a YouTube video in the body editor and publishes; the reader's page asks nothing of
YouTube until the reader presses play, and then shows the player."""

import json
import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Status
from embeds import models as embed_models
from embeds.models import Embed
from lib import fetching
from tests.conftest import jpeg_bytes
from tests.staff import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PLAYER = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"


@pytest.fixture
def youtube_answers(monkeypatch):
    """YouTube's oEmbed endpoint and image host, answered in memory (never the internet)."""

    def fetch(url, *, allowed_hosts, max_bytes):
        fetching.check_url(url, allow_private=True, allowed_hosts=allowed_hosts)
        if url.startswith("https://www.youtube.com/oembed?"):
            return json.dumps(
                {
                    "title": "Rescuers reach the flooded village",
                    "author_name": "Newsroom Video",
                    "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
                }
            ).encode()
        if url.startswith("https://i.ytimg.com/"):
            return jpeg_bytes((480, 360), color=(30, 90, 160))
        raise fetching.FetchRefused(f"could not fetch {url}")

    monkeypatch.setattr(embed_models, "fetch", fetch)


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


def pick_photos(page, captions, own_captions=None):
    dialog = page.locator("dialog.newsroom-dialog[open]")
    for caption in captions:
        dialog.get_by_role("button", name=f"Choose photo: {caption}").click()
    for index, text in enumerate(own_captions or []):
        dialog.locator(".newsroom-chooser__selection input").nth(index).fill(text)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)


def test_editor_inserts_photo_gallery_and_video_and_readers_load_the_player_on_click(
    chromium, live_server, django_user_model, make_section, make_author, make_photo,
    youtube_answers, settings,
):  # fmt: skip
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    make_section(name="Ukraine", slug="ukraine")
    make_author(name="Olena Kovalenko", slug="olena-kovalenko")
    make_photo(caption="Flooded street in Kherson", alt_text="A flooded street")
    inline = make_photo(
        caption="Volunteers load a boat", alt_text="Volunteers lift boxes into a boat",
        credit="Ann Agency",
    )  # fmt: skip
    first = make_photo(caption="Gallery one", alt_text="Water up to the windows", credit="Bo")
    second = make_photo(caption="Gallery two", alt_text="A rescued dog", credit="Cy")
    editor_user = make_staff(django_user_model, "edith", "Editor")

    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in(page, live_server, editor_user)
    page.goto(live_server.url + "/admin/articles/article/add/")
    choose(page, "id_section", "Ukraine")
    page.fill("#id_headline", "Rescuers reach the flooded village")
    page.fill("#id_standfirst", "Boats reached the last families on Sunday.")
    choose(page, "id_credits-0-author", "Olena")
    choose(page, "id_lead-0-photo", "Flooded street")

    editor = page.locator(".ProseMirror").filter(visible=True).first
    editor.click()
    page.keyboard.type("Boats reached the village at dawn.")
    page.get_by_title("Insert photo").click()
    pick_photos(page, ["Volunteers load a boat"], ["Volunteers at the pier"])
    page.get_by_title("Insert gallery").click()
    pick_photos(page, ["Gallery one", "Gallery two"])
    editor.press("Control+End")  # the video goes at the end of the story
    page.get_by_title("Embed a video, post or chart").click()
    page.locator("dialog[open] input[name=url]").fill("https://evil.example/video/1")
    page.locator("dialog[open] button[type=submit]").click()
    expect(page.locator("dialog[open]")).to_contain_text("evil.example is not a provider we embed")
    # An internal address (the cloud's metadata service) is refused the same way.
    page.locator("dialog[open] input[name=url]").fill("http://169.254.169.254/latest/meta-data/")
    page.locator("dialog[open] button[type=submit]").click()
    expect(page.locator("dialog[open]")).to_contain_text(
        "169.254.169.254 is not a provider we embed"
    )
    page.locator("dialog[open] input[name=url]").fill(VIDEO)
    page.locator("dialog[open] button[type=submit]").click()
    expect(editor.locator("[data-embed]")).to_have_count(1)
    expect(editor.locator("[data-photo]")).to_have_count(3)

    page.click("button[name=_workflow][value=publish]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    assert page.evaluate("window.cspViolations") == []
    context.close()

    article = Article.objects.get(headline="Rescuers reach the flooded village")
    embed = Embed.objects.get()
    assert article.status == Status.PUBLISHED and article.is_public
    assert article.body == (
        "<p>Boats reached the village at dawn.</p>"
        f'<figure data-photo="{inline.pk}"><figcaption>Volunteers at the pier</figcaption></figure>'
        f'<div class="gallery"><figure data-photo="{first.pk}"><figcaption>Gallery one'
        f'</figcaption></figure><figure data-photo="{second.pk}"><figcaption>Gallery two'
        "</figcaption></figure></div>"
        f'<figure data-embed="{embed.pk}"><a href="{VIDEO}" rel="noopener noreferrer">'
        "Rescuers reach the flooded village</a></figure>"
    )
    assert embed.player_url == PLAYER and embed.thumbnail

    # The reader: every request stays on the site until the play button is pressed.
    reader = chromium.new_context()
    page = reader.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>player</p>"),
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    assert not [cookie for cookie in reader.cookies() if "youtube" in cookie["domain"]]

    body_photo = page.locator("figure.body-photo")
    expect(body_photo).to_contain_text("Volunteers at the pier")
    expect(body_photo).to_contain_text("(Ann Agency)")
    image = body_photo.locator("img")
    assert image.get_attribute("alt") == "Volunteers lift boxes into a boat"
    assert image.get_attribute("width") == str(inline.width)
    assert image.get_attribute("height") == str(inline.height)
    assert image.get_attribute("srcset") == inline.srcset_jpeg
    assert image.get_attribute("sizes") == "(min-width: 960px) 640px, 100vw"
    assert image.get_attribute("loading") == "lazy"
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert body_photo.locator("source").first.get_attribute("type") in {"image/avif", "image/webp"}

    gallery = page.locator("section.gallery")
    expect(gallery.locator("li")).to_have_count(2)
    assert gallery.locator("img").nth(1).get_attribute("alt") == "A rescued dog"
    expect(gallery.locator("figcaption").nth(1)).to_have_text("Gallery two (Cy)")

    placeholder = page.locator("figure.embed--video")
    expect(placeholder.locator("a.embed__link")).to_have_attribute("href", VIDEO)
    assert placeholder.locator("img.embed__thumbnail").get_attribute("src").startswith("/media/")
    expect(page.locator("iframe")).to_have_count(0)
    placeholder.get_by_role("button", name="Play video: Rescuers reach the flooded village").click()
    frame = placeholder.locator("iframe.embed__frame")
    expect(frame).to_have_attribute("src", PLAYER)
    expect(frame).to_have_attribute("title", "Rescuers reach the flooded village")
    page.wait_for_load_state("networkidle")
    assert any(url.startswith("https://www.youtube-nocookie.com/embed/") for url in requests)
    assert page.evaluate("window.cspViolations") == []
    reader.close()


# Everything the sanitiser keeps, as the editor writes it: opened and saved again in the
# editor, not a tag, attribute or character is lost.
EVERY_BLOCK = (
    "<h2>Heading</h2>"
    "<p>Text <strong>bold</strong> <em>italic</em> <s>struck</s> <del>deleted</del> "
    "<ins>inserted</ins> H<sub>2</sub>O x<sup>2</sup> <code>a &lt; b &amp;&amp; c</code> "
    '<abbr title="North Atlantic Treaty Organization">NATO</abbr> <cite>The Times</cite> '
    '<time datetime="2024-02-24">24 February</time> <span lang="uk" dir="ltr">Слава Україні'
    '</span> <a href="https://example.com/" rel="noopener noreferrer">link</a></p>'
    '<blockquote cite="https://example.com/speech"><p>A quote with its source.</p></blockquote>'
    '<blockquote class="pull-quote"><p>We will rebuild.</p></blockquote>'
    '<aside class="fact-box"><h3>Key facts</h3><p>Three ports.</p></aside>'
    '<aside class="note"><p>This story was updated.</p></aside>'
    "<pre><code>if (a &lt; b &amp;&amp; c) {}</code></pre>"
    "<hr>"
    '<ol start="3"><li><p>three</p></li></ol>'
    "<table><caption>Grain exports</caption><tbody>"
    '<tr><th scope="col"><p>Port</p></th><th scope="col"><p>Tonnes</p></th></tr>'
    '<tr><th scope="row"><p>Odesa</p></th><td><p>1,000</p></td></tr>'
    '<tr><td colspan="2"><p>Three ports in all</p></td></tr></tbody></table>'
)


def test_the_editor_keeps_every_block_the_sanitiser_allows(
    chromium, live_server, django_user_model, make_article, make_photo, settings
):
    photo = make_photo(caption="Port at night")
    embed = Embed.objects.create(
        url=VIDEO, provider="youtube", kind="video", title="Ships", player_url=PLAYER
    )
    body = (
        EVERY_BLOCK
        + f'<figure data-photo="{photo.pk}"><figcaption>Own caption</figcaption></figure>'
        + f'<div class="gallery"><figure data-photo="{photo.pk}"></figure></div>'
        + f'<figure data-embed="{embed.pk}"><a href="{VIDEO}" rel="noopener noreferrer">Ships'
        "</a></figure>"
    )
    article = make_article(publish=False, body=body)
    assert article.body == body  # the sanitiser keeps all of it
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in(page, live_server, make_staff(django_user_model, "edith", "Editor"))
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor = page.locator(".ProseMirror").filter(visible=True).first
    # Writers see each photo block with its thumbnail and caption, each embed with its title.
    block = editor.locator(f'figure[data-photo="{photo.pk}"]').first
    expect(block.locator("img")).to_have_attribute("src", re.compile(r"^/media/renditions/"))
    expect(block).to_contain_text("Port at night: Own caption")
    expect(editor.locator(f'figure[data-embed="{embed.pk}"]')).to_contain_text("Embed: Ships")
    editor.locator("h2").click()
    page.keyboard.press("End")
    page.keyboard.type("!")  # the editor writes the whole body again
    page.keyboard.press("Backspace")
    page.locator("input[name=_save], button[name=_save]").first.click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    assert page.evaluate("window.cspViolations") == []
    context.close()
    article.refresh_from_db()
    assert article.body == body
