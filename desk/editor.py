"""The body editor of the desk: what the rich-text editor offers writers, and the two
requests it makes while a writer works (resolving an embed, uploading a photo).

The editor is django-prose-editor's Tiptap build, started by static/desk/editor.js with
the newsroom's own blocks and marks; everything it writes is exactly what
`articles.text.sanitize_html` keeps."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_POST
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media
from js_asset import Media, Script

from embeds.models import Embed
from photos import images
from photos.models import Photo

from . import workflow
from .widgets import describe

PRESET = "newsroom"

BODY_EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Code": True,
        "Abbreviation": True,
        "Citation": True,
        "TimeMark": True,
        "Inserted": True,
        "Deleted": True,
        "Language": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "PullQuote": True,
        "FactBox": True,
        "CodeBlock": True,
        "HorizontalRule": True,
        "HardBreak": True,
        # Not autolinked: text typed after a link stays outside it.
        "Link": {
            "enableTarget": False,
            "autolink": False,
            "protocols": ["http", "https", "mailto"],
        },
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "NewsPhoto": True,
        "NewsGallery": True,
        "NewsEmbed": True,
        "Menu": {
            "groups": [
                {"group": "blockType -lists", "type": "dropdown", "minItems": 2},
                {"group": "lists"},
                {"group": "nodes -blockType -lists"},
                {"group": "marks"},
                {"group": "link"},
                {"group": "insert"},
                {"group": "table"},
                {"group": "history"},
                {"group": "utility"},
            ]
        },
        "Document": True,
        "Dropcursor": True,
        "Gapcursor": True,
        "Paragraph": True,
        "Text": True,
        "History": True,
        # An empty line after a last photo, gallery or embed, to go on typing.
        "TrailingNode": True,
    },
    "endpoints": {
        "photos": reverse_lazy("admin:photos_photo_chooser"),
        "upload": reverse_lazy("admin:articles_article_editor_photo"),
        "embed": reverse_lazy("admin:articles_article_editor_embed"),
        # with the photo's number in place of 0
        "focalPoint": reverse_lazy("admin:articles_article_editor_focal_point", args=[0]),
    },
}


class BodyEditorWidget(AdminProseEditorWidget):
    """The prose editor started by our own module, with our stylesheet in place of the
    inline styles the Content-Security-Policy refuses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, config=BODY_EDITOR_CONFIG, preset=PRESET, **kwargs)

    def get_config(self):
        return self.config

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["desk/editor.css"]},
            js=[Script("desk/editor.js", type="module")],
        )


def body_widget():
    return BodyEditorWidget()


def _error(error):
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return JsonResponse({"error": " ".join(messages)}, status=400)


class BodyEditorViews:
    """For the article admin: the editor's embed and photo-upload requests, as JSON."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("editor/embed/", view(self.editor_embed_view),
                 name="articles_article_editor_embed"),
            path("editor/photo/", view(self.editor_photo_view),
                 name="articles_article_editor_photo"),
            path("editor/photo/<int:pk>/focal-point/", view(self.editor_focal_point_view),
                 name="articles_article_editor_focal_point"),
        ] + super().get_urls()  # fmt: skip

    def _check_writer(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied

    @staticmethod
    def describe_embed(embed):
        return {
            "id": embed.pk,
            "url": embed.url,
            "title": embed.title,
            "provider": embed.provider_name,
            "kind": embed.kind,
        }

    @property
    def editor_embed_view(self):
        @require_POST
        def resolve(request):
            """Resolve the address a writer pasted into an embed, or say why not."""
            self._check_writer(request)
            try:
                embed = Embed.objects.resolve(request.POST.get("url", "")[:500])
            except ValidationError as error:
                return _error(error)
            return JsonResponse(self.describe_embed(embed))

        return resolve

    @property
    def editor_photo_view(self):
        @require_POST
        def upload(request):
            """A photo uploaded from the editor, through the same checks as the photo
            library's form: size, format, pixels, stripped metadata, renditions."""
            self._check_writer(request)
            if not request.user.has_perm("photos.add_photo"):
                raise PermissionDenied
            upload = request.FILES.get("image")
            if upload is None:
                return _error(ValidationError("Choose an image file to upload."))
            photo = Photo(
                alt_text=request.POST.get("alt_text", "").strip(),
                caption=request.POST.get("caption", "").strip(),
                credit=request.POST.get("credit", "").strip(),
                uploaded_by=request.user,
            )
            missing = [
                label
                for label, value in (("alt text", photo.alt_text), ("credit", photo.credit))
                if not value
            ]
            if missing:
                return _error(ValidationError(f"Give the photo its {' and '.join(missing)}."))
            try:
                images.check_size(upload.size)
                photo.image = upload
                photo.full_clean(exclude=["image"])
                photo.save()
            except ValidationError as error:
                return _error(error)
            return JsonResponse({"photo": describe(photo)})

        return upload

    @property
    def editor_focal_point_view(self):
        @require_POST
        def set_focal_point(request, pk):
            """The subject of a photo, clicked in the editor's chooser: the crops are
            recut and the pages showing the photo purged, as from the photo form."""
            photo = get_object_or_404(Photo, pk=pk)
            if not workflow.can_edit_photo(request.user, photo):
                raise PermissionDenied
            try:
                photo.focal_x = float(request.POST.get("focal_x", ""))
                photo.focal_y = float(request.POST.get("focal_y", ""))
                photo.full_clean(exclude=["image"])
            except ValueError:
                return _error(ValidationError("Click on the photo to set its focal point."))
            except ValidationError as error:
                return _error(error)
            photo.save()
            return JsonResponse({"photo": describe(photo), "focal": [photo.focal_x, photo.focal_y]})

        return set_focal_point


class FeedEntryMediaForm(forms.ModelForm):
    """A feed entry's own photo and embed: the embed is given by its address and resolved
    like the body editor's, against the provider allowlist."""

    embed_url = forms.URLField(
        label="Video, post or chart",
        required=False,
        assume_scheme="https",
        help_text="The address of a YouTube or Vimeo video, a post on X, Instagram, Facebook, "
        "Telegram or TikTok, a SoundCloud or Spotify track, or a Datawrapper or Flourish "
        "chart. Readers see a light placeholder until they press play.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        embed = getattr(self.instance, "embed", None)
        if embed is not None:
            self.fields["embed_url"].initial = embed.url

    def clean_embed_url(self):
        url = self.cleaned_data["embed_url"]
        self.resolved_embed = Embed.objects.resolve(url) if url else None
        return url

    def save(self, commit=True):
        if "embed_url" in self.cleaned_data:
            self.instance.embed = self.resolved_embed
        return super().save(commit)
