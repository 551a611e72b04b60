"""Structured data, social cards, canonical links, icons and the Related and Latest blocks."""

import json
from datetime import timedelta
from pathlib import PurePath

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import html as lxml_html
from PIL import Image

from lib.blocks import shared_blocks
from photos import crops

pytestmark = pytest.mark.django_db


def page(reader, url):
    response = reader.get(url)
    assert response.status_code == 200, url
    return response, lxml_html.fromstring(response.content)


def json_ld(tree):
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        found += data if isinstance(data, list) else [data]
    return found


def meta(tree, key):
    values = tree.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return values[0] if values else None


def test_article_has_news_article_json_ld_with_every_field(reader, make_article, make_author):
    authors = [make_author(name="Olena Kovalenko"), make_author(name="Taras Melnyk")]
    article = make_article(authors=authors, photo=True, caption="Boxer at Sudzha.")
    article.mark_updated(at=timezone.now())

    _, tree = page(reader, article.get_absolute_url())

    (data,) = json_ld(tree)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert [author["name"] for author in data["author"]] == ["Olena Kovalenko", "Taras Melnyk"]
    assert data["author"][0]["url"].endswith(authors[0].get_absolute_url())
    assert data["publisher"]["logo"]["url"].endswith(".png")
    photo = article.lead.photo
    assert [image["url"].rsplit("/", 1)[1] for image in data["image"]] == [
        "16x9.jpg",
        "4x3.jpg",
        "1x1.jpg",
    ]
    for image in data["image"]:
        assert image["@type"] == "ImageObject"
        assert image["creditText"] == photo.credit
        assert image["caption"] == "Boxer at Sudzha."
        assert image["url"].endswith(crops.crop_url(photo, image["url"].rsplit("/", 1)[1][:-4]))
    visible_updated = tree.xpath('//span[@class="article__updated"]/time/@datetime')[0]
    assert parse_datetime(data["dateModified"]) == parse_datetime(
        visible_updated[:-2] + ":" + visible_updated[-2:]
    )
    assert parse_datetime(data["datePublished"]) == article.published_at.replace(microsecond=0)


def test_json_ld_cannot_be_broken_out_of(reader, make_article):
    article = make_article(headline="</script><script>alert(1)</script> & more")

    response, tree = page(reader, article.get_absolute_url())

    assert b"</script><script>alert(1)" not in response.content
    (data,) = json_ld(tree)
    assert data["headline"] == "</script><script>alert(1)</script> & more"


def test_news_feed_page_describes_the_site_and_its_entries(reader, make_entry):
    entries = [make_entry() for _ in range(3)]

    _, tree = page(reader, "/")

    types = {item["@type"]: item for item in json_ld(tree)}
    assert types["WebSite"]["potentialAction"]["@type"] == "SearchAction"
    names = [item["name"] for item in types["ItemList"]["itemListElement"]]
    assert names == [entry.title for entry in sorted(entries, key=lambda e: e.published_at)[::-1]]


def test_article_social_card_and_canonical_link(reader, make_article):
    article = make_article(photo=True, standfirst="The short version.")

    _, tree = page(reader, article.get_absolute_url() + "?utm_source=x")

    canonical = tree.xpath('//link[@rel="canonical"]/@href')[0]
    assert canonical.endswith(article.get_absolute_url())
    assert meta(tree, "og:type") == "article"
    assert meta(tree, "og:title") == article.headline
    assert meta(tree, "og:description") == "The short version."
    assert meta(tree, "og:url") == canonical
    assert meta(tree, "og:image").endswith(crops.crop_url(article.lead.photo, "16x9"))
    assert meta(tree, "og:image:alt") == article.lead.photo.alt_text
    assert meta(tree, "twitter:card") == "summary_large_image"
    assert meta(tree, "article:published_time")


@pytest.mark.parametrize("kind", ["feed", "article", "section", "tag", "author", "search"])
def test_every_public_page_has_description_canonical_and_card(
    reader, kind, make_article, make_entry
):
    article = make_article(tags=["grain"])
    make_entry()
    url = {
        "feed": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": "/tags/grain/",
        "author": article.byline[0].get_absolute_url(),
        "search": "/search/?q=headline",
    }[kind]

    _, tree = page(reader, url)

    assert meta(tree, "description")
    assert len(tree.xpath('//link[@rel="canonical"]')) == 1
    for key in ("og:title", "og:type", "og:url", "og:image", "og:description", "twitter:card"):
        assert meta(tree, key), (kind, key)
    feeds = tree.xpath('//link[@rel="alternate"]/@type')
    assert "application/rss+xml" in feeds and "application/atom+xml" in feeds


def test_listing_pages_announce_their_own_feeds(reader, make_article):
    article = make_article(tags=["grain"])
    author = article.byline[0]

    for url, feed in [
        (article.section.get_absolute_url(), f"/sections/{article.section.slug}/rss/"),
        ("/tags/grain/", "/tags/grain/atom/"),
        (author.get_absolute_url(), f"/authors/{author.slug}/rss/"),
    ]:
        _, tree = page(reader, url)
        assert feed in tree.xpath('//link[@rel="alternate"]/@href'), url


def test_not_found_page_is_not_indexed(reader):
    response = reader.get("/articles/no-such-story/")

    assert response.status_code == 404
    tree = lxml_html.fromstring(response.content)
    assert meta(tree, "robots") == "noindex"
    assert not tree.xpath('//link[@rel="canonical"]')


