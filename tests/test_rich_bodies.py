"""Rich story bodies: what the sanitiser keeps of every new block (and what it refuses),
how photos, galleries and embeds are rendered for readers, feeds and search engines, and
the credit and alt rules for photos inside a published body."""

import json
import re

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import body as body_markup
from articles import text
from articles.models import Article, BodyPhoto, Status
from desk.content_checks import check_content
from embeds.models import Embed
from photos import images
from photos.models import Photo
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def youtube(video_id="dQw4w9WgXcQ", title="Rescue in Kharkiv"):
    return Embed.objects.create(
        url=f"https://www.youtube.com/watch?v={video_id}",
        provider="youtube",
        kind="video",
        title=title,
        player_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1",
    )


# The sanitiser: every new block, allowed and hostile -------------------------------------

KEPT = [
    # tables with caption, header cells, scope and spans
    '<table><caption>Grain exports</caption><tbody><tr><th scope="col" colspan="2">Port</th>'
    '<th scope="row" rowspan="3">Tonnes</th></tr><tr><td colspan="2">Odesa</td>'
    "<td>1</td></tr></tbody></table>",
    # pull quote, fact box and note
    '<blockquote class="pull-quote"><p>We will rebuild.</p></blockquote>',
    '<aside class="fact-box"><h3>Key facts</h3><p>Three ports.</p></aside>',
    '<aside class="note"><p>This story was updated.</p></aside>',
    # quotes with their source
    '<blockquote cite="https://example.com/speech"><p>Words <cite>The Speech</cite></p>'
    "</blockquote>",
    # formatting newsroom copy uses
    "<p><b>bold</b> <i>italic</i> <strong>strong</strong> <em>em</em></p>",
    "<p><code>a &lt; b &amp;&amp; c</code></p>",
    "<pre><code>if (a &lt; b &amp;&amp; c) {}</code></pre>",
    "<p>H<sub>2</sub>O and E = mc<sup>2</sup></p>",
    '<p><abbr title="North Atlantic Treaty Organization">NATO</abbr></p>',
    "<hr>",
    "<p><s>old</s> <del>removed</del> <ins>added</ins></p>",
    '<p><time datetime="2024-02-24T05:00+02:00">24 February</time></p>',
    '<p>He said: <span lang="uk">Слава Україні</span> and <span lang="ru" dir="ltr">нет</span>'
    ' and <span lang="ar" dir="rtl">مرحبا</span></p>',
    # photos, galleries and embeds by reference
    '<figure data-photo="12"><figcaption>Rescuers at work</figcaption></figure>',
    '<div class="gallery"><figure data-photo="1"></figure><figure data-photo="2"></figure></div>',
    '<figure data-embed="5"><a href="https://youtu.be/x" rel="noopener noreferrer">Video</a>'
    "</figure>",
    '<ol start="3"><li>three</li></ol>',
]


@pytest.mark.parametrize("html", KEPT)
def test_every_block_the_editor_offers_survives_the_sanitiser_unchanged(html):
    assert text.sanitize_html(html) == html


