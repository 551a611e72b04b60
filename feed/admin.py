from django.contrib import admin

from .models import FeedEntry


@admin.register(FeedEntry)
class FeedEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "label", "status", "pinned", "published_at", "updated_at"]
    list_filter = ["status", "label", "pinned", "published_at"]
    list_select_related = ["article"]
    search_fields = ["headline", "summary", "article__headline"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["headline", "summary", "label"]}),
        ("Link", {"fields": ["article", "url"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at", "pinned"]}),
    ]
