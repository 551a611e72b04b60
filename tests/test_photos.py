import errno
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from photos import crops, images
from photos.models import Photo
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:photos_photo_add")
GPS_IFD = 0x8825


def image_bytes(mode="RGB", size=(64, 48), color=(200, 120, 40), fmt="JPEG", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def with_iptc(jpeg, **records):
    """Add an IPTC block (as Photoshop and agencies write it) to a JPEG."""
    numbers = {"caption": 120, "byline": 80, "credit": 110}
    iptc = b"".join(
        b"\x1c\x02" + bytes([numbers[key]]) + len(value.encode()).to_bytes(2, "big")
        + value.encode()
        for key, value in records.items()
    )  # fmt: skip
    iptc += b"\x00" * (len(iptc) % 2)
    irb = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    payload = b"Photoshop 3.0\x00" + irb
    return jpeg[:2] + b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def camera_jpeg(size=(60, 40)):
    """A phone photo: rotated by EXIF, with a location, a description and XMP."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010E] = "Description from the camera"
    exif[0x013B] = "Camera Owner"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (50.0, 27.0, 0.0)
    return image_bytes(size=size, exif=exif, xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
                       b"<rdf:RDF>GPSLatitude 50.45</rdf:RDF></x:xmpmeta>")  # fmt: skip


def stored_files(*roots):
    return sorted(path for root in roots for path in root.rglob("*") if path.is_file())


@pytest.fixture
def private_root(settings):
    return settings.NEWSROOM_PRIVATE_MEDIA_ROOT


def upload(client, content, name="upload.jpg", **fields):
    data = {"image": SimpleUploadedFile(name, content), "alt_text": "Alt", "caption": "Caption",
            "credit": "Credit"}  # fmt: skip
    data.update(fields)
    return client.post(ADD_URL, data)


@pytest.mark.parametrize(
    ("fmt", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB"), ("GIF", "P")]
)
def test_accepted_formats_are_identified_by_content_not_name(editor_client, fmt, mode):
    color = (10, 20, 30, 255) if mode == "RGBA" else (10 if mode == "P" else (10, 20, 30))
    response = upload(editor_client, image_bytes(mode, fmt=fmt, color=color), name="x.txt")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (64, 48)
    assert "x.txt" not in photo.image.name and photo.image.name != "x"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "SVG code"),
        ("poly.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;<html><script>alert(1)</script>",
         "web page"),
        ("cut.png", image_bytes("L", (400, 300), 0, "PNG")[:-40], "damaged or incomplete"),
        ("empty.jpg", b"", "empty"),
        ("notes.jpg", b"Just some text, no pixels.", "not an image we accept"),
    ],
    ids=["svg", "html-polyglot", "truncated", "empty", "text"],
)  # fmt: skip
def test_refused_uploads_give_a_clear_error_and_leave_no_row_or_file(
    editor_client, media_root, private_root, name, content, message
):
    response = upload(editor_client, content, name=name)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert message in errors
    assert not Photo.objects.exists()
    assert stored_files(media_root, private_root) == []


def test_pixel_limit_is_checked_from_the_header_before_decoding(
    editor_client, settings, media_root
):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 40_000_000
    # A header claiming 7,000 × 7,000 pixels followed by almost no data: decoding would
    # fail as "damaged", so the pixel message proves the header was checked first.
    huge = image_bytes("L", size=(7000, 7000), color=0, fmt="PNG")[:300]
    response = upload(editor_client, huge, name="huge.png")
    assert "40 megapixels" in " ".join(response.context["adminform"].form.errors["image"])
    assert not Photo.objects.exists()


def test_byte_limit_is_enforced(editor_client, settings, media_root, private_root):
    settings.NEWSROOM_PHOTO_MAX_BYTES = 1_000_000
    noisy = Image.effect_noise((1200, 1200), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1_000_000
    response = upload(editor_client, buffer.getvalue(), name="big.png")
    assert "at most 1 MB" in " ".join(response.context["adminform"].form.errors["image"])
    assert stored_files(media_root, private_root) == []


def test_exif_orientation_is_applied(make_photo):
    photo = Photo(alt_text="a", credit="c")
    photo.image.save("phone.jpg", ContentFile(camera_jpeg((60, 40))), save=False)
    photo.save()
    assert (photo.width, photo.height) == (40, 60)


def test_every_public_file_is_stripped_of_exif_gps_xmp_and_iptc(editor_client, media_root):
    content = with_iptc(camera_jpeg((1000, 700)), caption="Agency caption", byline="Jo Bloggs")
    assert upload(editor_client, content).status_code == 302
    photo = Photo.objects.get()
    public = stored_files(media_root)
    # The image, its renditions and the fixed-ratio crops.
    assert len(public) == 1 + len(photo.renditions) + len(crops.CROPS)
    for path in public:
        data = path.read_bytes()
        for secret in (b"Exif\x00", b"GPSLatitude", b"xmpmeta", b"Photoshop 3.0", b"Jo Bloggs"):
            assert secret not in data, (path.name, secret)
        with Image.open(path) as image:
            assert not image.getexif()
            assert not image.getexif().get_ifd(GPS_IFD)
    original = photo.original.storage.path(photo.original.name)
    with open(original, "rb") as handle:
        assert b"GPSLatitude" in handle.read()  # kept privately, as uploaded


def test_originals_are_not_publicly_reachable(make_photo, media_root, private_root, client):
    photo = make_photo()
    path = photo.original.storage.path(photo.original.name)
    assert path.startswith(str(private_root)) and not path.startswith(str(media_root))
    with pytest.raises(ValueError):
        photo.original.url  # noqa: B018
    assert client.get("/media/" + photo.original.name).status_code == 404


def test_renditions_in_several_widths_and_both_formats_are_made_once_at_upload(
    make_photo, media_root, make_article, reader, django_assert_num_queries
):
    photo = Photo(alt_text="Alt", credit="Credit")
    photo.image.save("wide.jpg", ContentFile(jpeg_bytes((2000, 1000))), save=False)
    photo.save()
    widths = sorted({item["width"] for item in photo.renditions})
    assert widths == [320, 640, 960, 1280, 1920]
    assert {item["format"] for item in photo.renditions} == set(images.RENDITION_FORMATS)
    for item in photo.renditions:
        with Image.open(media_root / item["name"]) as image:
            assert image.width == item["width"] and image.format == item["format"].upper()
    article = make_article(photo=photo)
    before = stored_files(media_root)
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert stored_files(media_root) == before  # rendering writes nothing


def test_small_photos_are_not_upscaled(make_photo):
    photo = make_photo()  # 64 × 48
    assert {(item["width"], item["height"]) for item in photo.renditions} == {(64, 48)}


def test_cmyk_photos_are_converted_to_rgb_with_the_right_colours(make_photo):
    photo = Photo(alt_text="a", credit="c")
    photo.image.save("cmyk.jpg", ContentFile(image_bytes("CMYK", color=(0, 255, 255, 0))),
                     save=False)  # fmt: skip
    photo.save()
    for item in photo.renditions:
        with Image.open(photo.image.storage.path(item["name"])) as image:
            red, green, blue = image.convert("RGB").getpixel((10, 10))
            assert red > 230 and green < 40 and blue < 40, item


def test_sixteen_bit_greyscale_is_scaled_not_clipped(make_photo):
    photo = Photo(alt_text="a", credit="c")
    photo.image.save("grey.png", ContentFile(image_bytes("I;16", color=40000, fmt="PNG")),
                     save=False)  # fmt: skip
    photo.save()
    with Image.open(photo.image.path) as image:
        value = image.convert("L").getpixel((5, 5))
    assert 150 <= value <= 160  # 40000 / 257, not 255


def test_credit_and_caption_are_prefilled_from_iptc_for_the_editor_to_confirm(editor_client):
    content = with_iptc(jpeg_bytes(), caption="Rescuers at the site", byline="Jo Bloggs",
                        credit="Agency")  # fmt: skip
    response = upload(editor_client, content, caption="", credit="")
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit) == ("Rescuers at the site", "Jo Bloggs/Agency")
    assert response["Location"] == reverse("admin:photos_photo_change", args=[photo.pk])
    page = editor_client.get(response["Location"]).content.decode()
    assert "filled in from the photo" in page


def test_exif_description_and_artist_fill_in_when_there_is_no_iptc(make_photo):
    photo = Photo(alt_text="a")
    photo.image.save("phone.jpg", ContentFile(camera_jpeg()), save=False)
    photo.save()
    assert (photo.caption, photo.credit) == ("Description from the camera", "Camera Owner")


def test_typed_credit_is_never_overwritten_by_metadata(make_photo):
    photo = Photo(alt_text="a", credit="Typed credit", caption="Typed caption")
    photo.image.save("phone.jpg", ContentFile(camera_jpeg()), save=False)
    photo.save()
    assert (photo.caption, photo.credit) == ("Typed caption", "Typed credit")


def test_article_page_uses_srcset_sizes_width_and_height(make_article, make_photo, reader):
    photo = Photo(alt_text='Alt "quoted" <b>', credit="Credit")
    photo.image.save("wide.jpg", ContentFile(jpeg_bytes((1400, 700))), save=False)
    photo.save()
    article = make_article(photo=photo)
    html = reader.get(article.get_absolute_url()).content.decode()
    assert 'type="image/webp"' in html and "640w" in html and "1400w" in html
    assert 'sizes="' in html and 'width="1400"' in html and 'height="700"' in html
    assert 'alt="Alt &quot;quoted&quot; &lt;b&gt;"' in html


def test_generate_renditions_replaces_the_old_files(make_photo, media_root):
    photo = make_photo()
    old = {item["name"] for item in photo.renditions}
    new = photo.regenerate_renditions()
    photo.refresh_from_db()
    assert photo.renditions == new
    assert not old & {item["name"] for item in new}
    assert all(not (media_root / name).exists() for name in old)


@pytest.mark.parametrize("listing", ["section", "tag", "author"])
def test_teasers_in_listings_use_the_focal_crops_with_srcset_sizes_width_and_height(
    make_article, make_author, reader, listing
):
    photo = Photo(alt_text='Teaser "alt"', credit="Credit")
    photo.image.save("wide.jpg", ContentFile(jpeg_bytes((1400, 700))), save=False)
    photo.save()
    author = make_author()
    article = make_article(photo=photo, tags=["grain"], authors=[author])
    url = {
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["grain"]),
        "author": author.get_absolute_url(),
    }[listing]
    html = reader.get(url).content.decode()
    teaser = html[html.index('class="teaser"') :]
    small, large = crops.crop_url(photo, "4x3-480"), crops.crop_url(photo, "4x3")
    assert f'src="{small}"' in teaser and photo.image.url not in teaser
    assert f'srcset="{small} 480w, {large} 933w"' in teaser and 'sizes="' in teaser
    assert 'width="480"' in teaser and 'height="360"' in teaser
    assert 'alt="Teaser &quot;alt&quot;"' in teaser


def test_byte_limit_is_checked_before_the_file_is_read_as_an_image(
    editor_client, settings, media_root, private_root
):
    settings.NEWSROOM_PHOTO_MAX_BYTES = 1_000
    # Not an image at all: a size message (not a format one) proves size came first.
    response = upload(editor_client, b"\x00" * 5_000, name="big.jpg")
    assert "at most 0 MB" in " ".join(response.context["adminform"].form.errors["image"])
    assert not Photo.objects.exists() and stored_files(media_root, private_root) == []


def test_pixel_refusal_leaves_no_file(editor_client, settings, media_root, private_root):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 1_000
    response = upload(editor_client, image_bytes(size=(100, 100)), name="big.jpg")
    assert "megapixels" in " ".join(response.context["adminform"].form.errors["image"])
    assert not Photo.objects.exists() and stored_files(media_root, private_root) == []


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_metadata_in_png_and_webp_uploads_never_reaches_a_public_file(
    editor_client, media_root, fmt
):
    exif = Image.Exif()
    exif[0x013B] = "Camera Owner"
    exif.get_ifd(GPS_IFD)[1] = "N"
    xmp = "<x:xmpmeta xmlns:x='adobe:ns:meta/'>GPSLatitude 50.45</x:xmpmeta>"
    if fmt == "PNG":  # PNG carries XMP in an iTXt chunk
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        content = image_bytes(size=(700, 500), fmt=fmt, exif=exif, pnginfo=info)
    else:
        content = image_bytes(size=(700, 500), fmt=fmt, exif=exif, xmp=xmp.encode())
    assert b"GPSLatitude" in content and b"Camera Owner" in content
    assert upload(editor_client, content, name="upload.bin").status_code == 302
    public = stored_files(media_root)
    assert len(public) == 1 + len(Photo.objects.get().renditions) + len(crops.CROPS)
    for path in public:
        data = path.read_bytes()
        assert b"GPSLatitude" not in data and b"Camera Owner" not in data, path.name
        with Image.open(path) as image:
            assert not image.getexif() and "xmp" not in image.info, path.name


def test_avif_is_accepted_as_this_pillow_supports_it(editor_client):
    assert "AVIF" in images.ACCEPTED_FORMATS
    response = upload(editor_client, image_bytes(fmt="AVIF"), name="photo.bin")
    assert response.status_code == 302
    assert {item["format"] for item in Photo.objects.get().renditions} == {"avif", "webp", "jpeg"}
    form_page = editor_client.get(ADD_URL).content.decode()
    assert "image/avif" in form_page


def test_a_refused_file_already_in_storage_is_removed(media_root, private_root):
    from django.core.exceptions import ValidationError

    photo = Photo(alt_text="a", credit="c")
    photo.image.save("notes.jpg", ContentFile(b"Not an image."), save=False)
    assert stored_files(media_root)  # written by the caller before the check
    with pytest.raises(ValidationError):
        photo.save()
    assert not Photo.objects.exists() and stored_files(media_root, private_root) == []


def test_a_failed_save_leaves_no_file(make_photo, media_root, private_root, monkeypatch):
    from django.db import models

    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(models.Model, "save", refuse)
    photo = Photo(alt_text="a", credit="c")
    photo.image.save("ok.jpg", ContentFile(jpeg_bytes((800, 600))), save=False)
    with pytest.raises(RuntimeError):
        photo.save()
    assert stored_files(media_root, private_root) == []


def test_replacing_a_photos_image_removes_the_old_public_files_and_original(
    editor_client, make_photo, media_root, private_root, django_capture_on_commit_callbacks
):
    photo = make_photo()
    old = stored_files(media_root, private_root)
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = {"image": SimpleUploadedFile("new.jpg", jpeg_bytes((900, 600))), "alt_text": "Alt",
            "caption": "Caption", "credit": "Credit"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(url, data).status_code == 302
    photo.refresh_from_db()
    assert photo.width == 900
    remaining = stored_files(media_root, private_root)
    assert not set(old) & set(remaining)
    # public copy, original, renditions and the crops
    assert len(remaining) == 2 + len(photo.renditions) + len(crops.CROPS)


def gif_bytes(size):
    buffer = io.BytesIO()
    Image.new("P", size, 3).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize("size", [(10_799, 2), (2, 10_799), (1, 1), (3000, 1)])
def test_photos_of_extreme_proportions_get_crops_of_at_least_one_pixel(
    editor_client, media_root, size
):
    response = upload(editor_client, gif_bytes(size), name="banner.gif")
    assert response.status_code == 302
    photo = Photo.objects.get()
    for name in crops.CROPS:
        width, height = crops.crop_size(photo, name)
        assert width >= 1 and height >= 1
        with Image.open(media_root / crops.name_of(photo, name)) as crop:
            assert crop.size == (width, height)


def test_an_image_that_cannot_be_re_encoded_is_a_form_error_with_no_row_or_file(
    editor_client, media_root, private_root, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValueError("cannot write empty image")

    monkeypatch.setattr(images, "encode", refuse)
    response = upload(editor_client, jpeg_bytes((300, 200)))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "cannot be turned into web copies" in errors
    assert not Photo.objects.exists()
    assert stored_files(media_root, private_root) == []


def test_a_crop_that_cannot_be_cut_is_a_form_error_with_no_row_or_file(
    editor_client, media_root, private_root, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValueError("cannot write empty image")

    monkeypatch.setattr(crops.ImageOps, "exif_transpose", refuse)
    response = upload(editor_client, jpeg_bytes((300, 200)))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "cannot be turned into web copies" in errors
    assert not Photo.objects.exists()
    assert stored_files(media_root, private_root) == []


def full_disk_after(monkeypatch, storage_class, files):
    """Make `storage_class` run out of space on its `files`-th write, half-way through."""
    original = storage_class._save
    written = []

    def save(self, name, content):
        if len(written) + 1 < files:
            written.append(name)
            return original(self, name, content)
        half = content.read()[:100]
        original(self, name, ContentFile(half))  # the part that fitted
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_class, "_save", save)


@pytest.mark.parametrize("files", [1, 2, 3, 9])
def test_a_full_disk_during_an_upload_is_a_form_error_leaving_no_partial_file(
    editor_client, media_root, private_root, monkeypatch, files
):
    from django.core.files.storage import FileSystemStorage

    # 1: the private original, 2: the public copy, 3: a rendition, 9: a crop.
    full_disk_after(monkeypatch, FileSystemStorage, files)
    response = upload(editor_client, jpeg_bytes((1000, 800)))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "the media storage is full" in errors
    assert not Photo.objects.exists()
    assert stored_files(media_root, private_root) == []


def test_the_private_original_keeps_the_extension_of_its_detected_format(
    editor_client, private_root
):
    assert upload(editor_client, image_bytes(fmt="PNG"), name="scan.jpeg").status_code == 302
    original = Photo.objects.get().original.name
    assert original.endswith(".png")
    assert (private_root / original).is_file()


def test_refusing_an_svg_names_the_formats_that_are_accepted(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    response = upload(editor_client, svg, name="logo.svg")
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert "SVG" in errors and images.accepted_names() in errors
