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
from django.utils.safestring import mark_safe
from taggit.models import Tag
from taggit.utils import parse_tags

from articles import previews, revisions, text
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRevision,
    AuditEntry,
    Author,
    Caption,
    Correction,
    Section,
    State,
    Status,
)
from feed.models import FeedEntry
from labels.models import Label
from lib import purging
from lib.params import whole_number
from photos import images
from photos.models import Photo

from . import focal_point, live, roles, workflow  # noqa: F401  (live: the live blogs' and labels' admin)
from .autosave import AutosaveAdmin
from .changelists import DeskChangeListMixin
from .conflicts import ConflictAdmin
from .editor import BodyEditorViews, FeedEntryMediaForm, body_widget
from .focal_point import FocalPointFields
from .livepreview import LivePreviewAdmin
from .models import Notification
from .widgets import EditingMedia, PhotoChooserFields, PhotoChooserViews


# The body editor offers exactly what the server-side sanitiser keeps (articles.text).
def thumbnail(photo, width=80):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" width="{}" alt="{}" class="desk-thumb">',
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


class PhotoAdminForm(FocalPointFields, forms.ModelForm):
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
        fields = ["image", "alt_text", "caption", "credit", *focal_point.FIELDS]

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
class PhotoAdmin(PhotoChooserViews, admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["preview", "__str__", "credit", "dimensions", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["caption", "alt_text", "credit"]
    readonly_fields = ["preview_large", "width", "height", "uploaded_by", "uploaded_at"]
    fields = ["image", "preview_large", "alt_text", "caption", "credit", *focal_point.FIELDS,
              "width", "height", "uploaded_by", "uploaded_at"]  # fmt: skip
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
class AuthorAdmin(PhotoChooserFields, admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo", "user"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.can_edit_author(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        # A writer edits their own profile, not whose profile it is.
        return [] if request.user.has_perm("articles.add_author") else ["user"]


class PublishedArticleInlineFormSet(forms.BaseInlineFormSet):
    """A public article keeps what publishing required: its byline and its lead photo."""

    required_message = ""
    # Set by the inline when this very click unpublishes or kills the article.
    leaving_public = False

    def clean(self):
        super().clean()
        article = self.instance
        if not article.pk or article.status != Status.PUBLISHED or self.leaving_public:
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

    def clean(self):
        # It cannot lose its photo; one published without (an import) is still saved.
        if any(form.instance.pk for form in self.forms):
            return super().clean()
        return forms.BaseInlineFormSet.clean(self)


class PublishedRuleInline:
    """Tells the formset whether the click takes the article off the site."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.leaving_public = request.POST.get("_workflow") in (
            workflow.UNPUBLISH,
            workflow.KILL,
        )
        return formset


class ArticleAuthorInline(PublishedRuleInline, admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class CaptionInline(PublishedRuleInline, PhotoChooserFields, admin.StackedInline):
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
        # The status changes only through the workflow steps (the publishing panel).
        fields = ["section", "headline", "slug", "standfirst", "body", "genre", "label",
                  "published_at", "embargoed_until", "updated_at"]  # fmt: skip
        widgets = {"body": body_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("published_at", "embargoed_until", "updated_at"):
            if name in self.fields:
                field = self.fields[name]
                field.help_text = f"{field.help_text} {workflow.time_zone_hint()}".strip()
        if "published_at" in self.fields and self.instance.state == State.EMBARGOED:
            until = workflow.local_time(self.instance.embargoed_until)
            self.fields["published_at"].help_text = (
                f"Held back by the embargo: readers see the article from {until}, not before. "
                f"{workflow.time_zone_hint()}"
            )
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
        latest = revisions.saved(self.instance).select_related("saved_by").first()
        who = (
            latest.saved_by.get_full_name() or latest.saved_by.get_username()
            if (latest and latest.saved_by)
            else "someone else"
        )
        raise forms.ValidationError(
            "%(who)s saved this article at %(time)s, after you opened it. Your changes were "
            "not saved: compare them with theirs below, then save again to keep yours.",
            code="edit_conflict",
            params={"who": who, "time": timezone.localtime(current).strftime("%H:%M:%S")},
        )


EDITOR_ONLY_FIELDS = ["published_at", "embargoed_until", "updated_at"]


class StateFilter(admin.SimpleListFilter):
    """Scheduled and embargoed stories apart from the public ones, by the clock."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


def state_label(article):
    """“Scheduled: 2 Dec 2026 14:00 EET (UTC+02:00)”: the state and the time it turns on."""
    state, when = article.state, article.state_time
    return f"{state.label}: {workflow.local_time(when)}" if when else state.label


@admin.register(Article)
class ArticleAdmin(
    DeskChangeListMixin,
    AutosaveAdmin,
    ConflictAdmin,
    LivePreviewAdmin,
    BodyEditorViews,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["headline", "state", "section", "public_from", "updated_at",
                    "author_names", "reading_time"]  # fmt: skip
    list_filter = [StateFilter, "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    # At archive scale (desk/changelists.py): full-text search, no body read for the list.
    search_document, exact_search_fields = "search_document", ["slug"]
    list_deferred = ["body", "search_document"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [ArticleAuthorInline, CaptionInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]

    # Roles -------------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ArticleAuthorInline) and obj.pk is None and request.method == "GET":
            kwargs["initial"] = roles.byline_initial(request.user)  # the creator's byline
        return kwargs

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or obj.status != Status.PUBLISHED:
            inlines = [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def get_fieldsets(self, request, obj=None):
        # Whoever may only read the article sees its body as readers would, never its HTML.
        body = "body" if obj is None or self.has_change_permission(request, obj) else "body_text"
        fieldsets = [
            (
                None,
                {"fields": ["section", "headline", "slug", "standfirst", body, "loaded_version"]},
            ),  # fmt: skip
            ("Tags", {"fields": ["tags", "new_tags"]}),
            ("Genre and label", {"fields": ["genre", "label"]}),
        ]
        if workflow.is_editor(request.user):
            times = ["published_at", "embargoed_until", "substantive_update", "updated_at"]
            fieldsets.append(("Publishing times", {"fields": times}))
        fieldsets.append(
            ("Figures", {"fields": ["reading_time", "word_count", "created_at", "modified_at"]})
        )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["reading_time", "word_count", "created_at", "modified_at", "preview_link",
                "history_link", "body_text"]  # fmt: skip

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
        can_change = obj is None or self.has_change_permission(request, obj)
        extra_context = {
            **(extra_context or {}),
            "workflow_actions": [
                (name, workflow.LABELS[name])
                for name in workflow.available_actions(request.user, obj)
                if name != workflow.WITHDRAW
            ]
            if can_change
            else [],
            "can_revoke_previews": obj is not None and can_change,
            "publishing": self.publishing_panel(request, obj),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def publishing_panel(self, request, article):
        """What the panel at the top of the form shows: where the article stands, its
        times, its preview, who saved it last, and what the desk said of it."""
        panel = {"time_zone_hint": workflow.time_zone_hint(), "state": State.DRAFT.label}
        if article is None:
            return panel
        latest = revisions.saved(article).select_related("saved_by").first()
        expires = timezone.localtime(previews.expires_at())
        state = article.state
        panel.update(
            state=state.label,
            state_key=state.value,
            state_line=state_label(article),
            scheduled_for=workflow.local_time(article.published_at)
            if state == State.SCHEDULED
            else "",
            embargoed_until=workflow.local_time(article.embargoed_until)
            if state == State.EMBARGOED
            else "",
            preview_url=previews.preview_url(article),
            preview_expires=f"{expires:%d %b %Y %H:%M}",
            revisions_url=reverse("admin:articles_article_revisions", args=[article.pk]),
            last_saved_by=(latest.saved_by.get_full_name() or latest.saved_by.get_username())
            if latest and latest.saved_by
            else "",
            last_saved_at=workflow.local_time(latest.saved_at) if latest else "",
            review_comment=workflow.review_comment(article),
            can_withdraw=workflow.can_withdraw(request.user, article),
            withdraw_url=reverse("admin:articles_article_withdraw", args=[article.pk]),
        )
        return panel

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

    @admin.display(description="State", ordering="status")
    def state(self, article):
        return format_html(
            '<span class="desk-state desk-state--{}">{}</span>',
            article.state.value,
            article.state.label,
        )

    @admin.display(description="Public from", ordering="published_at")
    def public_from(self, article):
        """When readers see it: the embargo's end when one holds, never an earlier time."""
        when = article.state_time if article.status == Status.PUBLISHED else None
        return workflow.local_time(when) if when else "—"

    @admin.display(description="Body")
    def body_text(self, article):
        # Cleaned again by the sanitiser readers' pages trust, whatever saved the row.
        clean = text.sanitize_html(article.body)
        return mark_safe(f'<div class="desk-body-read">{clean}</div>')

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
            revisions.saved(article).count(),
        )

    # Saving --------------------------------------------------------------------------------

    def requested_step(self, request, form):
        """The workflow step a save asks for: one of the panel's buttons, or none."""
        return request.POST.get("_workflow") or None

    def save_model(self, request, obj, form, change):
        """The article is saved with its inlines by one desk step in `save_related`; a
        new one is only inserted here first, so the inlines have a row to point at."""
        obj.saved_by = request.user
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
            elif step == workflow.SEND_BACK:
                comment = request.POST.get("_review_comment", "")
                workflow.send_back(article, user, comment, changes=changes)
                messages.success(request, "Sent back to the writer with your comment.")
            elif step == workflow.PUBLISH:
                workflow.publish_now(article, user, substantive_update=substantive, changes=changes)
                messages.success(request, self.public_message("Published", article))
            elif step == workflow.SCHEDULE:
                at = self.schedule_time(request, form)
                workflow.schedule(article, user, at, changes=changes)
                messages.success(request, self.public_message("Scheduled", article))
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

    @staticmethod
    def public_message(done, article):
        """What a publishing step tells the editor: while an embargo or a schedule holds,
        when readers will see the story, and never that they see it now."""
        if article.state == State.PUBLISHED:
            return f"{done}: readers can see it now."
        hold = "under embargo" if article.state == State.EMBARGOED else "not public yet"
        return f"{done}, {hold}: readers see it from {workflow.local_time(article.state_time)}."

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
            path("<int:pk>/withdraw/", view(self.withdraw_view),
                 name="articles_article_withdraw"),
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
        context["revisions"] = revisions.saved(article).select_related("saved_by")
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

    def withdraw_view(self, request, pk):
        """The writer takes a submitted story back from review (a POST from the panel)."""
        article = self._article_for(request, pk)
        if request.method != "POST":
            raise PermissionDenied("Withdraw with the button on the article's page.")
        workflow.withdraw(article, request.user)
        messages.success(request, "Withdrawn from review: fix it, then submit it again.")
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

    list_display = ["when", "actor", "action", "object_repr", "message"]
    fields = ["when", "actor", "action", "article", "object_repr", "message"]
    readonly_fields = ["when"]
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

    @admin.display(description="When (newsroom time)", ordering="at")
    def when(self, entry):
        return workflow.local_time(entry.at)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each person's own notifications: opening the list marks them read."""

    list_display = ["what", "article_link", "actor", "comment", "when"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    list_display_links = None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.recipient_id == request.user.pk
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(lambda _response: self._mark_read(request.user))
        return response

    @staticmethod
    def _mark_read(user):
        Notification.objects.for_user(user).mark_read()

    @admin.display(description="What")
    def what(self, notification):
        label = notification.get_kind_display()
        if notification.is_read:
            return label
        return format_html('<strong class="desk-unread">{} (new)</strong>', label)

    @admin.display(description="Article")
    def article_link(self, notification):
        url = notification.get_admin_url()
        if not url:
            return notification.headline
        return format_html('<a href="{}">{}</a>', url, notification.headline)

    @admin.display(description="When (newsroom time)", ordering="created_at")
    def when(self, notification):
        return workflow.local_time(notification.created_at)


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
class FeedEntryAdmin(EditingMedia, DeskChangeListMixin, admin.ModelAdmin):
    list_display = ["__str__", "label", "status", "pinned", "published_at", "updated_at"]
    list_filter = ["status", "label", "pinned", "published_at"]
    list_select_related = ["article"]
    search_fields = ["headline", "summary"]
    related_search = ("article", "search_document")  # desk/changelists.py
    list_prefetch = ["label", Prefetch("article", Article.objects.defer("body", "search_document"))]
    autocomplete_fields = ["article", "photo"]
    change_list_template = "admin/feed/feedentry/change_list.html"
    form = FeedEntryMediaForm
    fieldsets = [
        (None, {"fields": ["headline", "summary", "label"]}),
        ("Link", {"fields": ["article", "url"]}),
        ("Photo and video", {"fields": ["photo", "embed_url"]}),
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
            entry.label = Label.objects.breaking()
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
