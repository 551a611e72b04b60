"""RSS and Atom feeds, parsed with feedparser as readers' apps do."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Status
from photos import crops

pytestmark = pytest.mark.django_db

FEED_URLS = ["/feed/rss/", "/feed/atom/"]


def parse(reader, url):
    response = reader.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


def assert_complete(entry):
    for field in ("title", "link", "id", "published", "author"):
        assert entry.get(field), (field, entry)
    # feedparser falls back to `published` for a missing `updated`; ask for the real key.
    assert dict.get(entry, "updated"), entry


@pytest.mark.parametrize("url", FEED_URLS)
def test_news_feed_lists_public_entries_with_every_field(reader, url, make_article, make_entry):
    article = make_article(photo=True, tags=["economy"])
    make_entry(headline="A short update")
    make_entry(headline="Not yet", published_at=timezone.now() + timedelta(hours=1))

    _, parsed = parse(reader, url)

    titles = [entry.title for entry in parsed.entries]
    assert "A short update" in titles and article.headline in titles
    assert "Not yet" not in titles
    for entry in parsed.entries:
        assert_complete(entry)
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_article_item_names_every_author_and_the_lead_photo_credit(
    reader, kind, make_article, make_author
):
    first, second = make_author(name="Olena Kovalenko"), make_author(name="Taras Melnyk")
    article = make_article(authors=[first, second], photo=True, caption="Boxer at Sudzha.")

    response, parsed = parse(reader, f"/sections/{article.section.slug}/{kind}/")

    (entry,) = parsed.entries
    assert [author["name"] for author in entry.authors] == ["Olena Kovalenko", "Taras Melnyk"]
    assert entry.link.endswith(article.get_absolute_url())
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.type == "image/jpeg" and int(enclosure.length) > 0
    assert entry.media_content[0]["url"].endswith(crops.crop_url(article.lead.photo, "16x9"))
    assert entry.media_credit[0]["content"] == "Ed Ram/For The Washington Post via Getty Images"
    assert b"Boxer at Sudzha." in response.content


def test_atom_carries_the_full_text_and_rss_the_summary(reader, make_article):
    article = make_article(standfirst="The short version.", body="<p>The whole story.</p>")

    _, atom = parse(reader, f"/sections/{article.section.slug}/atom/")
    _, rss = parse(reader, f"/sections/{article.section.slug}/rss/")

    assert "The whole story." in atom.entries[0].content[0].value
    assert rss.entries[0].summary == "The short version."


def test_guid_survives_a_slug_change(reader, make_article):
    article = make_article()
    _, before = parse(reader, f"/sections/{article.section.slug}/rss/")
    article.slug = "a-new-slug"
    article.save()

    _, after = parse(reader, f"/sections/{article.section.slug}/rss/")

    assert before.entries[0].id == after.entries[0].id
    assert after.entries[0].link.endswith("/articles/a-new-slug/")


def test_updated_time_is_the_visible_update(reader, make_article):
    article = make_article()
    updated = timezone.now().replace(microsecond=0)
    article.mark_updated(at=updated)

    _, parsed = parse(reader, f"/sections/{article.section.slug}/atom/")

    assert parsed.entries[0].updated_parsed[:6] == updated.utctimetuple()[:6]
    assert parsed.entries[0].published_parsed[:6] == article.published_at.utctimetuple()[:6]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_tag_and_author_feeds_hold_only_their_public_articles(
    reader, kind, make_article, make_section, make_author
):
    section, author = make_section(), make_author()
    public = make_article(section=section, authors=[author], tags=["grain"])
    make_article(section=section, authors=[author], tags=["grain"], publish=False)
    make_article(
        section=section,
        authors=[author],
        tags=["grain"],
        embargoed_until=timezone.now() + timedelta(days=1),
    )
    make_article(tags=["other"])

    for url in (
        f"/sections/{section.slug}/{kind}/",
        f"/tags/grain/{kind}/",
        f"/authors/{author.slug}/{kind}/",
    ):
        _, parsed = parse(reader, url)
        assert [entry.title for entry in parsed.entries] == [public.headline], url
        assert_complete(parsed.entries[0])


def test_a_tag_only_drafts_carry_has_no_feed(reader, make_article):
    make_article(tags=["secret-plans"], status=Status.DRAFT, publish=False)

    assert reader.get("/tags/secret-plans/rss/").status_code == 404
    assert reader.get("/sections/no-such-section/atom/").status_code == 404


def test_feed_queries_do_not_grow_with_items(
    reader, make_article, make_entry, django_assert_num_queries, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # count the queries of a real render
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(photo=True, tags=["one"])
    make_entry()
    reader.get("/feed/rss/")  # warm the per-process site cache
    with CaptureQueriesContext(connection) as few:
        reader.get("/feed/rss/")
    for number in range(6):
        make_article(photo=True, tags=[f"tag-{number}", "shared"])
        make_entry()

    with django_assert_num_queries(len(few.captured_queries)):
        response = reader.get("/feed/rss/")
    assert response.content.count(b"<item>") == 14
