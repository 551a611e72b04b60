from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, ArticleQuerySet
from embeds.models import Embed
from labels.models import Label
from lib import pagecache
from lib.links import reverse

# The cache tag of the News Feed's pages. They list every kind of content (articles come
# in through their entries), so every content change purges it (see apps.py).
FEED = "feed"

LISTED_COLUMNS = (
    "headline",
    "summary",
    "label",
    "article_id",
    "url",
    "pinned",
    "published_at",
    "updated_at",
    "article__slug",
    "article__headline",
    "article__standfirst",
    "article__genre",
    "article__is_live_blog",
    "label__name",
    "label__slug",
    "label__style",
)

# What a feed row needs of its photo (its own, else its article's lead photo) to show a
# thumbnail, and of its embed to show the placeholder.
_PHOTO_COLUMNS = (
    "image", "renditions", "width", "height", "alt_text", "credit", "focal_x", "focal_y"
)  # fmt: skip
MEDIA_RELATIONS = ("photo", "embed", "article__lead__photo")
MEDIA_COLUMNS = (
    *(f"photo__{name}" for name in _PHOTO_COLUMNS),
    *(f"article__lead__photo__{name}" for name in _PHOTO_COLUMNS),
    *(f"embed__{field.name}" for field in Embed._meta.concrete_fields),
)


class FeedEntryQuerySet(models.QuerySet):
    def published(self):
        """Public entries: published, due, and linked to a public article if to any."""
        now = timezone.now()
        return self.filter(status=FeedEntry.Status.PUBLISHED, published_at__lte=now).filter(
            Q(article__isnull=True) | ArticleQuerySet.published_q(prefix="article__")
        )

    def for_listing(self):
        """The columns a feed row shows: its own, and a linked article's headline,
        standfirst and address (never its body), in the same query."""
        return self.select_related("article", "label", *MEDIA_RELATIONS).only(
            *LISTED_COLUMNS, *MEDIA_COLUMNS
        )

    def stream(self):
        """The chronological News Feed: pinned entries are shown above it instead."""
        return self.published().filter(pinned=False).for_listing()

    def pinned(self):
        return self.published().filter(pinned=True).for_listing().order_by("-published_at", "-id")


class FeedEntry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    headline = models.CharField(
        max_length=200, blank=True, help_text="Leave empty to use the linked article's headline."
    )
    summary = models.TextField(
        blank=True, help_text="Leave empty to use the linked article's standfirst."
    )
    label = models.ForeignKey(
        Label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feed_entries",
        help_text="Optional, e.g. “Company news” or “Video”.",
    )
    article = models.OneToOneField(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_entry"
    )
    url = models.URLField(
        "external link", blank=True, help_text="Where the headline links when no article is."
    )
    photo = models.ForeignKey(
        "photos.Photo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feed_entries",
        help_text="Shown beside the entry; leave empty to use the linked article's lead photo.",
    )
    embed = models.ForeignKey(
        Embed,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feed_entries",
        help_text="A video, post or chart shown in the entry, e.g. for a “Video” entry.",
    )
    pinned = models.BooleanField(default=False, help_text="Keep at the top of the News Feed.")
    status = models.CharField(max_length=12, choices=Status, default=Status.PUBLISHED)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown to readers as “(Updated: …)”."
    )
    guid = models.CharField(
        max_length=300,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="A stable identity for imported or loaded entries.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = FeedEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "feed entries"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", pinned=False),
                name="feedentry_stream_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", pinned=True),
                name="feedentry_pinned_idx",
            ),
            # The editors' list of every entry, newest first, whatever its state.
            models.Index(fields=["-published_at", "-id"], name="feedentry_desk_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(headline="") | Q(article__isnull=False),
                name="feedentry_has_headline_or_article",
                violation_error_message="Give the entry a headline or link it to an article.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feed:entry", args=[self.pk])

    def cache_tags(self):
        """The News Feed, and the pages that carry it beside a story."""
        tags = {pagecache.CONTENT, FEED}
        if self.article_id:
            article = Article.objects.filter(pk=self.article_id)
            tags.update(Article.cache_tag(slug) for slug in article.values_list("slug", flat=True))
        return tags

    def cache_changes_at(self):
        """An entry published for later appears by the clock alone."""
        due = self.status == self.Status.PUBLISHED and self.published_at > timezone.now()
        return [self.published_at] if due else []

    @property
    def title(self):
        return self.headline or (self.article.headline if self.article_id else "")

    @property
    def text(self):
        return self.summary or (self.article.standfirst if self.article_id else "")

    @property
    def link(self):
        """Where the headline takes a reader."""
        if self.article_id:
            return self.article.get_absolute_url()
        return self.url or self.get_absolute_url()

    @property
    def show_updated(self):
        return bool(self.updated_at and self.updated_at > self.published_at)

    @property
    def thumbnail_photo(self):
        """The entry's own photo, else its article's lead photo, else None."""
        if self.photo_id:
            return self.photo
        lead = self.article.lead_photo if self.article_id else None
        return lead.photo if lead is not None else None

    def mark_updated(self, at=None):
        self.updated_at = at or timezone.now()
        self.save(update_fields=["updated_at", "modified_at"])