HOSTILE = [
    # no event handlers, no style, no unknown attributes on the new blocks
    ('<table onclick="x()" style="color:red"><tr><td onmouseover="y()">1</td></tr></table>',
     "<table><tbody><tr><td>1</td></tr></tbody></table>"),
    ('<aside class="fact-box" style="position:fixed" onload="x()"><p>f</p></aside>',
     '<aside class="fact-box"><p>f</p></aside>'),
    # classes outside the allowlist go; allowed ones stay
    ('<blockquote class="pull-quote evil"><p>q</p></blockquote>',
     '<blockquote class="pull-quote"><p>q</p></blockquote>'),
    # only numbers name photos and embeds
    ('<figure data-photo="12 onload=alert(1)"></figure><figure data-embed="javascript:x"></figure>',
     "<figure></figure><figure></figure>"),
    ('<figure data-photo="3" data-src="https://evil.example/x.jpg"></figure>',
     '<figure data-photo="3"></figure>'),
    # scope, spans, dir, lang and datetime only take their own kind of value
    ('<table><tr><th scope="x onclick" colspan="2;" rowspan="-1">a</th></tr></table>',
     "<table><tbody><tr><th>a</th></tr></tbody></table>"),
    ('<p><span dir="evil" lang="en&quot;onload">x</span></p>', "<p><span>x</span></p>"),
    # language and direction go on a marked quote, nowhere else
    ('<p lang="uk" dir="rtl" title="t">x</p><h2 lang="ru">y</h2>', "<p>x</p><h2>y</h2>"),
    ('<p><time datetime="javascript:alert(1)">t</time></p>', "<p><time>t</time></p>"),
    # quote sources, like links, are http(s) addresses only
    ('<blockquote cite="javascript:alert(1)"><p>q</p></blockquote>',
     "<blockquote><p>q</p></blockquote>"),
    ('<blockquote cite="data:text/html,x"><p>q</p></blockquote>',
     "<blockquote><p>q</p></blockquote>"),
    ('<p><a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a></p>',
     '<p><a rel="noopener noreferrer">j</a><a rel="noopener noreferrer">d</a></p>'),
    # embeds and images come by reference only: raw ones are removed with their scripts
    ('<p>a</p><iframe src="https://evil.example/"></iframe><script>alert(1)</script>'
     '<img src="x" onerror="alert(1)"><object data="x"></object><style>p{}</style>',
     "<p>a</p>"),
    ('<div class="gallery" onclick="x()"><svg><script>alert(1)</script></svg></div>',
     '<div class="gallery"></div>'),
]  # fmt: skip


@pytest.mark.parametrize(("hostile", "kept"), HOSTILE)
def test_hostile_variants_of_the_new_blocks_are_disarmed(hostile, kept):
    assert text.sanitize_html(hostile) == kept


def test_code_keeps_less_than_and_ampersand_as_typed(make_article, reader):
    article = make_article(body="<pre><code>if (a &lt; b &amp;&amp; c) {}</code></pre>")
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<pre><code>if (a &lt; b &amp;&amp; c) {}</code></pre>" in html
    assert text.plain_text(article.body) == "if (a < b && c) {}"


# Rendering for readers ---------------------------------------------------------------------


def test_inline_photo_is_a_figure_with_picture_srcset_sizes_and_credit(
    make_article, make_photo, reader
):
    photo = make_photo(alt_text="Rescuers carry a stretcher", credit="Jo Bloggs/Agency")
    article = make_article(
        body=f'<p>Before.</p><figure data-photo="{photo.pk}"><figcaption>At the <em>site</em>'
        "</figcaption></figure><p>After.</p>"
    )
    html = reader.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-photo">.*?</figure>', html, re.DOTALL).group(0)
    for fmt in images.PREFERRED_FORMATS:
        assert f'<source type="image/{fmt}" srcset="{photo.rendition_srcset(fmt)}"' in figure
    assert f'srcset="{photo.srcset_jpeg}" sizes="(min-width: 960px) 640px, 100vw"' in figure
    assert f'src="{photo.fallback_url}"' in figure
    assert f'width="{photo.width}" height="{photo.height}"' in figure
    assert 'alt="Rescuers carry a stretcher"' in figure and 'loading="lazy"' in figure
    assert (
        '<figcaption>At the <em>site</em> <span class="credit">(Jo Bloggs/Agency)</span>'
        "</figcaption>" in figure
    )
    if images.features.check("avif"):  # AVIF first, then WebP, then the JPEG <img>
        assert figure.index("image/avif") < figure.index("image/webp") < figure.index("<img")


def test_inline_photo_without_its_own_caption_uses_the_photos_caption(
    make_article, make_photo, reader
):
    photo = make_photo(caption="Default <caption>")
    article = make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<figcaption>Default &lt;caption&gt; <span class" in html


