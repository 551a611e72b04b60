import io
import json
import shutil
from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Section, Status
from feed.models import FeedEntry
from ingest.transfer import FORMAT, export_articles, import_articles
from labels.models import Label
from photos.models import Photo


@pytest.fixture
def newsroom(make_article, make_author, make_photo, make_section):
    """A small newsroom with every kind of thing an export carries."""
    world = make_section(slug="world", name="World", description="Abroad.", position=3)
    olena, taras = make_author(name="Olena", slug="olena"), make_author(name="Taras", slug="taras")
    shared = make_photo(credit="", alt_text="A street at dusk")
    lead = make_article(
        headline="Lead story", slug="lead-story", section=world, authors=[taras, olena],
        tags=["Energy", "Kyiv"], photo=shared, caption="Own caption of the lead.",
        body='<p>First <a href="/articles/second-story/">link</a>.</p><p>Second.</p>',
    )  # fmt: skip
    lead.add_correction("An earlier version misspelled a name.")
    lead.feed_entry.label = Label.objects.for_name("Analysis")
    lead.feed_entry.save()
    make_article(
        headline="Second story", slug="second-story", section=world, authors=[olena],
        photo=shared, embargoed_until=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    make_article(headline="A draft", slug="a-draft", publish=False, authors=[])
    return lead


@pytest.fixture
def feed_and_redirects(make_entry, make_article):
    """Feed entries of no article, and redirects: one from a renamed article, one imported."""
    energy = Label.objects.for_name("Energy")
    make_entry(headline="Power is back in Kharkiv", label=energy, pinned=True)
    make_entry(
        headline="From the wires",
        guid="https://wires.example/item/1",
        url="https://wires.example/1",
    )
    make_entry(headline="Not yet", status=FeedEntry.Status.DRAFT)
    renamed = make_article(headline="Renamed", slug="first-name")
    renamed.slug = "second-name"
    renamed.save()
    Redirect.objects.create(
        site=Site.objects.get_current(),
        old_path="/2019/05/old-post/",
        new_path="/articles/second-name/",
    )


def records(stream_text):
    lines = [json.loads(line) for line in stream_text.splitlines()]
    for record in lines:
        if record.get("lead"):
            # Stored file names are chosen by the server, so a new copy has a new name.
            del record["lead"]["photo"]["image"]
    return lines


def empty_the_database():
    FeedEntry.objects.all().delete()
    Article.objects.all().delete()
    Photo.objects.all().delete()  # queryset delete keeps the files on disk
    Author.objects.all().delete()
    Section.objects.all().delete()
    Tag.objects.all().delete()
    Redirect.objects.all().delete()


def test_export_then_import_into_empty_database_gives_back_the_same_content(
    newsroom, media_root, tmp_path
):
    exported = io.StringIO()
    assert export_articles(exported).articles == 3
    shutil.copytree(media_root, tmp_path / "exported-media")
    empty_the_database()

    result = import_articles(
        io.StringIO(exported.getvalue()), media_dir=tmp_path / "exported-media"
    )

    assert (result.created, result.skipped, result.missing_photos) == (3, [], [])
    again = io.StringIO()
    export_articles(again)
    assert records(again.getvalue()) == records(exported.getvalue())
    # The same facts, spelled out.
    lead = Article.objects.get(slug="lead-story")
    assert [a.slug for a in lead.byline] == ["taras", "olena"]
    assert sorted(lead.tags.names()) == ["Energy", "Kyiv"]
    assert lead.lead_photo.text == "Own caption of the lead."
    assert lead.lead_photo.photo.alt_text == "A street at dusk"
    assert [c.text for c in lead.corrections.all()] == ["An earlier version misspelled a name."]
    assert lead.feed_entry.label.name == "Analysis"
    assert lead.section.position == 3 and lead.section.description == "Abroad."
    assert lead.word_count == 3 and lead.is_public
    # Two articles shared one photo; they still do.
    assert Photo.objects.count() == 1
    assert not Article.objects.get(slug="second-story").is_public
    assert Article.objects.get(slug="a-draft").status == Status.DRAFT


def test_import_is_idempotent_by_slug(newsroom):
    exported = io.StringIO()
    export_articles(exported)

    result = import_articles(io.StringIO(exported.getvalue()))

    assert (result.created, result.unchanged) == (0, 3)
    assert Article.objects.count() == 3


def test_import_after_an_interrupted_run_does_not_duplicate_photos(newsroom, media_root, tmp_path):
    exported = io.StringIO()
    export_articles(exported)
    shutil.copytree(media_root, tmp_path / "exported-media")
    empty_the_database()
    lines = exported.getvalue().splitlines(keepends=True)
    import_articles(io.StringIO(lines[0]), media_dir=tmp_path / "exported-media")  # then stopped

    result = import_articles(io.StringIO("".join(lines)), media_dir=tmp_path / "exported-media")

    assert (result.created, result.unchanged, result.missing_photos) == (2, 1, [])
    assert Photo.objects.count() == 1
    lead, second = Article.objects.get(slug="lead-story"), Article.objects.get(slug="second-story")
    assert lead.lead_photo.photo == second.lead_photo.photo


def test_import_back_into_the_same_site_reuses_its_own_photos(newsroom):
    exported = io.StringIO()
    export_articles(exported)
    photo = Photo.objects.get()
    Article.objects.filter(slug="second-story").delete()

    result = import_articles(io.StringIO(exported.getvalue()))

    assert (result.created, result.unchanged, result.missing_photos) == (1, 2, [])
    assert Photo.objects.get() == photo
    assert Article.objects.get(slug="second-story").lead_photo.photo == photo


def test_standalone_feed_entries_and_redirects_round_trip(feed_and_redirects, media_root):
    exported = io.StringIO()
    result = export_articles(exported)
    assert (result.articles, result.entries, result.redirects) == (1, 3, 2)
    empty_the_database()

    result = import_articles(io.StringIO(exported.getvalue()))

    assert (result.entries.created, result.redirects.created, result.skipped) == (3, 2, [])
    again = io.StringIO()
    export_articles(again)
    assert records(again.getvalue()) == records(exported.getvalue())
    pinned = FeedEntry.objects.get(headline="Power is back in Kharkiv")
    assert (pinned.label.name, pinned.pinned, pinned.article) == ("Energy", True, None)
    assert FeedEntry.objects.get(headline="Not yet").status == FeedEntry.Status.DRAFT
    assert (
        FeedEntry.objects.get(guid="https://wires.example/item/1").url == "https://wires.example/1"
    )
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/articles/first-name/": "/articles/second-name/",
        "/2019/05/old-post/": "/articles/second-name/",
    }


