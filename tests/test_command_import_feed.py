import functools
import http.server
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Author, Status
from feed.models import FeedEntry
from ingest import feeds as importing
from ingest.feeds import ImportRefused, fetch, import_feed
from photos.models import Photo

from .conftest import jpeg_bytes

DATA = Path(__file__).parent / "data"


@pytest.fixture
def section(make_section):
    return make_section(slug="wire", in_news_feed=True)


@pytest.fixture
def feed_server(tmp_path):
    """A tiny HTTP server on 127.0.0.1 serving the sample feed and its image."""
    root = tmp_path / "site"
    (root / "images").mkdir(parents=True)
    (root / "images" / "substation.png").write_bytes(jpeg_bytes((40, 30), fmt="PNG"))
    (root / "broken.png").write_bytes(b"not an image")
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feed = (DATA / "feed.rss").read_text().replace("http://FEED-HOST", base)
    (root / "feed.rss").write_text(feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base, server.requests = base, requests
    yield server
    server.shutdown()
    server.server_close()


def test_rss_items_become_published_articles_with_authors_tags_and_dates(section):
    result = import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)

    assert (result.created, result.unchanged, result.total) == (2, 0, 4)
    grid = Article.objects.get(source_guid="wire:1001")
    assert grid.headline == "Grid operator restores power to Kharkiv & Sumy"
    # +0200 in the feed: the same instant in UTC.
    assert grid.published_at == datetime(2024, 11, 5, 12, 30, tzinfo=UTC)
    assert grid.went_live_at == grid.published_at
    assert grid.status == Status.PUBLISHED and grid.is_public
    assert [a.name for a in grid.byline] == ["Olha Shevchenko", "Petro Marchenko"]
    assert sorted(grid.tags.names()) == ["Energy", "Kharkiv"]
    assert grid.standfirst == "Crews reconnected homes overnight."
    assert "<strong>through the night</strong>" in grid.body
    assert "script" not in grid.body and "onclick" not in grid.body
    assert grid.word_count == 8
    assert FeedEntry.objects.filter(article=grid).exists()
    museum = Article.objects.get(source_guid="wire:1002")
    assert [a.name for a in museum.byline] == ["Iryna Bondar"]
    assert museum.body == "<p>The exhibition gathers work by frontline photographers.</p>"


def test_item_without_date_and_duplicate_guid_are_reported_with_position(section):
    result = import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)

    assert result.skipped == [(3, "no date"), (4, "duplicate guid of item 1")]
    assert not Article.objects.filter(source_guid="wire:1003").exists()


def test_second_import_changes_nothing(section):
    import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)
    before = list(Article.objects.values_list("pk", "modified_at").order_by("pk"))

    result = import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)

    assert (result.created, result.unchanged) == (0, 2)
    assert list(Article.objects.values_list("pk", "modified_at").order_by("pk")) == before
    assert Author.objects.count() == 3


def test_atom_entries_keep_time_zones_updates_and_sanitised_content(section):
    result = import_feed(str(DATA / "feed.atom"), section=section)

    assert result.created == 2
    grain = Article.objects.get(source_guid="tag:wire.example.com,2024:2001")
    assert grain.published_at == datetime(2024, 11, 6, 12, 15, tzinfo=UTC)
    assert grain.updated_at == datetime(2024, 11, 6, 14, 45, tzinfo=UTC)
    assert grain.show_updated
    assert "onerror" not in grain.body and "<img" not in grain.body
    assert grain.feed_entry.updated_at == grain.updated_at
    rate = Article.objects.get(source_guid="tag:wire.example.com,2024:2002")
    assert rate.published_at == datetime(2024, 11, 5, 12, 0, tzinfo=UTC)


def test_items_can_be_imported_as_feed_entries(db):
    result = import_feed(str(DATA / "feed.rss"), as_entries=True)

    assert result.created == 2
    entry = FeedEntry.objects.get(guid="wire:1001")
    assert entry.article is None
    assert entry.url == "https://wire.example.com/2024/11/grid-restored"
    assert entry.summary == "Crews reconnected homes overnight."
    assert entry.link == entry.url
    assert not Article.objects.exists()
    assert import_feed(str(DATA / "feed.rss"), as_entries=True).unchanged == 2


def test_drafts_option_keeps_articles_private(section):
    import_feed(str(DATA / "feed.rss"), section=section, drafts=True, fetch_images=False)

    assert Article.objects.count() == 2
    assert not Article.objects.published().exists()


def test_malformed_file_is_refused_before_anything_is_written(section):
    with pytest.raises(ImportRefused, match="not a well-formed feed"):
        import_feed(str(DATA / "malformed.rss"), section=section)
    assert not Article.objects.exists()


