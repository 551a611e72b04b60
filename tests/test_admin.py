import pytest
from django.urls import reverse

from articles.models import Article, Author, Section
from feed.models import FeedEntry
from labels.models import Label
from photos.models import Photo
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

MODELS = [Article, Author, Photo, Section, FeedEntry]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_list_and_add_pages_load_for_an_editor(editor_client, model, make_article, make_entry):
    make_article(photo=True, tags=["Kursk"])
    make_entry(label=Label.objects.for_name("Video"))
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200


def test_change_pages_load_for_an_editor(editor_client, make_article):
    article = make_article(photo=True, tags=["Kursk"])
    entry = FeedEntry.objects.get(article=article)
    for model, obj in [(Article, article), (FeedEntry, entry), (Photo, article.lead.photo),
                       (Author, article.byline[0]), (Section, article.section)]:  # fmt: skip
        response = editor_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model


def test_article_list_shows_status_section_and_authors(editor_client, make_article, make_author):
    make_article(headline="Listed story", authors=[make_author(name="Olena Kovalenko")])
    html = editor_client.get(admin_url(Article, "changelist")).content.decode()
    assert "Listed story" in html and "Olena Kovalenko" in html and "Published" in html


def test_readers_cannot_reach_the_admin(reader):
    response = reader.get(admin_url(Article, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class TestPhotoUpload:
    def post_photo(self, client, upload):
        return client.post(
            admin_url(Photo, "add"),
            {"image": upload, "alt_text": "Alt", "caption": "Caption", "credit": "Credit"},
        )

    def test_valid_image_is_stored_with_its_size_under_a_server_chosen_name(
        self, editor_client, editor, media_root
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("../../My Holiday.JPG", jpeg_bytes((120, 80)), "image/jpeg")
        response = self.post_photo(editor_client, upload)
        assert response.status_code == 302
        photo = Photo.objects.get()
        assert (photo.width, photo.height) == (120, 80)
        assert photo.uploaded_by == editor
        assert "Holiday" not in photo.image.name and ".." not in photo.image.name

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("notes.jpg", b"this is not an image at all"),
            ("empty.png", b""),
            ("page.jpg", b"<html><script>alert(1)</script></html>"),
            ("truncated.jpg", jpeg_bytes((400, 300))[:200]),
        ],
        ids=["text", "empty", "html", "truncated"],
    )
    def test_invalid_upload_is_refused_with_a_clear_message_and_nothing_saved(
        self, editor_client, media_root, name, content
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.post_photo(editor_client, SimpleUploadedFile(name, content))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["image"]
        assert errors
        assert any("image" in str(error).lower() or "empty" in str(error).lower()
                   for error in errors)  # fmt: skip
        assert not Photo.objects.exists()
        assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_editor_creates_and_publishes_an_article_with_lead_caption_authors_and_tags(
    editor_client, make_section, make_author, make_photo
):
    from taggit.models import Tag

    section = make_section(in_news_feed=True)
    first, second = make_author(), make_author()
    photo = make_photo(caption="Photo's own caption")
    existing = Tag.objects.create(name="Kursk Oblast", slug="kursk-oblast")
    data = {
        "section": section.pk,
        "headline": "Admin-made story",
        "slug": "admin-made-story",
        "standfirst": "Made in the admin.",
        "body": "<p>Hello <script>evil()</script>readers</p>",
        "tags": [existing.pk],
        "new_tags": "Russia, North Korea",
        "_workflow": "publish",
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "credits-TOTAL_FORMS": "2",
        "credits-INITIAL_FORMS": "0",
        "credits-0-author": second.pk,
        "credits-0-position": "0",
        "credits-1-author": first.pk,
        "credits-1-position": "1",
        "lead-TOTAL_FORMS": "1",
        "lead-INITIAL_FORMS": "0",
        "lead-0-photo": photo.pk,
        "lead-0-text": "Per-use caption",
    }
    response = editor_client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="admin-made-story")
    assert article.is_public
    assert "<script>" not in article.body
    assert article.byline == [second, first]
    assert sorted(article.tags.names()) == ["Kursk Oblast", "North Korea", "Russia"]
    assert article.lead.text == "Per-use caption"
    assert FeedEntry.objects.filter(article=article).exists()


def test_old_photo_admin_addresses_redirect_to_the_photos_app(client):
    response = client.get("/admin/articles/photo/12/change/?_popup=1")
    assert response.status_code == 301
    assert response["Location"] == "/admin/photos/photo/12/change/?_popup=1"
