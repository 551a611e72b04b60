from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Author, Section, Status
from ingest.feeds import ImportRefused
from ingest.wordpress import autop, import_wordpress
from photos.models import Photo

from .conftest import jpeg_bytes

DATA = Path(__file__).parent / "data"
WXR = DATA / "wordpress.xml"


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2024" / "11").mkdir(parents=True)
    (folder / "2024" / "11" / "substation.jpg").write_bytes(jpeg_bytes((120, 80)))
    return folder


def test_published_post_keeps_author_categories_tags_excerpt_and_date(db, uploads):
    result = import_wordpress(WXR, media_dir=uploads)

    assert (result.created, result.other_items) == (2, 1)
    post = Article.objects.get(source_guid="https://old.example.com/?p=21")
    assert post.slug == "grid-repairs"
    # Its featured image has no credit: kept as a draft until an editor credits it.
    assert result.drafted == [(3, "needs the lead photo's credit")]
    assert post.status == Status.DRAFT and not post.is_public
    assert post.published_at == datetime(2024, 11, 5, 12, 0, tzinfo=UTC)
    assert post.section.slug == "energy" and post.section.name == "Energy"
    assert [a.name for a in post.byline] == ["Olena Kovalenko"]
    assert sorted(post.tags.names()) == ["Energy", "Kharkiv"]
    assert post.standfirst == "The last substation is back online."
    assert "<strong>repairs</strong>" in post.body and "Power is back" in post.body
    assert "script" not in post.body and "wp:paragraph" not in post.body


def test_draft_stays_a_draft_without_redirect(db):
    import_wordpress(WXR)

    draft = Article.objects.get(source_guid="https://old.example.com/?p=22")
    assert draft.status == Status.DRAFT and draft.published_at is None
    assert draft.slug == "draft-about-the-budget"
    assert [a.name for a in draft.byline] == ["Taras Melnyk"]
    assert not Article.objects.published().filter(pk=draft.pk).exists()
    assert not Redirect.objects.filter(new_path=draft.get_absolute_url()).exists()


def test_featured_image_from_media_folder_becomes_lead_photo(db, uploads):
    result = import_wordpress(WXR, media_dir=uploads)

    post = Article.objects.get(slug="grid-repairs")
    photo = post.lead_photo.photo
    assert photo.alt_text == "Workers in hard hats beside a transformer"
    assert photo.caption == "Repair crews at a substation near Kharkiv."
    assert photo.source_url.endswith("/2024/11/substation.jpg")
    assert (photo.width, photo.height) == (120, 80)
    assert result.photos == 1
    # The draft's image file was not given: reported, and the draft imported without it.
    assert result.images_skipped == [(4, "featured image missing.jpg not found")]
    assert Article.objects.get(slug="draft-about-the-budget").lead_photo is None


def test_featured_images_are_reported_when_no_media_folder_is_given(db):
    result = import_wordpress(WXR)

    assert [position for position, _ in result.images_skipped] == [3, 4]
    assert "no --media folder" in result.images_skipped[0][1]
    assert not Photo.objects.exists()


def test_old_urls_redirect_to_the_new_article(db, client):
    import_wordpress(WXR)

    response = client.get("/2024/11/grid-repairs/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/grid-repairs/"
    assert client.get("/articles/grid-repairs/").status_code == 200
    assert sorted(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/2024/11/grid-repairs/", "/articles/grid-repairs/"),
        ("/?p=21", "/articles/grid-repairs/"),
    ]


def test_wordpress_post_id_links_redirect_and_unknown_ids_get_the_feed(db, client):
    import_wordpress(WXR)

    response = client.get("/?p=21")
    assert response.status_code == 301
    assert response["Location"] == "/articles/grid-repairs/"
    assert client.get("/?p=22").status_code == 200  # a draft: no redirect, the News Feed
    assert client.get("/?p=999").status_code == 200


def test_post_without_date_is_reported_with_its_position(db):
    result = import_wordpress(WXR)

    assert result.skipped == [(6, "published post has no date")]
    assert not Article.objects.filter(source_guid="https://old.example.com/?p=23").exists()


def test_second_import_changes_nothing(db, uploads):
    import_wordpress(WXR, media_dir=uploads)
    counts = (Article.objects.count(), Author.objects.count(), Photo.objects.count(),
              Redirect.objects.count(), Section.objects.count())  # fmt: skip

    result = import_wordpress(WXR, media_dir=uploads)

    assert (result.created, result.unchanged) == (0, 2)
    assert counts == (Article.objects.count(), Author.objects.count(), Photo.objects.count(),
                      Redirect.objects.count(), Section.objects.count())  # fmt: skip


def test_section_option_files_every_post_in_one_section(make_section):
    news = make_section(slug="news")
    import_wordpress(WXR, section=news)
    assert set(Article.objects.values_list("section__slug", flat=True)) == {"news"}
    assert not Section.objects.filter(slug="energy").exists()


def test_malformed_file_is_refused_before_anything_is_written(db, tmp_path):
    with pytest.raises(ImportRefused, match="not well-formed XML"):
        import_wordpress(DATA / "truncated.xml")
    with pytest.raises(ImportRefused, match="not a WordPress export"):
        import_wordpress(DATA / "feed.rss")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<rss><channel><title>&b;</title></channel></rss>"
    )
    with pytest.raises(ImportRefused, match="unsafe XML"):
        import_wordpress(bomb)
    assert not Article.objects.exists()


def test_paragraphs_without_markup_become_paragraph_elements():
    assert autop("One line\nand more.\n\nTwo.") == "<p>One line<br>and more.</p><p>Two.</p>"
    assert autop("<p>Already marked up.</p>") == "<p>Already marked up.</p>"


def test_command_reports_counts_and_dry_run_writes_nothing(db, uploads, capsys):
    call_command("import_wordpress", str(WXR), "--media", str(uploads), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: would import 2 post(s)" in out
    assert not Article.objects.exists() and not Redirect.objects.exists()

    call_command("import_wordpress", str(WXR), "--media", str(uploads))
    captured = capsys.readouterr()
    # The post whose featured image has no credit stays a draft, with no redirect yet.
    assert "Imported 2 post(s), 1 photo(s), 0 redirect(s); 0 already imported, 1 skipped" in (
        captured.out
    )
    assert "kept as a draft: it needs the lead photo's credit before it can be public" in (
        captured.err
    )
    assert "Item 6 skipped: published post has no date" in captured.err
    assert "Item 4: featured image missing.jpg not found; imported without it" in captured.err


def test_command_fails_with_one_line_reason(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_wordpress", str(tmp_path / "export.xml"))
    with pytest.raises(CommandError, match="No such folder"):
        call_command("import_wordpress", str(WXR), "--media", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_wordpress", str(DATA / "truncated.xml"))
