"""What the desk keeps of its own: notifications to staff about the articles they work on."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self):
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One message to one person: an article was submitted, sent back or published."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent back", "Sent back to the writer"
        WITHDRAWN = "withdrawn", "Withdrawn from review"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it; empty when the system did.",
    )
    kind = models.CharField(max_length=20, choices=Kind)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=200, help_text="The headline when it was sent.")
    comment = models.TextField(blank=True, help_text="What the editor wrote, if anything.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The badge on every admin page counts these.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.headline}"

    @property
    def is_read(self):
        return self.read_at is not None

    def get_admin_url(self):
        if self.article_id is None:
            return ""
        return reverse("admin:articles_article_change", args=[self.article_id])