def test_favicon_and_manifest_are_served(reader):
    _, tree = page(reader, "/search/")
    assert tree.xpath('//link[@rel="icon"]') and tree.xpath('//link[@rel="manifest"]')

    manifest = reader.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]}
    assert reader.get("/favicon.ico").status_code == 301


@pytest.mark.parametrize(("ratio", "shape"), [("16x9", (16, 9)), ("4x3", (4, 3)), ("1x1", (1, 1))])
def test_crop_is_cut_once_at_upload_into_the_default_storage(
    make_article, make_photo, ratio, shape
):
    photo = make_photo()
    name = crops.name_of(photo, ratio)
    assert default_storage.exists(name)  # cut when the photo was saved, not when a reader asks
    written = default_storage.get_modified_time(name)
    make_article(photo=photo)
    photo.alt_text = "Changed alt text"
    photo.save()

    assert default_storage.get_modified_time(name) == written  # never cut again
    assert crops.crop_url(photo, ratio) == default_storage.url(name)
    with default_storage.open(name) as file, Image.open(file) as image:
        width, height = image.size
        assert image.format == "JPEG"
    assert abs(width / height - shape[0] / shape[1]) < 0.05
    assert (width, height) == crops.crop_size(photo, ratio)


def test_deleting_a_photo_deletes_its_crops(make_photo):
    photo = make_photo()
    names = [crops.name_of(photo, ratio) for ratio in crops.RATIOS]
    assert all(default_storage.exists(name) for name in names)
    photo.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_crops_cannot_be_found_from_a_photos_number(reader, make_article, make_photo):
    photo = make_photo()
    make_article(photo=photo, publish=False)

    # No view serves photos by number, and a crop's name carries the upload's random name.
    assert reader.get(f"/photos/{photo.pk}/crop/16x9.jpg").status_code == 404
    assert PurePath(photo.image.name).stem in crops.crop_url(photo, "16x9")


def test_related_block_lists_articles_sharing_the_most_tags(reader, make_article):
    # Related looks back: the coverage a reader of this story may have missed.
    article = make_article(tags=["grain", "ports", "odesa"], published_at=timezone.now())
    two_shared = make_article(
        tags=["grain", "ports"], published_at=timezone.now() - timedelta(days=3)
    )
    one_shared = make_article(tags=["grain"])
    draft = make_article(tags=["grain", "ports", "odesa"], publish=False)
    unrelated = make_article(tags=["culture"])

    _, tree = page(reader, article.get_absolute_url())

    related = tree.xpath('//section[@class="related"]//h3/a/text()')
    assert related == [two_shared.headline, one_shared.headline]
    assert draft.headline not in related and unrelated.headline not in related


def test_latest_block_lists_newest_public_articles_but_not_the_one_read(reader, make_article):
    article = make_article()
    newer = make_article(published_at=timezone.now() - timedelta(minutes=5))
    make_article(publish=False, headline="Secret draft")

    _, tree = page(reader, article.get_absolute_url())

    latest = tree.xpath('//section[@class="latest"]//a/text()')
    assert latest[0] == newer.headline
    assert article.headline not in latest and "Secret draft" not in latest


def test_article_page_queries_do_not_grow_with_related_items(reader, make_article, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # count the queries of a real render
    article = make_article(tags=["grain"], photo=True, published_at=timezone.now())
    make_article(tags=["grain"])

    def page_queries():
        shared_blocks.clear()  # every block built again, as after a purge
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(article.get_absolute_url())
        # Not the page cache's own check of its purges, made at most once a second.
        return response, [q for q in captured.captured_queries if "lib_pageversion" not in q["sql"]]

    reader.get(article.get_absolute_url())  # warm the per-process site cache
    _, one_related = page_queries()
    for hours in range(3, 9):
        make_article(
            tags=["grain"], photo=True, published_at=timezone.now() - timedelta(hours=hours)
        )
    response, many_related = page_queries()
    assert [q["sql"][:90] for q in many_related] == [q["sql"][:90] for q in one_related]
    tree = lxml_html.fromstring(response.content)
    assert len(tree.xpath('//section[@class="related"]//li')) == 4
    assert len(tree.xpath('//section[@class="latest"]//li')) == 5


@pytest.mark.parametrize("standfirst", ["A short standfirst.", "", "Long   standfirst " * 30])
def test_one_rule_gives_an_articles_description_everywhere(reader, make_article, standfirst):
    import feedparser

    article = make_article(standfirst=standfirst, headline="The headline of the story")
    expected = article.description
    assert expected and len(expected) <= 200 and "  " not in expected
    _, tree = page(reader, article.get_absolute_url())
    news = next(item for item in json_ld(tree) if item["@type"] == "NewsArticle")
    rss = feedparser.parse(reader.get(f"/sections/{article.section.slug}/rss/").content)

    assert meta(tree, "description") == expected
    assert meta(tree, "og:description") == expected
    assert meta(tree, "twitter:description") == expected
    assert news["description"] == expected
    assert rss.entries[0].summary == expected


def test_a_story_without_a_lead_photo_shares_the_first_photo_of_its_body(
    reader, make_article, make_photo
):
    inline = make_photo(alt_text="Rescuers at the collapsed bridge", credit="Staff photographer")
    figure = f'<figure data-photo="{inline.pk}"><figcaption>The bridge.</figcaption></figure>'
    body = f"<p>Before.</p>{figure}"
    article = make_article(body=body)
    _, tree = page(reader, article.get_absolute_url())
    assert meta(tree, "og:image").endswith(crops.crop_url(inline, "16x9"))
    assert meta(tree, "og:image:alt") == "Rescuers at the collapsed bridge"