def test_file_that_is_not_a_feed_is_refused(section, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words")
    with pytest.raises(ImportRefused):
        import_feed(str(path), section=section)


def test_interrupted_import_leaves_whole_items_only(section, monkeypatch):
    real_author = importing._author

    def author_then_crash(name):
        if name == "Petro Marchenko":
            raise KeyboardInterrupt
        return real_author(name)

    monkeypatch.setattr(importing, "_author", author_then_crash)
    with pytest.raises(KeyboardInterrupt):
        import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)
    # The first item crashed after its article and first author were written: all undone.
    assert not Article.objects.exists()
    assert not Author.objects.exists()

    monkeypatch.setattr(importing, "_author", real_author)
    assert import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False).created == 2


def test_failing_item_is_skipped_and_the_rest_imported(section, monkeypatch):
    real_author = importing._author

    def author(name):
        if name == "Olha Shevchenko":
            raise ValueError("author service down")
        return real_author(name)

    monkeypatch.setattr(importing, "_author", author)
    result = import_feed(str(DATA / "feed.rss"), section=section, fetch_images=False)

    assert (1, "ValueError: author service down") in result.skipped
    assert list(Article.objects.values_list("source_guid", flat=True)) == ["wire:1002"]


def test_dry_run_writes_nothing(section):
    result = import_feed(str(DATA / "feed.rss"), section=section, dry_run=True)

    assert result.created == 2
    assert not Article.objects.exists() and not Author.objects.exists()


def test_fetch_from_local_server_with_allow_private_imports_image_and_credit(section, feed_server):
    result = import_feed(f"{feed_server.base}/feed.rss", section=section, allow_private=True)

    assert result.created == 2 and result.photos == 1
    grid = Article.objects.get(source_guid="wire:1001")
    photo = grid.lead_photo.photo
    assert photo.credit == "Wire Photo/Partner Agency"
    assert photo.source_url == f"{feed_server.base}/images/substation.png"
    assert (photo.width, photo.height) == (40, 30)
    # A second run neither refetches the feed's image nor duplicates the photo.
    import_feed(f"{feed_server.base}/feed.rss", section=section, allow_private=True)
    assert Photo.objects.count() == 1
    assert feed_server.requests.count("/images/substation.png") == 1


def test_loopback_address_is_refused_without_allow_private(section, feed_server):
    with pytest.raises(CommandError, match="private or loopback address"):
        call_command("import_feed", f"{feed_server.base}/feed.rss", "--section", "wire")
    assert feed_server.requests == []
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed.rss", "gopher://example.com/"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(ImportRefused, match="only http and https"):
        fetch(url)


def test_fetch_has_a_size_cap(feed_server):
    with pytest.raises(ImportRefused, match="larger than the 100 byte limit"):
        fetch(f"{feed_server.base}/feed.rss", allow_private=True, max_bytes=100)


def test_unreachable_feed_is_refused_with_reason(section, feed_server):
    with pytest.raises(CommandError, match="HTTP 404"):
        call_command(
            "import_feed", f"{feed_server.base}/missing.rss", "--section", "wire",
            "--allow-private",
        )  # fmt: skip


def test_unreadable_image_is_reported_and_the_article_kept(section, feed_server, tmp_path):
    feed = (
        (DATA / "feed.rss")
        .read_text()
        .replace("http://FEED-HOST/images/substation.png", f"{feed_server.base}/broken.png")
    )
    path = tmp_path / "feed.rss"
    path.write_text(feed)

    result = import_feed(str(path), section=section, allow_private=True)

    assert result.created == 2 and result.photos == 0
    assert result.image_problems == [(1, f"{feed_server.base}/broken.png is not a readable image")]
    assert Article.objects.get(source_guid="wire:1001").lead_photo is None


def test_command_reports_counts_skips_and_idempotence(section, capsys):
    call_command("import_feed", str(DATA / "feed.rss"), "--section", "wire", "--no-images")
    captured = capsys.readouterr()
    assert "Imported 2 articles of 4 item(s); 0 already imported, 2 skipped" in captured.out
    assert "Item 3 skipped: no date" in captured.err
    assert "Item 4 skipped: duplicate guid of item 1" in captured.err

    call_command("import_feed", str(DATA / "feed.rss"), "--section", "wire", "--no-images")
    out = capsys.readouterr().out
    assert "Imported 0 articles of 4 item(s); 2 already imported" in out


