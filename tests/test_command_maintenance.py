"""regenerate_renditions, rebuild_search_index, seed_bulk, load_demo and
sweep_photo_files."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from taggit.models import TaggedItem

from articles import text
from articles.management.commands.rebuild_search_index import rebuild_search_index
from articles.models import Article, ArticleAuthor, Caption, Status
from bench.seeding import seed_bulk
from feed.models import FeedEntry
from photos import crops
from photos.management.commands.regenerate_renditions import regenerate_renditions
from photos.management.commands.sweep_photo_files import sweep_photo_files
from photos.models import Photo


def test_regenerate_renditions_corrects_sizes_and_remakes_renditions(make_photo, monkeypatch):
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(width=1, height=1)
    made = []
    monkeypatch.setattr(Photo, "regenerate_renditions", lambda p: made.append(p.pk))

    checked, corrected, remade, unreadable = regenerate_renditions()

    photo.refresh_from_db()
    assert (checked, corrected, remade, unreadable) == (1, 1, 1, [])
    assert (photo.width, photo.height) == (64, 48)
    assert made == [photo.pk]


def test_regenerate_renditions_really_rewrites_rendition_files(make_photo):
    photo = make_photo()
    before = [item["name"] for item in photo.renditions]

    regenerate_renditions()

    photo.refresh_from_db()
    after = [item["name"] for item in photo.renditions]
    assert after and after != before
    assert all(photo.image.storage.exists(name) for name in after)
    assert not any(photo.image.storage.exists(name) for name in before)


def test_unreadable_photo_is_reported_and_the_command_fails(make_photo, capsys):
    good, broken = make_photo(), make_photo()
    broken.image.storage.delete(broken.image.name)
    Photo.objects.filter(pk=good.pk).update(width=2)

    with pytest.raises(CommandError, match="1 photo\\(s\\) could not be read"):
        call_command("regenerate_renditions", "--dry-run")
    out = capsys.readouterr().out
    assert f"Photo {broken.pk} ({broken.image.name}): FileNotFoundError" in out
    assert "would correct 1 size(s), remade renditions of 0, 1 unreadable" in out
    good.refresh_from_db()
    assert good.width == 2  # a dry run corrects nothing


def test_rebuild_search_index_corrects_stale_figures_and_search_document(make_article, capsys):
    article = make_article(headline="Substation", body="<p>" + "grain " * 400 + "</p>")
    Article.objects.filter(pk=article.pk).update(word_count=1, reading_time=9)

    assert rebuild_search_index(dry_run=True) == (1, 1)
    assert Article.objects.get(pk=article.pk).word_count == 1

    call_command("rebuild_search_index")

    article.refresh_from_db()
    assert (article.word_count, article.reading_time) == (400, 3)
    assert "Checked 1 article(s): corrected 1 figure(s); search index rebuilt." in (
        capsys.readouterr().out
    )
    assert Article.objects.filter(search_document="substation").get() == article


def test_seed_bulk_creates_linked_realistic_rows(db):
    result = seed_bulk(50, entries=7, batch_size=20, seed=3)

    assert result.articles == 50 and result.rate > 0
    articles = Article.objects.filter(source_guid__startswith="bulk:")
    assert articles.count() == 50
    assert Article.objects.published().count() + articles.filter(status=Status.DRAFT).count() == 50
    assert ArticleAuthor.objects.values("article").distinct().count() == 50
    assert TaggedItem.objects.values("object_id").distinct().count() == 50
    assert Photo.objects.count() == 6
    assert Caption.objects.count() > 0
    assert FeedEntry.objects.filter(article__isnull=True).count() == 7
    linked = FeedEntry.objects.filter(article__isnull=False)
    assert (
        linked.count()
        == articles.filter(status=Status.PUBLISHED, section__in_news_feed=True).count()
    )
    for article in articles[:10]:
        assert article.word_count == text.count_words(article.body) > 0
        assert article.went_live_at == article.published_at
    # A second run reuses the photos, authors and tags and adds 50 more articles.
    again = seed_bulk(50, seed=3)
    assert (again.photos, again.authors, again.tags) == (0, 0, 0)
    assert Article.objects.count() == 100


def test_seed_bulk_inserts_in_batches_not_row_by_row(db, django_assert_max_num_queries):
    seed_bulk(10, seed=1)  # shared photos, authors and tags exist from here on
    with django_assert_max_num_queries(40):
        seed_bulk(600, batch_size=200, seed=2)
    assert Article.objects.count() == 610


def test_seed_bulk_command_reports_the_rate(db, capsys):
    call_command("seed_bulk", "25", "--entries", "5", "--quiet")
    out = capsys.readouterr().out
    assert "Created 25 article(s)" in out and "articles/second" in out
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("seed_bulk", "-1")


def test_load_demo_dry_run_writes_nothing_and_reports(db, capsys, media_root, settings):
    call_command("load_demo", "--dry-run", "--quiet")
    assert "Dry run: would create" in capsys.readouterr().out
    assert not Article.objects.exists()
    assert not _files(media_root, settings.NEWSROOM_PRIVATE_MEDIA_ROOT)
    call_command("load_demo")
    assert Article.objects.exists()
    assert _files(media_root) and _files(settings.NEWSROOM_PRIVATE_MEDIA_ROOT)


def _files(*roots):
    return {path for root in roots for path in root.rglob("*") if path.is_file()}


def _age(paths, hours):
    for path in paths:
        stamp = path.stat().st_mtime - hours * 3600
        os.utime(path, (stamp, stamp))


def test_sweep_photo_files_deletes_what_a_rolled_back_upload_left(
    make_photo, settings, media_root, capsys
):
    private_root = settings.NEWSROOM_PRIVATE_MEDIA_ROOT
    kept = make_photo()
    crops.make_crop(kept, "16x9")
    kept_files = _files(media_root, private_root)
    with transaction.atomic():  # e.g. an admin save failing after the photo was processed
        lost = make_photo()
        crops.make_crop(lost, "1x1")
        transaction.set_rollback(True)
    left = _files(media_root, private_root) - kept_files
    # The public copy, its renditions, the private original and the crop are all left.
    assert {part for path in left for part in path.parts} >= {"renditions", "crops"}
    assert any(private_root in path.parents for path in left)
    _age(left | kept_files, hours=25)

    call_command("sweep_photo_files", "--dry-run", "--quiet")
    assert f"Would delete {len(left)} file(s)" in capsys.readouterr().out
    assert _files(media_root, private_root) == kept_files | left

    call_command("sweep_photo_files", "--quiet")
    assert f"Deleted {len(left)} file(s)" in capsys.readouterr().out
    assert _files(media_root, private_root) == kept_files
    assert Photo.objects.get().pk == kept.pk
    assert lost.pk and not Photo.objects.filter(pk=lost.pk).exists()


def test_sweep_photo_files_leaves_recent_files_for_uploads_in_progress(
    make_photo, settings, media_root
):
    with transaction.atomic():
        make_photo()
        transaction.set_rollback(True)
    written = _files(media_root, settings.NEWSROOM_PRIVATE_MEDIA_ROOT)
    assert written
    assert sweep_photo_files(older_than_hours=24) == []
    assert _files(media_root, settings.NEWSROOM_PRIVATE_MEDIA_ROOT) == written
    with pytest.raises(CommandError, match="at least 1"):
        call_command("sweep_photo_files", "--older-than-hours", "0")
