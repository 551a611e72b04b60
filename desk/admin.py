from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from taggit.models import Tag
from taggit.utils import parse_tags

from articles import previews, revisions
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRevision,
    AuditEntry,
    Author,
    Caption,
    Correction,
    Section,
    Status,
)
from feed.models import FeedEntry
from lib import purging
from lib.params import whole_number
from photos import images
from photos.models import Photo

from . import workflow
from .editor import body_widget


# The body editor offers exactly what the server-side sanitiser keeps (articles.text).
def thumbnail(photo, width=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" style="height:auto">',
        photo.fallback_url,
        width,
        photo.alt_text,
    )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_news_feed"]
    list_editable = ["position", "in_news_feed"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PhotoUploadField(forms.FileField):
    """Judges an upload by its bytes: size first, then format, pixels, and a full decode."""

    check_content = True

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and self.check_content:
            images.check_size(upload.size)
            upload.seek(0)
            images.open_checked(upload.read())
            upload.seek(0)
        return upload


class PhotoAdminForm(forms.ModelForm):
    # Set (by PhotoAdmin) when saving the checked upload failed: shown on the image field.
    save_error = None

    image = PhotoUploadField(
        label="Photo",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(images.ACCEPTED_TYPES)}),
        help_text=f"{images.accepted_names()}. Caption and credit are filled in from the "
        "photo's own data when left empty; check them before publishing.",
    )

    class Meta:
        model = Photo
        fields = ["image", "alt_text", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.save_error is not None:  # the upload was judged and consumed already
            self.fields["image"].check_content = False

    def clean(self):
        cleaned = super().clean()
        if self.save_error is not None:
            self.add_error("image", self.save_error)
        return cleaned


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["preview", "__str__", "credit", "dimensions", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["caption", "alt_text", "credit"]
    readonly_fields = ["preview_large", "width", "height", "uploaded_by", "uploaded_at"]
    fields = ["image", "preview_large", "alt_text", "caption", "credit", "width", "height",
              "uploaded_by", "uploaded_at"]  # fmt: skip
    date_hierarchy = "uploaded_at"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit_photo(request.user, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """An upload that passed the form's checks can still fail while it is processed
        or stored (pixels no encoder takes, a full disk). The admin's transaction is then
        rolled back and the photo left no file; the form is shown again with the reason."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST":
                raise
            request.photo_save_error = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "photo_save_error", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"save_error": refusal})
        return form

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
        typed = (obj.caption, obj.credit)
        super().save_model(request, obj, form, change)
        obj.prefilled_from_file = (obj.caption, obj.credit) != typed

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "prefilled_from_file", False) and "_popup" not in request.POST:
            messages.warning(
                request,
                "Caption and credit were filled in from the photo's own data: check them and save.",
            )
            return HttpResponseRedirect(reverse("admin:photos_photo_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]


class PublishedArticleInlineFormSet(forms.BaseInlineFormSet):
    """A public article keeps what publishing required: its byline and its lead photo."""

    required_message = ""

    def clean(self):
        super().clean()
        article = self.instance
        if not article.pk or article.status != Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
            if form.cleaned_data
        ]
        if not kept:
            raise forms.ValidationError(self.required_message)


class BylineFormSet(PublishedArticleInlineFormSet):
    required_message = "A published article needs at least one author: unpublish it first."


class LeadPhotoFormSet(PublishedArticleInlineFormSet):
    required_message = "A published article needs its lead photo: unpublish it first."


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class CaptionInline(admin.StackedInline):
    model = Caption
    formset = LeadPhotoFormSet
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


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    can_delete = False
    fields = ["published_at", "text"]
    verbose_name_plural = "corrections (shown to readers at the end of the article)"


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
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = ["section", "headline", "slug", "standfirst", "body", "status",
                  "published_at", "embargoed_until", "updated_at"]  # fmt: skip
        widgets = {"body": body_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())
            self.initial["loaded_version"] = self.instance.modified_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        self.refuse_edit_conflict(cleaned.get("loaded_version"))
        existing = [tag.name for tag in cleaned.get("tags") or []]
        cleaned["tags"] = existing + parse_tags(cleaned.get("new_tags", ""))
        return cleaned

    def refuse_edit_conflict(self, loaded_version):
        """Refuse to overwrite a save made after this form was opened."""
        if not self.instance.pk:
            return
        if not loaded_version:  # a hand-made POST must not skip the check
            raise forms.ValidationError(
                "This form does not say which version of the article it was opened on: "
                "reload the page and apply your changes again.",
                code="edit_conflict",
            )
        # The admin saves in one transaction: locking the row until it commits makes a
        # colleague's save that races this one wait here and then see this one's version,
        # instead of both passing the check and the later silently overwriting the earlier.
        rows = Article.objects.select_for_update().filter(pk=self.instance.pk)
        current = rows.values_list("modified_at", flat=True).first()
        if current is None or current.isoformat() == loaded_version:
            return
        latest = self.instance.revisions.select_related("saved_by").first()
        who = (
            latest.saved_by.get_full_name() or latest.saved_by.get_username()
            if (latest and latest.saved_by)
            else "someone else"
        )
        raise forms.ValidationError(
            "%(who)s saved this article at %(time)s, after you opened it. Your changes were "
            "not saved: copy them, reload the page and apply them again.",
            code="edit_conflict",
            params={"who": who, "time": timezone.localtime(current).strftime("%H:%M:%S")},
        )


EDITOR_ONLY_FIELDS = ["status", "published_at", "embargoed_until", "updated_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["headline", "status", "section", "published_at", "updated_at",
                    "author_names", "reading_time"]  # fmt: skip
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    date_hierarchy = "published_at"
    inlines = [ArticleAuthorInline, CaptionInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]

    # Roles -------------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or obj.status != Status.PUBLISHED:
            inlines = [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def get_fieldsets(self, request, obj=None):
        editor = workflow.is_editor(request.user)
        publishing = (
            ["status", "published_at", "embargoed_until", "substantive_update", "updated_at"]
            if editor
            else ["status", "published_at"]
        )
        return [
            (
                None,
                {"fields": ["section", "headline", "slug", "standfirst", "body", "loaded_version"]},
            ),  # fmt: skip
            ("Tags", {"fields": ["tags", "new_tags"]}),
            ("Publishing", {"fields": publishing}),
            ("Preview and history", {"fields": ["preview_link", "history_link"]}),
            ("Figures", {"fields": ["reading_time", "word_count", "created_at", "modified_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["reading_time", "word_count", "created_at", "modified_at", "preview_link",
                  "history_link"]  # fmt: skip
        if not workflow.is_editor(request.user):
            fields += ["status", "published_at"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not workflow.is_editor(request.user):
            form.base_fields.pop("substantive_update", None)
        return form

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not workflow.is_editor(request.user):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    def refuse_forged_fields(self, request, obj):
        """A POST naming an article field the person's form does not offer is refused."""
        form_fields = set(self.get_form(request, obj, change=obj is not None).base_fields)
        model_fields = {field.name for field in Article._meta.concrete_fields}
        model_fields |= {field.attname for field in Article._meta.concrete_fields}
        posted = {key.removesuffix("_0").removesuffix("_1") for key in request.POST}
        forged = (posted & (model_fields | {"substantive_update"})) - form_fields
        if forged:
            raise PermissionDenied(f"Not allowed to set: {', '.join(sorted(forged))}.")

    # Views ---------------------------------------------------------------------------------

    def get_object_or_none(self, request, object_id):
        if object_id is None:
            return None
        return self.get_object(request, admin.utils.unquote(object_id))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Whatever one click changes (the article, its inlines, a workflow step) is purged
        # from the page cache once, after the admin's transaction commits.
        with purging.collected():
            return self._article_changeform_view(request, object_id, form_url, extra_context)

    def _article_changeform_view(self, request, object_id, form_url, extra_context):
        obj = self.get_object_or_none(request, object_id)
        if request.method == "POST":
            if obj is not None and not self.has_change_permission(request, obj):
                raise PermissionDenied
            self.refuse_forged_fields(request, obj)
            action = request.POST.get("_workflow")
            if action and action not in workflow.available_actions(request.user, obj):
                raise PermissionDenied("That workflow step is not open to you.")
        extra_context = {
            **(extra_context or {}),
            "workflow_actions": [
                (name, workflow.LABELS[name])
                for name in workflow.available_actions(request.user, obj)
            ]
            if obj is None or self.has_change_permission(request, obj)
            else [],
            "can_revoke_previews": obj is not None and self.has_change_permission(request, obj),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action")
        if request.method == "POST" and action and action not in self.get_actions(request):
            raise PermissionDenied("That action is not open to you.")
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("credits", ArticleAuthor.objects.select_related("author")))
        )

    @admin.display(description="Authors")
    def author_names(self, article):
        return ", ".join(author.name for author in article.byline) or "—"

    @admin.display(description="Preview link")
    def preview_link(self, article):
        if not article.pk:
            return "Save the article first."
        url = previews.preview_url(article)
        expires = timezone.localtime(previews.expires_at())
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open preview</a><br>'
            "Anyone who has this link, or any earlier preview link of this article, can read "
            "it as it stands now, without logging in, until {}: whoever it was sent or "
            "forwarded to. Whoever may edit the article can revoke every link at once, below.",
            url,
            f"{expires:%d %b %Y %H:%M}",
        )

    @admin.display(description="History")
    def history_link(self, article):
        if not article.pk:
            return "—"
        return format_html(
            '<a href="{}">Revisions ({})</a>',
            reverse("admin:articles_article_revisions", args=[article.pk]),
            article.revisions.count(),
        )

    # Saving --------------------------------------------------------------------------------

    def requested_step(self, request, form):
        """The workflow step a save asks for: a button, or an editor's status choice."""
        step = request.POST.get("_workflow")
        if step or "status" not in form.changed_data:
            return step
        status, was = form.cleaned_data["status"], form.initial.get("status")
        if status == Status.DRAFT and was != Status.PUBLISHED:
            return None  # sent back to the writer: nothing public changes
        published_at = form.cleaned_data.get("published_at")
        return {
            Status.PUBLISHED: workflow.SCHEDULE
            if published_at and published_at > timezone.now()
            else workflow.PUBLISH,
            Status.DRAFT: workflow.UNPUBLISH,
            Status.REVIEW: workflow.SUBMIT,
            Status.KILLED: workflow.KILL,
        }[status]

    def save_model(self, request, obj, form, change):
        """The article is saved with its inlines by one desk step in `save_related`; a
        new one is only inserted here first, so the inlines have a row to point at."""
        obj.saved_by = request.user
        if self.requested_step(request, form) and "status" in form.changed_data:
            # The status changes only through the workflow step.
            obj.status = form.initial.get("status", Status.DRAFT)
        if not change:
            obj.save(revision=False)  # the step below records the one revision

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            if correction.pk:
                correction.save()
            else:
                workflow.add_correction(
                    form.instance, request.user, correction.text, at=correction.published_at
                )
        return None

    def save_related(self, request, form, formsets, change):
        """One click, one desk step: the inlines and tags are saved inside it, then the
        article once, with one revision, one audit entry and one purge."""
        article, user = form.instance, request.user

        def changes():
            super(ArticleAdmin, self).save_related(request, form, formsets, change)

        step = self.requested_step(request, form)
        substantive = form.cleaned_data.get("substantive_update", False)
        try:
            if step == workflow.SUBMIT:
                workflow.submit_for_review(article, user, changes=changes)
                messages.success(request, "Submitted for review: an editor will take it on.")
            elif step == workflow.PUBLISH:
                workflow.publish_now(article, user, substantive_update=substantive, changes=changes)
                messages.success(request, "Published: readers can see it now.")
            elif step == workflow.SCHEDULE:
                at = self.schedule_time(request, form)
                workflow.schedule(article, user, at, changes=changes)
                messages.success(
                    request, f"Scheduled: public from {timezone.localtime(at):%d %b %Y %H:%M}."
                )
            elif step == workflow.UNPUBLISH:
                workflow.unpublish(article, user, changes=changes)
                messages.success(request, "Unpublished: readers no longer see it.")
            elif step == workflow.KILL:
                note = request.POST.get("_kill_note", "")
                workflow.kill(article, user, note, changes=changes)
                messages.success(request, "Killed: its address now tells readers it was withdrawn.")
            else:
                workflow.save_changes(
                    article, user, substantive_update=substantive, changes=changes
                )
        except workflow.PublishRefused as refusal:  # the other changes were kept
            messages.error(request, str(refusal))
        except ValueError as refusal:  # refused before anything was saved: keep the edits
            messages.error(request, str(refusal))
            workflow.keep_changes(article, user, changes=changes)

    def schedule_time(self, request, form):
        value = request.POST.get("_schedule_at", "").strip()
        at = parse_datetime(value) if value else form.cleaned_data.get("published_at")
        if at is None:
            raise ValueError("Give the date and time to publish at.")
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        return at

    def _response_after_step(self, request, obj):
        if request.POST.get("_workflow"):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_after_step(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._response_after_step(request, obj) or super().response_change(request, obj)

    def delete_model(self, request, obj):
        workflow.delete_article(obj, request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            workflow.delete_article(article, request.user)

    # List actions --------------------------------------------------------------------------

    @admin.action(description="Publish the selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for article in queryset:
            try:
                workflow.publish_now(article, request.user)
                published += 1
            except (workflow.PublishRefused, PermissionDenied) as refusal:
                refused.append(f"“{article}”: {refusal}")
        if published:
            messages.success(request, f"Published {published} article(s).")
        for message in refused:
            messages.error(request, message)

    @admin.action(description="Unpublish the selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Status.PUBLISHED):
            workflow.unpublish(article, request.user)
            count += 1
        messages.success(request, f"Unpublished {count} article(s).")

    # Revisions -----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:pk>/revisions/compare/", view(self.compare_view),
                 name="articles_article_compare"),
            path("<int:pk>/revisions/<int:revision>/restore/", view(self.restore_view),
                 name="articles_article_restore"),
            path("<int:pk>/previews/revoke/", view(self.revoke_previews_view),
                 name="articles_article_revoke_previews"),
        ] + super().get_urls()  # fmt: skip

    def _article_for(self, request, pk, *, change=False):
        article = get_object_or_404(Article, pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "can_restore": self.has_change_permission(request, article),
        }

    def revisions_view(self, request, pk):
        article = self._article_for(request, pk)
        context = self._context(request, article, f"Revisions of “{article}”")
        context["revisions"] = article.revisions.select_related("saved_by")
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, pk):
        article = self._article_for(request, pk)
        ids = [whole_number(value) for value in request.GET.getlist("revision")[:2]]
        chosen = article.revisions.filter(pk__in=[pk for pk in ids if pk is not None])
        chosen = sorted(chosen, key=lambda revision: (revision.saved_at, revision.pk))
        if len(chosen) != 2:
            messages.error(request, "Choose two revisions to compare.")
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[pk]))
        context = self._context(request, article, f"Changes to “{article}”")
        context.update(old=chosen[0], new=chosen[1], rows=revisions.compare(*chosen))
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def revoke_previews_view(self, request, pk):
        article = self._article_for(request, pk, change=True)
        if request.method != "POST":
            raise PermissionDenied("Revoke with the button on the article's page.")
        workflow.revoke_previews(article, request.user)
        messages.success(
            request,
            "Every preview link of this article was revoked: nobody can read the draft "
            "through them any more. The link on this page is a new one.",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def restore_view(self, request, pk, revision):
        article = self._article_for(request, pk, change=True)
        revision = get_object_or_404(ArticleRevision, pk=revision, article=article)
        if request.method != "POST":
            raise PermissionDenied("Restore with the button on the revisions page.")
        article.restore(revision, by=request.user)
        messages.success(
            request,
            f"Restored the text, authors, tags and lead photo saved at "
            f"{timezone.localtime(revision.saved_at):%d %b %Y %H:%M}.",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The newsroom's record of who published, scheduled, killed, corrected or changed roles."""

    list_display = ["at", "actor", "action", "object_repr", "message"]
    list_filter = ["action", "at"]
    search_fields = ["object_repr", "message", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BreakingNewsForm(forms.ModelForm):
    """One screen, four fields: what a duty editor needs when news breaks."""

    class Meta:
        model = FeedEntry
        fields = ["headline", "summary", "url", "pinned"]
        widgets = {"headline": forms.TextInput(attrs={"size": 80, "autofocus": True})}
        help_texts = {"pinned": "Keep it at the top of the News Feed until you unpin it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["headline"].required = True


@admin.register(FeedEntry)
class FeedEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "label", "status", "pinned", "published_at", "updated_at"]
    list_filter = ["status", "label", "pinned", "published_at"]
    list_select_related = ["article"]
    search_fields = ["headline", "summary", "article__headline"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"
    change_list_template = "admin/feed/feedentry/change_list.html"
    fieldsets = [
        (None, {"fields": ["headline", "summary", "label"]}),
        ("Link", {"fields": ["article", "url"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at", "pinned"]}),
    ]

    def get_urls(self):
        return [
            path(
                "breaking/",
                self.admin_site.admin_view(self.breaking_view),
                name="feed_feedentry_breaking",
            ),
        ] + super().get_urls()

    def breaking_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BreakingNewsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            entry = form.save(commit=False)
            entry.label = "Breaking"
            entry.status = FeedEntry.Status.PUBLISHED
            entry.published_at = timezone.now()
            entry.save()
            workflow.audit(
                request.user, "publish", "Breaking news posted to the News Feed.", item=entry
            )
            messages.success(request, f"Posted “{entry}” to the News Feed.")
            return HttpResponseRedirect(reverse("admin:feed_feedentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Post breaking news",
            "form": form,
        }
        return TemplateResponse(request, "admin/feed/feedentry/breaking.html", context)


User = get_user_model()
admin.site.unregister(User)
SUPERUSER_ROLE = "superusers (every permission)"


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with every change of role or of a user's own permissions
    written to the audit log."""

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        if form.initial.get("is_superuser"):
            before.add(SUPERUSER_ROLE)
        granted_before = workflow.permission_names(user.user_permissions) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            after.add(SUPERUSER_ROLE)
        if before != after:
            workflow.record_role_change(
                request.user, user, sorted(after - before), sorted(before - after)
            )
        granted_after = workflow.permission_names(user.user_permissions)
        if granted_before != granted_after:
            workflow.record_permission_change(
                request.user,
                user.get_username(),
                sorted(granted_after - granted_before),
                sorted(granted_before - granted_after),
            )


admin.site.unregister(Group)


@admin.register(Group)
class StaffGroupAdmin(GroupAdmin):
    """Django's group admin, with every change of a group's permissions audited."""

    def save_related(self, request, form, formsets, change):
        group = form.instance
        before = workflow.permission_names(group.permissions) if change else set()
        super().save_related(request, form, formsets, change)
        after = workflow.permission_names(group.permissions)
        if before != after:
            workflow.record_permission_change(
                request.user,
                f"group {group.name}",
                sorted(after - before),
                sorted(before - after),
            )
