"""The editors' desk for live coverage: the labels' list, live blogs, and the fast screen
to post an update to a running live blog. Each editor action is one step (check → do →
audit → purge) that the admin, commands and tests all call."""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from labels.models import Label
from lib import purging
from liveblogs.models import LiveBlog, LiveUpdate

from . import workflow
from .editor import body_widget

RECENT_UPDATES = 10


@contextlib.contextmanager
def _step():
    """One transaction and one purge round for a whole editor action."""
    with purging.collected(), transaction.atomic():
        yield


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied("Your role does not allow that on live blogs.")


def post_update(blog, user, update):
    """Publish `update` (unsaved) in `blog` now."""
    _require(user, "liveblogs.add_liveupdate")
    if not blog.is_live:
        raise PermissionDenied("The coverage of this live blog has ended.")
    with _step():
        update.live_blog = blog
        update.created_by = user
        update.status = LiveUpdate.Status.PUBLISHED
        update.published_at = timezone.now()
        if update.author_id is None:
            update.author = getattr(user, "author", None)
        update.save()
        what = "Key event posted" if update.is_key_event else "Update posted"
        workflow.audit(user, "live update", f"{what}.", article=blog.article, item=update)
    return update


def edit_update(update, user, *, correction=""):
    """Save an edit of a published update; a correction note makes it a visible update
    ("Updated: …") and is kept in the audit log."""
    _require(user, "liveblogs.change_liveupdate")
    with _step():
        if correction:
            update.updated_at = timezone.now()
        update.save()
        message = f"Corrected: {correction}" if correction else "Edited."
        action = "live correction" if correction else "live edit"
        workflow.audit(user, action, message, article=update.live_blog.article, item=update)
    return update


def kill_update(update, user, reason=""):
    """Withdraw an update: it leaves the page, the feeds and every open tab."""
    _require(user, "liveblogs.change_liveupdate")
    with _step():
        update.kill()
        workflow.audit(
            user, "live kill", reason or "Update withdrawn.",
            article=update.live_blog.article, item=update,
        )  # fmt: skip
    return update


def start_live_blog(article, user):
    """Run `article` as a live blog from now on."""
    _require(user, "liveblogs.add_liveblog")
    with _step():
        blog, _ = LiveBlog.objects.get_or_create(article=article)
        workflow.audit(user, "live start", "Live coverage started.", article=article)
    return blog


def end_coverage(blog, user):
    _require(user, "liveblogs.change_liveblog")
    with _step():
        blog.end_coverage()
        workflow.audit(user, "live end", "Live coverage ended.", article=blog.article)
    return blog


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "style", "view_on_site_link"]
    list_filter = ["style"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Page")
    def view_on_site_link(self, label):
        return format_html('<a href="{}">{}</a>', label.get_absolute_url(), "View")


class LiveUpdateForm(forms.ModelForm):
    """What a reporter posts while the news is running: text first, the rest optional."""

    class Meta:
        model = LiveUpdate
        fields = ["headline", "body", "is_key_event", "label", "author", "photo"]
        widgets = {
            "headline": forms.TextInput(attrs={"size": 80, "autofocus": True}),
            "body": body_widget(),
        }


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    list_display = ["article", "coverage_start", "coverage_end", "is_running", "post_link"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    actions = ["end_selected"]

    @admin.display(boolean=True, description="Live")
    def is_running(self, blog):
        return blog.is_live

    @admin.display(description="")
    def post_link(self, blog):
        if not blog.is_live:
            return "—"
        url = reverse("admin:liveblogs_liveblog_post", args=[blog.pk])
        return format_html('<a class="button" href="{}">Post an update</a>', url)

    def save_model(self, request, obj, form, change):
        with _step():
            super().save_model(request, obj, form, change)
            action = "live change" if change else "live start"
            workflow.audit(request.user, action, "Live blog saved.", article=obj.article)

    @admin.action(description="End the coverage of the selected live blogs")
    def end_selected(self, request, queryset):
        for blog in queryset.select_related("article"):
            end_coverage(blog, request.user)
        messages.success(request, "Coverage ended.")

    def get_urls(self):
        return [
            path(
                "<int:pk>/post/",
                self.admin_site.admin_view(self.post_view),
                name="liveblogs_liveblog_post",
            ),
        ] + super().get_urls()

    def post_view(self, request, pk):
        """The fast screen: one form, the latest updates under it, back here after each."""
        blog = get_object_or_404(LiveBlog.objects.select_related("article"), pk=pk)
        if not request.user.has_perm("liveblogs.add_liveupdate"):
            raise PermissionDenied
        form = LiveUpdateForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            update = post_update(blog, request.user, form.save(commit=False))
            messages.success(request, f"Posted “{update}” to the live blog.")
            return HttpResponseRedirect(request.path)
        recent = blog.updates.select_related("author").order_by("-published_at", "-id")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Post an update: {blog.article.headline}",
            "form": form,
            "blog": blog,
            "recent": recent[:RECENT_UPDATES],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/liveblogs/liveblog/post.html", context)


class LiveUpdateAdminForm(forms.ModelForm):
    correction = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a change of substance: say what was wrong. Readers then see the "
        "update as updated; the note is kept in the audit log.",
    )

    class Meta:
        model = LiveUpdate
        fields = ["live_blog", "headline", "body", "is_key_event", "label", "author", "photo",
                  "status", "published_at"]  # fmt: skip
        widgets = {"body": body_widget()}


@admin.register(LiveUpdate)
class LiveUpdateAdmin(admin.ModelAdmin):
    form = LiveUpdateAdminForm
    list_display = ["__str__", "live_blog", "status", "is_key_event", "label", "published_at"]
    list_filter = ["status", "is_key_event", "label"]
    list_select_related = ["live_blog__article", "label"]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["live_blog", "author"]
    actions = ["kill_selected"]

    def save_model(self, request, obj, form, change):
        if not change:
            post_update(obj.live_blog, request.user, obj)
            return
        edit_update(obj, request.user, correction=form.cleaned_data.get("correction", ""))

    @admin.action(description="Kill the selected updates (readers no longer see them)")
    def kill_selected(self, request, queryset):
        if not request.user.has_perm("liveblogs.change_liveupdate"):
            raise PermissionDenied
        for update in queryset.select_related("live_blog__article"):
            kill_update(update, request.user)
        messages.success(request, "Updates killed.")