def test_command_fails_with_one_line_reason(section):
    with pytest.raises(CommandError, match="no such file: /nowhere/feed.rss"):
        call_command("import_feed", "/nowhere/feed.rss", "--section", "wire")
    with pytest.raises(CommandError, match="no section with slug 'nope'"):
        call_command("import_feed", str(DATA / "feed.rss"), "--section", "nope")
    with pytest.raises(CommandError, match="Give --section"):
        call_command("import_feed", str(DATA / "feed.rss"))
    with pytest.raises(CommandError, match="not a well-formed feed"):
        call_command("import_feed", str(DATA / "malformed.rss"), "--entries")
    assert not FeedEntry.objects.exists()


def feed_with(tmp_path, old, new):
    path = tmp_path / "edited.rss"
    path.write_text((DATA / "feed.rss").read_text().replace(old, new))
    return str(path)


def gif_bytes(size):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", size, 3).save(buffer, "GIF")
    return buffer.getvalue()


def stored_files(settings):
    roots = (settings.MEDIA_ROOT, settings.NEWSROOM_PRIVATE_MEDIA_ROOT)
    return sorted(path for root in roots for path in Path(root).rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "link",
    [
        'https://wire.example.com/a" onmouseover="alert(1)',
        "https://wire.example.com/<script>alert(1)</script> x",
        "https://" + "a" * 250 + ".example.com/",
    ],
    ids=["event-handler", "markup-with-space", "too-long"],
)
def test_entry_links_the_feed_entry_form_would_refuse_are_never_stored(db, tmp_path, link):
    from xml.sax.saxutils import escape

    source = feed_with(
        tmp_path, "https://wire.example.com/2024/11/grid-restored", escape(link, {'"': "&quot;"})
    )
    result = import_feed(source, as_entries=True)

    assert [position for position, reason in result.skipped if "link" in reason] == [1]
    assert FeedEntry.objects.filter(guid="wire:1002").exists()
    assert not FeedEntry.objects.filter(headline__startswith="Grid operator").exists()
    for url in FeedEntry.objects.values_list("url", flat=True):
        importing.checked_url(url, FeedEntry._meta.get_field("url"))  # the form's own checks


def test_checked_url_applies_the_feed_entry_forms_rules():
    from django.core.exceptions import ValidationError

    from feed.models import FeedEntry

    field = FeedEntry._meta.get_field("url")
    assert importing.checked_url("https://example.com/a?b=c", field) == "https://example.com/a?b=c"
    for bad in ['https://example.com/a" onmouseover="x()', "javascript:alert(1)", "ftp://x.org/"]:
        with pytest.raises(ValidationError):
            importing.checked_url(bad, field)


def test_an_image_of_extreme_proportions_is_imported_with_its_article(
    section, feed_server, tmp_path
):
    (tmp_path / "site" / "banner.gif").write_bytes(gif_bytes((10_799, 2)))
    source = feed_with(
        tmp_path, "http://FEED-HOST/images/substation.png", f"{feed_server.base}/banner.gif"
    )
    result = import_feed(source, section=section, allow_private=True)

    assert result.created == 2 and result.photos == 1 and result.image_problems == []
    photo = Article.objects.get(source_guid="wire:1001").lead_photo.photo
    assert (photo.width, photo.height) == (2560, 1)


def test_an_image_that_cannot_be_processed_is_left_out_and_the_item_kept(
    section, feed_server, tmp_path, monkeypatch, settings
):
    from photos import images

    def refuse(*args, **kwargs):
        raise ValueError("cannot write empty image")

    monkeypatch.setattr(images, "encode", refuse)
    source = feed_with(
        tmp_path, "http://FEED-HOST/images/substation.png",
        f"{feed_server.base}/images/substation.png",
    )  # fmt: skip
    result = import_feed(source, section=section, allow_private=True)

    assert result.created == 2 and result.photos == 0
    assert [position for position, _ in result.skipped] == [3, 4]  # as without any image
    assert result.image_problems[0][0] == 1
    assert "cannot be turned into web copies" in result.image_problems[0][1]
    assert Article.objects.get(source_guid="wire:1001").lead_photo is None
    assert not Photo.objects.exists() and stored_files(settings) == []


def test_a_full_disk_while_importing_an_image_leaves_it_out_and_no_partial_file(
    section, feed_server, tmp_path, monkeypatch, settings
):
    import errno

    from django.core.files.storage import FileSystemStorage

    def full(self, name, content):
        Path(self.path(name)).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path(name)).write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    source = feed_with(
        tmp_path, "http://FEED-HOST/images/substation.png",
        f"{feed_server.base}/images/substation.png",
    )  # fmt: skip
    result = import_feed(source, section=section, allow_private=True)

    assert result.created == 2 and result.photos == 0
    assert "the media storage is full" in result.image_problems[0][1]
    assert not Photo.objects.exists() and stored_files(settings) == []
