"""Personas and small factories with valid defaults. No JSON fixtures."""

import io
import itertools
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Author, Caption, Section, Status
from feed import publishing
from feed.models import FeedEntry
from photos.models import Photo

# Writer and Editor personas with real group roles.
pytest_plugins = ["tests.staff", "tests.jinja2_context", "tests.deployed"]

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Every test starts with an empty cache and no remembered cache outage. The page
    cache is off so tests can inspect each response's context; `page_cache` turns it on."""
    from django.core.cache import cache

    from lib import pagecache as page_cache

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    cache.clear()
    page_cache.local_pages.clear()
    from lib.blocks import shared_blocks

    shared_blocks.clear()
    page_cache.outage.until = 0.0
    page_cache._pending_purges.clear()
    page_cache.check.forget()
    from lib import middleware

    middleware.outage_log.forget()


@pytest.fixture(autouse=True)
def database_guard():
    """A test that makes the database fail slowly leaves no open breaker to the next."""
    from lib.postgresql import base

    base.reset_breakers()
    yield
    base.reset_breakers()


@pytest.fixture
def page_cache(settings):
    """The full-page cache as production runs it."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def jpeg_bytes(size=(64, 48), color=(200, 120, 40), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def make_section(db):
    def make(**overrides):
        number = next(_sequence)
        values = {"name": f"Section {number}", "slug": f"section-{number}", "in_news_feed": True}
        values.update(overrides)
        return Section.objects.create(**values)

    return make


@pytest.fixture
def make_author(db):
    def make(**overrides):
        number = next(_sequence)
        values = {"name": f"Author {number}", "slug": f"author-{number}", "role": "Reporter"}
        values.update(overrides)
        return Author.objects.create(**values)

    return make


@pytest.fixture
def make_photo(db):
    def make(**overrides):
        values = {
            "alt_text": "Soldiers beside vehicles in a field",
            "caption": "Default caption of the photo.",
            "credit": "Ed Ram/For The Washington Post via Getty Images",
        }
        values.update(overrides)
        photo = Photo(**values)
        photo.image.save("photo.jpg", ContentFile(jpeg_bytes(), name="photo.jpg"), save=False)
        photo.save()
        return photo

    return make


@pytest.fixture
def make_article(db, make_section, make_author, make_photo):
    """A published article (an hour old) with one author; override anything."""

    def make(*, authors=None, tags=(), photo=False, caption="", publish=True, **overrides):
        number = next(_sequence)
        values = {
            "headline": f"Headline number {number}",
            "slug": f"headline-number-{number}",
            "standfirst": f"Standfirst number {number}.",
            "body": "<p>" + "word " * 50 + "</p>",
        }
        values.update(overrides)
        if "section" not in values:
            values["section"] = make_section()
        status = values.pop("status", Status.PUBLISHED if publish else Status.DRAFT)
        published_at = values.pop("published_at", timezone.now() - timedelta(hours=1))
        article = Article.objects.create(**values)
        for position, author in enumerate(authors if authors is not None else [make_author()]):
            ArticleAuthor.objects.create(article=article, author=author, position=position)
        if tags:
            article.tags.set(list(tags))
        if photo:
            Caption.objects.create(
                article=article, photo=photo if photo is not True else make_photo(), text=caption
            )
        if status == Status.PUBLISHED:
            publishing.publish(article, at=published_at)
        else:
            article.status = status
            article.published_at = published_at if "published_at" in overrides else None
            article.save()
        return article

    return make


@pytest.fixture
def make_entry(db):
    def make(**overrides):
        number = next(_sequence)
        values = {
            "headline": f"Feed entry {number}",
            "summary": f"Summary of entry {number}.",
            "published_at": timezone.now() - timedelta(minutes=number),
        }
        values.update(overrides)
        return FeedEntry.objects.create(**values)

    return make


@pytest.fixture
def reader(client):
    """An anonymous reader."""
    return client


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# Browser tests: Playwright drives Debian's Chromium; no browser is downloaded.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    import os

    from playwright.sync_api import sync_playwright

    executable = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Browser tests need Chromium at {executable} (Debian package 'chromium').")
    # Playwright runs an event loop in this thread; the ORM calls made by the tests and
    # the live server around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()