def test_gallery_lists_every_photo_in_order_with_caption_and_credit_without_javascript(
    make_article, make_photo, reader
):
    first = make_photo(caption="First", credit="Ann")
    second = make_photo(caption="Second", credit="Bob")
    third = make_photo(caption="Third", credit="Cy")
    article = make_article(
        body='<div class="gallery">'
        f'<figure data-photo="{third.pk}"><figcaption>Night</figcaption></figure>'
        f'<figure data-photo="{first.pk}"></figure>'
        f'<figure data-photo="{second.pk}"><figcaption>Dawn</figcaption></figure></div>'
    )
    html = reader.get(article.get_absolute_url()).content.decode()
    gallery = re.search(r'<section class="gallery".*?</section>', html, re.DOTALL).group(0)
    assert 'aria-label="Gallery of 3 photos"' in gallery
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", gallery)
    assert captions == [
        'Night <span class="credit">(Cy)</span>',
        'First <span class="credit">(Ann)</span>',
        'Dawn <span class="credit">(Bob)</span>',
    ]
    assert gallery.count("<li>") == 3 and gallery.count("<img") == 3
    assert "<script" not in gallery


def test_embed_is_a_placeholder_that_asks_nothing_of_the_provider(make_article, reader):
    embed = youtube()
    article = make_article(
        body=f'<figure data-embed="{embed.pk}"><a href="{embed.url}">Video</a></figure>'
    )
    html = reader.get(article.get_absolute_url()).content.decode()
    placeholder = re.search(r'<figure class="embed embed--video".*?</figure>', html, re.DOTALL)
    placeholder = placeholder.group(0)
    assert f'data-embed-player="{embed.player_url}"' in placeholder
    assert f'<a class="embed__link" href="{embed.url}"' in placeholder
    assert "Rescue in Kharkiv" in placeholder and "YouTube" in placeholder
    assert '<button type="button" class="embed__load">Play video: Rescue in Kharkiv' in placeholder
    # Nothing on the page loads from anywhere but the site: no frame, script or image.
    assert "<iframe" not in html
    sources = re.findall(r'\s(?:src|srcset)="([^"]*)"', html)
    assert sources and all(source.startswith("/") for source in sources)
    assert re.search(r'<script src="/static/js/embeds[^"]*\.js" defer>', html)


def test_deleted_embed_leaves_its_stored_link(make_article, reader):
    embed = youtube()
    article = make_article(
        body=f'<figure data-embed="{embed.pk}"><a href="{embed.url}">Watch it</a></figure>'
    )
    Article.objects.filter(pk=article.pk).update(body=article.body.replace(str(embed.pk), "999"))
    html = reader.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{embed.url}" rel="noopener noreferrer">Watch it</a>' in html


def rich_body(photos, embeds):
    body = f'<figure data-photo="{photos[0].pk}"></figure>'
    if photos[1:]:
        body += (
            '<div class="gallery">'
            + "".join(f'<figure data-photo="{photo.pk}"></figure>' for photo in photos[1:])
            + "</div>"
        )
    return body + "".join(
        f'<figure data-embed="{embed.pk}"><a href="{embed.url}">v</a></figure>' for embed in embeds
    )


def test_article_page_queries_do_not_grow_with_photos_and_embeds(
    make_article, make_photo, reader, django_assert_num_queries
):
    warm_up = make_article()
    section = warm_up.section
    reader.get(warm_up.get_absolute_url())  # what the first request of a process sets up
    small = make_article(section=section, body=rich_body([make_photo()], [youtube("one")]))
    photos = [make_photo() for _ in range(6)]
    embeds = [youtube(f"video{number}") for number in range(4)]
    large = make_article(section=section, body=rich_body(photos, embeds))
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        assert reader.get(small.get_absolute_url()).status_code == 200
    # One query for the body's photos and one for its embeds, however many there are.
    assert sum('"articles_photo"."id" IN' in q["sql"] for q in counted.captured_queries) == 1
    assert sum('FROM "embeds_embed"' in q["sql"] for q in counted.captured_queries) == 1
    cache.clear()
    with django_assert_num_queries(len(counted.captured_queries)):
        html = reader.get(large.get_absolute_url()).content.decode()
    assert html.count('class="body-photo"') == 1 and html.count('class="gallery__photo"') == 5
    assert html.count('class="embed embed--video"') == 4


