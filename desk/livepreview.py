"""Live preview: the article form as it stands, unsaved, in the public article template.

The editing script posts the whole form to this view, into a second tab, when the person
asks for the preview, and again a moment after each change while that tab is open. The
view builds an article in memory from the posted fields (text, section, byline, tags and
lead photo) and renders it with the readers' template under a "Draft preview" banner.
Nothing is saved; the page is never cached or indexed, and only someone who may edit the
article (or add one) can ask for it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from taggit.utils import parse_tags

from articles import metadata, text
from articles.models import Article, Author, Caption, Section
from photos.models import Photo

TEMPLATE = "desk/live_preview.html"
MAX_INLINE_FORMS = 50


def _number(value):
    value = str(value or "").strip()
    return int(value) if value.isdigit() else None


def _deleted(data, prefix):
    return data.get(f"{prefix}-DELETE") in ("on", "true", "1")


def _byline(data):
    total = min(_number(data.get("credits-TOTAL_FORMS")) or 0, MAX_INLINE_FORMS)
    chosen = []
    for index in range(total):
        prefix = f"credits-{index}"
        author = _number(data.get(f"{prefix}-author"))
        if author is None or _deleted(data, prefix):
            continue
        position = _number(data.get(f"{prefix}-position"))
        chosen.append((position if position is not None else index, index, author))
    authors = Author.objects.in_bulk([author for _position, _index, author in chosen])
    return [authors[author] for *_order, author in sorted(chosen) if author in authors]


def _tags(data):
    ids = [number for number in map(_number, data.getlist("tags")) if number is not None]
    tags = list(Tag.objects.filter(pk__in=ids[:MAX_INLINE_FORMS]).order_by("name"))
    known = {tag.name for tag in tags}
    new = [name for name in parse_tags(data.get("new_tags", "")) if name not in known]
    return tags + [Tag(name=name, slug=slugify(name) or "tag") for name in new[:20]]


def _lead(data, preview):
    photo_id = _number(data.get("lead-0-photo"))
    if photo_id is None or _deleted(data, "lead-0"):
        return None
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    return Caption(article=preview, photo=photo, text=data.get("lead-0-text", "").strip())


def article_from_form(data, saved=None):
    """An unsaved Article holding what the form says; `saved` is the stored article, if
    any, whose publishing times and corrections the preview keeps."""
    preview = Article(
        pk=saved.pk if saved else None,
        headline=data.get("headline", "")[:200],
        slug=slugify(data.get("slug", "")) or (saved.slug if saved else "") or "draft-preview",
        standfirst=data.get("standfirst", ""),
        body=text.sanitize_html(data.get("body", "")),
        published_at=saved.published_at if saved and saved.published_at else timezone.now(),
        updated_at=saved.updated_at if saved else None,
        status=saved.status if saved else Article._meta.get_field("status").default,
    )
    preview.word_count = text.count_words(preview.body)
    preview.reading_time = text.reading_minutes(
        preview.word_count, settings.NEWSROOM_WORDS_PER_MINUTE
    )
    section = Section.objects.filter(pk=_number(data.get("section")) or 0).first()
    preview.section = section or Section(name="No section chosen", slug="no-section")
    # What the template reads of the relations comes from the form, not the database.
    preview.__dict__["byline"] = _byline(data)
    preview.__dict__["tag_list"] = _tags(data)
    Article.lead.related.set_cached_value(preview, _lead(data, preview))
    return preview


class LivePreviewAdmin:
    """Article admin: the live preview view, for a new article and for a saved one."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "live-preview/", view(self.live_preview_view), name="articles_article_live_preview"
            ),
            path(
                "<int:pk>/live-preview/",
                view(self.live_preview_view),
                name="articles_article_live_preview",
            ),
        ] + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        args = [obj.pk] if obj is not None and obj.pk else []
        editable = (
            self.has_change_permission(request, obj) if args else self.has_add_permission(request)
        )
        if editable:
            context["live_preview_url"] = reverse("admin:articles_article_live_preview", args=args)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def live_preview_view(self, request, pk=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "The preview shows the form posted to it.")
        saved = get_object_or_404(Article, pk=pk) if pk is not None else None
        allowed = (
            self.has_change_permission(request, saved)
            if saved is not None
            else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        preview = article_from_form(request.POST, saved)
        response = render(
            request,
            TEMPLATE,
            {"article": preview, "preview": True, "meta": metadata.article_page(request, preview)},
            using="jinja2",
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
