"""Focal points: every crop and thumbnail keeps the photo's subject in frame, and moving
the subject recuts the crops and purges the pages."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from lib import pagecache
from photos import crops
from photos.models import Photo

pytestmark = pytest.mark.django_db

MARK = (255, 0, 0)


def marked_jpeg(size, mark_at, mark_size=24):
    """A grey photo with one red square (the subject) centred at `mark_at`."""
    image = Image.new("RGB", size, (128, 128, 128))
    x, y = mark_at
    half = mark_size // 2
    image.paste(MARK, (x - half, y - half, x + half, y + half))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")  # no JPEG blur around the mark
    return buffer.getvalue()


def marked_photo(size, mark_at, **focus):
    photo = Photo(alt_text="A subject", credit="Jo Bloggs", **focus)
    photo.image.save("marked.png", ContentFile(marked_jpeg(size, mark_at)), save=False)
    photo.save()
    return photo


def shows_mark(path):
    with Image.open(path) as crop:
        pixels = crop.convert("RGB").get_flattened_data()
        return any(r > 200 and g < 80 and b < 80 for r, g, b in pixels)


@pytest.mark.parametrize(
    ("size", "mark_at"),
    [((1600, 900), (1540, 60)), ((900, 1600), (60, 1540)), ((2000, 500), (40, 250)),
     ((1200, 1200), (1150, 1150))],
)  # fmt: skip
def test_every_crop_keeps_the_marked_subject_in_frame(media_root, size, mark_at):
    photo = marked_photo(size, mark_at, focal_x=mark_at[0] / size[0], focal_y=mark_at[1] / size[1])
    for name in crops.CROPS:
        assert shows_mark(media_root / crops.name_of(photo, name)), name


def test_without_a_focal_point_the_corner_subject_is_cut_off(media_root):
    photo = marked_photo((1600, 900), (1540, 60))
    assert not shows_mark(media_root / crops.name_of(photo, "1x1"))


@pytest.mark.parametrize("focus", [(0, 0), (1, 1), (0.5, 0.5), (0.97, 0.03), (0.01, 0.99)])
@pytest.mark.parametrize("size", [(1600, 900), (900, 1600), (10_799, 2), (3, 1)])
@pytest.mark.parametrize("ratio", [(16, 9), (4, 3), (1, 1)])
def test_the_crop_box_always_holds_the_focal_point(focus, size, ratio):
    left, top, right, bottom = crops.crop_box(size, ratio, focus)
    assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]
    x, y = focus[0] * size[0], focus[1] * size[1]
    assert left <= x <= right and top <= y <= bottom


def test_moving_the_focal_point_recuts_the_crops_and_purges_the_pages(
    media_root, monkeypatch, django_capture_on_commit_callbacks
):
    photo = marked_photo((1600, 900), (1540, 60))
    old = {name: media_root / crops.name_of(photo, name) for name in crops.CROPS}
    purged = []
    monkeypatch.setattr(pagecache, "purge", lambda *tags: purged.append(set(tags)))
    photo = Photo.objects.get(pk=photo.pk)
    photo.focal_x, photo.focal_y = 1540 / 1600, 60 / 900
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    for name in crops.CROPS:
        new = media_root / crops.name_of(photo, name)
        assert new != old[name] and new.exists() and shows_mark(new)
        assert not old[name].exists()
    assert any(pagecache.SITE in tags for tags in purged)


def test_a_focal_point_off_the_photo_is_refused():
    photo = Photo(focal_x=1.2, focal_y=-0.1, alt_text="a", credit="b")
    with pytest.raises(ValidationError) as refused:
        photo.full_clean(exclude=["image"])
    assert set(refused.value.message_dict) == {"focal_x", "focal_y"}


def test_the_photo_form_sets_the_focal_point(editor_client, media_root):
    photo = marked_photo((1600, 900), (1540, 60))
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    form = editor_client.get(url).content.decode()
    assert "data-focal-point" in form and 'src="' + photo.fallback_url in form
    assert "desk/focal-point.js" in form
    response = editor_client.post(
        url,
        {"alt_text": photo.alt_text, "caption": "", "credit": photo.credit,
         "focal_x": "0.9625", "focal_y": "0.0667"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.9625, 0.0667)
    assert shows_mark(media_root / crops.name_of(photo, "1x1"))


def test_the_migration_cuts_thumbnails_for_photos_kept_before(media_root):
    photo = marked_photo((1600, 900), (800, 450))
    thumbnails = [crops.name_of(photo, name) for name in ("4x3-480", "1x1-240")]
    for name in thumbnails:  # as a photo uploaded before thumbnails were cut
        default_storage.delete(name)
    migration = importlib.import_module("photos.migrations.0002_focal_point")
    migration.cut_thumbnail_crops(apps, None)
    assert all((media_root / name).exists() for name in thumbnails)