# Publication rules -------------------------------------------------------------------------


def test_publishing_a_body_photo_without_credit_or_alt_is_refused_on_every_path(
    make_article, make_photo
):
    photo = make_photo(credit="", alt_text="")
    article = make_article(publish=False, body=f'<figure data-photo="{photo.pk}"></figure>')
    assert article.missing_for_publication()[-1] == (
        f"the credit and alt text of the photo “{photo}” in the body"
    )
    article.status = Status.PUBLISHED
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert refused.value.message_dict["body"] == [
        f"A published story needs the credit and alt text of the photo “{photo}” in the body."
    ]
    with pytest.raises(ValidationError):  # an import or a command saving directly
        article.save()
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_photo_in_a_published_body_cannot_lose_its_credit_or_be_deleted(make_article, make_photo):
    photo = make_photo()
    make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    assert BodyPhoto.objects.filter(photo=photo).count() == 1
    photo.credit = ""
    with pytest.raises(ValidationError, match="needs its credit"):
        photo.full_clean()
    with pytest.raises(ProtectedError):
        photo.delete()


def test_body_relations_follow_the_body(make_article, make_photo):
    kept, dropped = make_photo(), make_photo()
    embed = youtube()
    article = make_article(
        body=f'<figure data-photo="{kept.pk}"></figure><figure data-photo="{dropped.pk}">'
        f'</figure><figure data-embed="{embed.pk}"><a href="{embed.url}">v</a></figure>'
    )
    assert set(article.body_photo_uses.values_list("photo_id", flat=True)) == {kept.pk, dropped.pk}
    assert list(embed.articles.all()) == [article]
    article.body = f'<figure data-photo="{kept.pk}"></figure>'
    article.save()
    assert list(article.body_photo_uses.values_list("photo_id", flat=True)) == [kept.pk]
    assert not embed.articles.exists()
    dropped.delete()  # no longer in any story


def test_reading_time_counts_photos_and_embeds(make_article, make_photo, settings):
    settings.NEWSROOM_WORDS_PER_MINUTE = 200
    photos = [make_photo() for _ in range(5)]
    embed = youtube()
    words = "<p>" + "word " * 180 + "</p>"
    plain = make_article(body=words)
    rich = make_article(
        body=words
        + "".join(f'<figure data-photo="{photo.pk}"></figure>' for photo in photos)
        + f'<figure data-embed="{embed.pk}"><a href="{embed.url}">v</a></figure>'
    )
    assert plain.reading_time == 1
    assert rich.reading_time == 3  # 54 s of words, 60 s of photos, 30 s of video


def test_check_content_finds_body_photos_without_credit_and_articles_without_lead(
    make_article, make_photo
):
    photo = make_photo()
    story = make_article(
        headline="Inline photo", photo=True, body=f'<figure data-photo="{photo.pk}"></figure>'
    )
    bare = make_article(headline="No lead photo")
    Photo.objects.filter(pk=photo.pk).update(credit="")  # as an old import left it
    result = check_content()
    found = sorted((finding.kind, finding.detail) for finding in result.findings)
    assert ("photo", f"no credit; used in the body by “{story.headline}”") in found
    assert ("article", "no lead photo") in found
    assert [f.item for f in result.findings if f.detail == "no lead photo"] == [
        f"“No lead photo” ({bare.get_absolute_url()})"
    ]


# Feeds, search engines and search ----------------------------------------------------------