def test_standalone_feed_entries_and_redirects_are_imported_once(feed_and_redirects):
    exported = io.StringIO()
    export_articles(exported)
    FeedEntry.objects.filter(headline="Not yet").delete()
    Redirect.objects.filter(old_path="/2019/05/old-post/").delete()

    twice = [import_articles(io.StringIO(exported.getvalue())) for _ in range(2)]

    assert (twice[0].entries.created, twice[0].entries.unchanged) == (1, 2)
    assert (twice[0].redirects.created, twice[0].redirects.unchanged) == (1, 1)
    assert (twice[1].entries.created, twice[1].entries.unchanged) == (0, 3)
    assert (twice[1].redirects.created, twice[1].redirects.unchanged) == (0, 2)
    assert FeedEntry.objects.filter(article=None).count() == 3
    assert Redirect.objects.count() == 2


def test_an_entry_without_guid_is_exported_with_its_rss_guid(feed_and_redirects, reader):
    exported = io.StringIO()
    export_articles(exported)
    lines = [json.loads(line) for line in exported.getvalue().splitlines()]
    entry = next(line for line in lines if line.get("headline") == "Power is back in Kharkiv")

    assert entry["kind"] == "feed_entry" and entry["guid"].startswith("urn:uuid:")
    assert f'<guid isPermaLink="false">{entry["guid"]}</guid>' in reader.get("/feed/rss/").text


