"""Autosaved drafts: what someone typed in the article form and has not saved yet.

The editing script posts the form here while the person types and every little while. The
text is kept as a draft revision of the article, one per person and article, and never
touches the article's own fields: a live story changes only when someone saves it. When
the person opens the form again, the draft is offered back; saving the form discards it.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from articles import revisions
from articles.models import Article, ArticleRevision, Section
from articles.text import sanitize_html

# The form fields a draft keeps, as the article form names them.
TEXT_FIELDS = ["headline", "slug", "standfirst", "body"]
MAX_LENGTHS = {"headline": 300, "slug": 300, "standfirst": 2000, "body": 500_000}


def draft_of(article, user):
    """This person's autosaved draft of `article`, or None."""
    if article is None or article.pk is None or not user.is_authenticated:
        return None
    return revisions.drafts(article).filter(saved_by=user).first()


def _content_from(data):
    content = {name: str(data.get(name, ""))[: MAX_LENGTHS[name]] for name in TEXT_FIELDS}
    content["body"] = sanitize_html(content["body"])
    section = data.get("section", "")
    content["section"] = (
        int(section)
        if str(section).isdigit() and Section.objects.filter(pk=int(section)).exists()
        else None
    )
    content["loaded_version"] = str(data.get("loaded_version", ""))[:64]
    return content


def keep(article, user, data):
    """Keep what the form holds as this person's draft of `article`; returns the draft.

    The draft is filed at the version it was typed over (its `saved_at`), and the time it
    was autosaved is in its content: so a draft never comes before the revision of a
    save, in any list of revisions newest first, even while that save is being made."""
    content = {**_content_from(data), revisions.DRAFT_KEY: True}
    now = timezone.now()
    content["autosaved_at"] = now.isoformat()
    version = parse_datetime(content["loaded_version"] or "")
    filed_at = min(version or article.modified_at, now)
    draft = draft_of(article, user)
    if draft is None:
        return ArticleRevision.objects.create(
            article=article, saved_by=user, content=content, saved_at=filed_at
        )
    draft.content, draft.saved_at = content, filed_at
    draft.save(update_fields=["content", "saved_at"])
    return draft


def autosaved_at(draft):
    return parse_datetime(draft.content.get("autosaved_at") or "") or draft.saved_at


def discard(article, user):
    if article is not None and article.pk is not None and user.is_authenticated:
        revisions.drafts(article).filter(saved_by=user).delete()


def differs_from_article(draft, article):
    """Whether the draft holds anything the saved article does not."""
    content = draft.content
    return any(content.get(name, "") != getattr(article, name) for name in TEXT_FIELDS) or (
        content.get("section") not in (None, article.section_id)
    )


def apply(draft, article):
    """Put the draft's text into `article` in memory (it is not saved)."""
    content = draft.content
    for name in TEXT_FIELDS:
        setattr(article, name, content.get(name, getattr(article, name)))
    if content.get("section"):
        article.section_id = content["section"]


def based_on(draft):
    """The article version the draft was typed over (as the form's loaded_version)."""
    value = draft.content.get("loaded_version", "")
    return value if parse_datetime(value or "") else ""


class AutosaveAdmin:
    """Article admin: the autosave endpoint, the offer to restore a draft, and discarding
    the draft once the form is saved."""

    autosave_restore_param = "restore_draft"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path(
                "<int:pk>/autosave/discard/",
                view(self.discard_draft_view),
                name="articles_article_discard_draft",
            ),
        ] + super().get_urls()

    def _editable_article(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "Autosave takes a POST of the form."}, status=405)
        article = self._editable_article(request, pk)
        draft = keep(article, request.user, request.POST)
        at = timezone.localtime(autosaved_at(draft))
        return JsonResponse(
            {"saved_at": at.isoformat(), "message": f"Draft autosaved at {at:%H:%M:%S}."}
        )

    def discard_draft_view(self, request, pk):
        return require_POST(self._discard_draft)(request, pk)

    def _discard_draft(self, request, pk):
        article = self._editable_article(request, pk)
        discard(article, request.user)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def _restoring(self, request):
        return request.method == "GET" and request.GET.get(self.autosave_restore_param) == "1"

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        request.autosaved_draft = None
        if article is None or request.method != "GET":
            return article
        draft = draft_of(article, request.user)
        if draft is not None and not differs_from_article(draft, article):
            draft.delete()  # nothing in it the article does not already say
            draft = None
        request.autosaved_draft = draft
        if draft is not None and self._restoring(request):
            apply(draft, article)
        return article

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        draft = getattr(request, "autosaved_draft", None)
        if draft is None or not self._restoring(request) or not based_on(draft):
            return form
        version = based_on(draft)

        class RestoredDraftForm(form):
            # A save of the restored draft is checked against the version it was typed
            # over: if someone saved since, the conflict is shown instead of overwriting.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["loaded_version"] = version

        return RestoredDraftForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        editable = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if editable:
            context.update(autosave_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        discard(form.instance, request.user)

    @property
    def media(self):
        return super().media + forms.Media(
            js=["desk/editing.js"], css={"all": ["desk/editing.css"]}
        )


def autosave_context(request, article):
    """What the change form shows of autosaving: where to post, and a draft to offer. A
    new article has no revisions yet: its draft is kept in the browser until it is saved."""
    if article is None or article.pk is None:
        return {"local_draft_key": f"newsroom.desk.new-article.{request.user.pk}"}
    draft = getattr(request, "autosaved_draft", None)
    restoring = draft is not None and request.GET.get(AutosaveAdmin.autosave_restore_param) == "1"
    return {
        "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
        "autosaved_draft": draft,
        "autosaved_draft_at": autosaved_at(draft) if draft is not None else None,
        "autosaved_draft_restored": restoring,
        "discard_draft_url": reverse("admin:articles_article_discard_draft", args=[article.pk]),
    }
