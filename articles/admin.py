from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Prefetch
from django.utils.html import format_html
from taggit.models import Tag
from taggit.utils import parse_tags

from .models import Article, ArticleAuthor, Author, Caption, Photo, Section, Status


def thumbnail(photo, width=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" style="height:auto">',
        photo.image.url,
        width,
        photo.alt_text,
    )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_news_feed"]
    list_editable = ["position", "in_news_feed"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["preview", "__str__", "credit", "dimensions", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["caption", "alt_text", "credit"]
    readonly_fields = ["preview_large", "width", "height", "uploaded_by", "uploaded_at"]
    fields = ["image", "preview_large", "alt_text", "caption", "credit", "width", "height",
              "uploaded_by", "uploaded_at"]  # fmt: skip
    date_hierarchy = "uploaded_at"

    @admin.display(description="Photo")
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description="Preview")
    def preview_large(self, photo):
        return thumbnail(photo, width=320)

    @admin.display(description="Size")
    def dimensions(self, photo):
        return f"{photo.width} × {photo.height}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class CaptionInline(admin.StackedInline):
    model = Caption
    can_delete = True
    max_num = 1
    extra = 1
    autocomplete_fields = ["photo"]
    readonly_fields = ["preview", "credit"]
    fields = ["photo", "preview", "text", "credit"]
    verbose_name = "lead photo"
    verbose_name_plural = "lead photo"

    @admin.display(description="Preview")
    def preview(self, caption):
        return thumbnail(caption.photo, width=240) if caption.photo_id else "—"

    @admin.display(description="Credit (from the photo)")
    def credit(self, caption):
        return caption.credit if caption.photo_id else "—"


class ArticleAdminForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Type to find existing tags.",
    )
    new_tags = forms.CharField(
        required=False,
        help_text="Tags that do not exist yet, separated by commas.",
    )
    substantive_update = forms.BooleanField(
        required=False,
        help_text="Tick when this save changes the story for readers: they will see an "
        "“Updated” time. Leave unticked for typo fixes.",
    )

    class Meta:
        model = Article
        fields = ["section", "headline", "slug", "standfirst", "body", "status",
                  "published_at", "updated_at"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())

    def clean(self):
        cleaned = super().clean()
        existing = [tag.name for tag in cleaned.get("tags") or []]
        cleaned["tags"] = existing + parse_tags(cleaned.get("new_tags", ""))
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status", "section", "published_at", "updated_at",
                    "author_names", "reading_time"]  # fmt: skip
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    readonly_fields = ["reading_time", "word_count", "created_at", "modified_at"]
    date_hierarchy = "published_at"
    inlines = [ArticleAuthorInline, CaptionInline]
    fieldsets = [
        (None, {"fields": ["section", "headline", "slug", "standfirst", "body"]}),
        ("Tags", {"fields": ["tags", "new_tags"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "substantive_update", "updated_at"]},
        ),  # fmt: skip
        ("Figures", {"fields": ["reading_time", "word_count", "created_at", "modified_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("credits", ArticleAuthor.objects.select_related("author")))
        )

    @admin.display(description="Authors")
    def author_names(self, article):
        return ", ".join(author.name for author in article.byline) or "—"

    def save_model(self, request, obj, form, change):
        if obj.status == Status.PUBLISHED:
            obj.publish(
                at=obj.published_at,
                substantive_update=form.cleaned_data.get("substantive_update", False),
            )
        else:
            super().save_model(request, obj, form, change)