def test_bad_lines_are_reported_with_their_number_and_skipped(newsroom):
    exported = io.StringIO()
    export_articles(exported)
    good = exported.getvalue().splitlines()[0]
    empty_the_database()
    broken = json.loads(good) | {"slug": "broken"}
    del broken["section"]
    lines = ["{not json", json.dumps({"format": "other"}), json.dumps(broken), good]

    result = import_articles(io.StringIO("\n".join(lines)))

    assert result.created == 1
    assert [number for number, _ in result.skipped] == [1, 2, 3]
    assert result.skipped[1] == (2, f"not a {FORMAT} record")
    assert result.skipped[2] == (3, "missing 'section'")
    assert not Article.objects.filter(slug="broken").exists()


def test_missing_photo_file_is_reported_and_the_article_kept(newsroom, tmp_path):
    exported = io.StringIO()
    export_articles(exported)
    empty_the_database()

    result = import_articles(io.StringIO(exported.getvalue()), media_dir=tmp_path / "nowhere")

    assert result.created == 3
    assert len(result.missing_photos) == 2
    assert Article.objects.get(slug="lead-story").lead_photo is None


def test_published_only_export_leaves_drafts_and_embargoed_out(newsroom):
    exported = io.StringIO()
    export_articles(exported, published_only=True)
    assert [json.loads(line)["slug"] for line in exported.getvalue().splitlines()] == ["lead-story"]


def test_published_only_export_leaves_draft_entries_out(feed_and_redirects):
    exported = io.StringIO()
    result = export_articles(exported, published_only=True)

    headlines = {json.loads(line).get("headline") for line in exported.getvalue().splitlines()}
    assert (result.entries, result.redirects) == (2, 2)
    assert "Not yet" not in headlines and "From the wires" in headlines


def test_commands_round_trip_through_a_file(newsroom, tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    call_command("export_articles", str(path), "--quiet")
    assert "Exported 3 article(s)." in capsys.readouterr().out
    assert len(path.read_text().splitlines()) == 3

    call_command("import_articles", str(path), "--dry-run")
    assert "Dry run: would import 0 article(s); 3 already present" in capsys.readouterr().out

    Article.objects.filter(slug="a-draft").delete()
    call_command("import_articles", str(path))
    assert "Imported 1 article(s); 2 already present, 0 line(s) skipped." in capsys.readouterr().out
    assert Article.objects.filter(slug="a-draft").exists()


def test_commands_report_standalone_entries_and_redirects(feed_and_redirects, tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    call_command("export_articles", str(path))
    assert (
        "Exported 1 article(s). Also 3 standalone feed entry(ies) and 2 redirect(s)."
        in capsys.readouterr().out
    )
    empty_the_database()

    call_command("import_articles", str(path))

    output = capsys.readouterr().out
    assert "Imported 1 article(s); 0 already present, 0 line(s) skipped." in output
    assert "Imported 3 standalone feed entry(ies) and 2 redirect(s); 0 already present." in output


def test_dry_run_import_writes_nothing(newsroom, tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    call_command("export_articles", str(path))
    empty_the_database()

    call_command("import_articles", str(path), "--dry-run")

    assert "Dry run: would import 3 article(s)" in capsys.readouterr().out
    assert not Article.objects.exists() and not Section.objects.exists()


def test_commands_fail_with_one_line_reason(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_articles", str(tmp_path / "missing.jsonl"))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_articles", str(tmp_path / "no-such-dir" / "out.jsonl"))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_articles", str(binary))


def test_a_photo_file_that_is_no_image_skips_its_line(newsroom, media_root, tmp_path):
    exported = io.StringIO()
    export_articles(exported)
    shutil.copytree(media_root, tmp_path / "exported-media")
    name = Photo.objects.get().image.name
    (tmp_path / "exported-media" / name).write_bytes(b"not an image")
    empty_the_database()

    result = import_articles(
        io.StringIO(exported.getvalue()), media_dir=tmp_path / "exported-media"
    )

    assert [number for number, _ in result.skipped] == [1, 2]
    assert result.created == 1 and not Photo.objects.exists()
