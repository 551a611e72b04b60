"""Importers keep only what an editor's form would accept, and a photo that cannot be
used costs the item its photo, never the item itself."""

from pathlib import Path

import pytest

from articles.models import Article
from ingest.wordpress import import_wordpress
from photos import images
from photos.models import Photo

from .conftest import jpeg_bytes

DATA = Path(__file__).parent / "data"
HOSTILE = 'https://old.example.com/wp-content/uploads/2024/11/substation.jpg?" onerror="x()'

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2024" / "11").mkdir(parents=True)
    (folder / "2024" / "11" / "substation.jpg").write_bytes(jpeg_bytes((120, 80)))
    return folder


def stored_files(settings):
    roots = (settings.MEDIA_ROOT, settings.NEWSROOM_PRIVATE_MEDIA_ROOT)
    return sorted(path for root in roots for path in Path(root).rglob("*") if path.is_file())


def test_a_wordpress_attachment_url_the_form_would_refuse_is_not_stored(uploads, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(
        (DATA / "wordpress.xml")
        .read_text()
        .replace(
            "https://old.example.com/wp-content/uploads/2024/11/substation.jpg",
            HOSTILE.replace('"', "&quot;"),
        )
    )
    result = import_wordpress(export, media_dir=uploads)

    photo = Article.objects.get(slug="grid-repairs").lead_photo.photo
    assert photo.source_url == ""
    assert any("not kept" in reason for _, reason in result.images_skipped)
    assert not Photo.objects.filter(source_url__contains="onerror").exists()


def test_a_wordpress_image_that_cannot_be_processed_is_left_out_and_the_post_kept(
    uploads, monkeypatch, settings
):
    def refuse(*args, **kwargs):
        raise ValueError("cannot write empty image")

    monkeypatch.setattr(images, "encode", refuse)
    result = import_wordpress(DATA / "wordpress.xml", media_dir=uploads)

    assert result.created == 2 and result.photos == 0
    post = Article.objects.get(slug="grid-repairs")
    assert post.is_public and post.lead_photo is None
    assert any("cannot be turned into web copies" in reason for _, reason in result.images_skipped)
    assert not Photo.objects.exists() and stored_files(settings) == []