def test_atom_carries_the_full_body_with_absolute_image_urls(make_article, make_photo, reader):
    photo = make_photo()
    article = make_article(body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>')
    response = reader.get(f"/sections/{article.section.slug}/atom/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '&lt;figure class="body-photo"&gt;' in content
    site = f"http://{Site.objects.get_current().domain}"
    assert f"{site}{photo.fallback_url}" in content
    assert "/media" not in content.replace(f"{site}/media", "")


def test_json_ld_lists_inline_photos_and_embedded_videos(make_article, make_photo, reader):
    photo = make_photo(credit="Ann/Agency")
    embed = youtube()
    article = make_article(
        photo=True,
        body=f'<figure data-photo="{photo.pk}"></figure>'
        f'<figure data-embed="{embed.pk}"><a href="{embed.url}">v</a></figure>',
    )
    html = reader.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    data = next(json.loads(block) for block in blocks if "Article" in block)
    inline = [image for image in data["image"] if image.get("creditText") == "Ann/Agency"]
    site = f"http://{Site.objects.get_current().domain}"
    assert inline and inline[0]["url"] == f"{site}{photo.fallback_url}"
    assert len(data["image"]) == 3 + 1  # the lead photo's three ratios and the inline one
    assert data["video"] == [
        {
            "@type": "VideoObject",
            "name": "Rescue in Kharkiv",
            "description": "Rescue in Kharkiv",
            "url": embed.url,
            "embedUrl": embed.player_url,
            "uploadDate": embed.created_at.replace(microsecond=0).isoformat(),
        }
    ]


def test_search_finds_words_in_captions_and_embed_titles(make_article, make_photo, reader):
    photo = make_photo()
    embed = youtube(title="Drone footage")
    make_article(
        headline="Ports",
        body=f'<figure data-photo="{photo.pk}"><figcaption>Sunflower harvest</figcaption>'
        f'</figure><figure data-embed="{embed.pk}"><a href="{embed.url}">Drone footage'
        "</a></figure>",
    )
    for query in ("sunflower", "drone"):
        assert "Ports" in reader.get("/search/", {"q": query}).content.decode()


def test_rendering_several_bodies_for_a_feed_costs_two_queries(
    make_article, make_photo, django_assert_num_queries
):
    articles = []
    for _ in range(3):
        photo = make_photo()
        embed = youtube(f"v{photo.pk}")
        articles.append(
            make_article(
                body=f'<figure data-photo="{photo.pk}"></figure>'
                f'<figure data-embed="{embed.pk}"><a href="{embed.url}">v</a></figure>'
            )
        )
    fresh = list(Article.objects.filter(pk__in=[a.pk for a in articles]))
    with django_assert_num_queries(2):
        body_markup.parts_of_many(fresh)
        rendered = [str(article.body_html) for article in fresh]
    assert all('class="body-photo"' in html and "embed--video" in html for html in rendered)


# The editor's photo upload: the library's checked path ---------------------------------------


def test_the_editor_uploads_a_photo_through_the_checked_path(writer_client, media_root):
    url = reverse("admin:articles_article_editor_photo")
    image = SimpleUploadedFile("IMG_1.JPG", jpeg_bytes((800, 600)), content_type="image/jpeg")
    missing = writer_client.post(url, {"image": image, "alt_text": "Boats", "credit": ""})
    assert missing.status_code == 400 and missing.json()["error"] == "Give the photo its credit."
    fake = SimpleUploadedFile(
        "x.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg"
    )
    refused = writer_client.post(url, {"image": fake, "alt_text": "Boats", "credit": "Jo"})
    assert refused.status_code == 400 and "web page or SVG code" in refused.json()["error"]
    assert not Photo.objects.exists()
    image = SimpleUploadedFile("IMG_1.JPG", jpeg_bytes((800, 600)), content_type="image/jpeg")
    answer = writer_client.post(
        url, {"image": image, "alt_text": "Boats at the pier", "credit": "Jo", "caption": "Pier"}
    )
    assert answer.status_code == 200
    photo = Photo.objects.get()
    assert answer.json()["photo"]["id"] == photo.pk and photo.renditions and photo.original
    assert (photo.alt_text, photo.credit, photo.caption) == ("Boats at the pier", "Jo", "Pier")
    assert "IMG_1" not in photo.image.name  # a server-chosen name, metadata stripped
