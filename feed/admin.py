from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.models import AuditEntry

from .models import FeedEntry


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
            AuditEntry.objects.create(
                actor=request.user, action="publish", object_repr=str(entry)[:300],
                message="Breaking news posted to the News Feed.",
            )  # fmt: skip
            messages.success(request, f"Posted “{entry}” to the News Feed.")
            return HttpResponseRedirect(reverse("admin:feed_feedentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Post breaking news",
            "form": form,
        }
        return TemplateResponse(request, "admin/feed/feedentry/breaking.html", context)
