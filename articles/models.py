import uuid
from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from . import text


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in this order, lowest first."
    )
    in_news_feed = models.BooleanField(
        "shows in the News Feed",
        default=False,
        help_text="Publishing an article in this section adds it to the News Feed.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


def photo_upload_to(instance, filename):
    """Server-chosen names: the uploader's file name never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Photo(models.Model):
    image = models.ImageField(upload_to=photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    caption = models.TextField(
        blank=True, help_text="The default caption; each use of the photo may change it."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer and agency, e.g. "
        "“Ed Ram/For The Washington Post via Getty Images”.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_photos",
        editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source_url = models.URLField(
        max_length=500, blank=True, editable=False, help_text="Where an imported photo came from."
    )

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.caption[:60] or self.alt_text[:60] or PurePath(self.image.name).name


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    role = models.CharField("role or job title", max_length=150, blank=True)
    bio = models.TextField("short bio", blank=True)
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account of this author, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def published_q(prefix=""):
        """The one definition of a public article, usable across relations."""
        now = timezone.now()
        return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": now}) & (
            Q(**{f"{prefix}embargoed_until__isnull": True})
            | Q(**{f"{prefix}embargoed_until__lte": now})
        )

    def published(self):
        return self.filter(self.published_q())

    def for_listing(self):
        """Everything a list of articles shows, in a constant number of queries."""
        return self.select_related("section", "lead__photo").prefetch_related(
            models.Prefetch("credits", ArticleAuthor.objects.select_related("author"))
        )

    def for_page(self):
        return self.for_listing().prefetch_related("tags")


class Article(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline that sum up the story."
    )
    body = models.TextField(
        blank=True,
        help_text="HTML. Paragraphs, subheadings, links, emphasis, quotes, lists and figures "
        "are kept; anything else is removed on save.",
    )
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Readers see the article from this time on."
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Shown to readers as “Updated”. Set only by a substantive update.",
    )
    embargoed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not public before this time, whatever the status.",
    )
    went_live_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the newsroom recorded the article going public.",
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_time = models.PositiveSmallIntegerField(
        "reading time (minutes)", default=1, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    source_guid = models.CharField(
        max_length=500,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The identity of an imported article in its source feed or export.",
    )
    # Kept current by PostgreSQL on every write; the parser skips the body's HTML tags.
    search_document = models.GeneratedField(
        expression=SearchVector("headline", weight="A", config="english")
        + SearchVector("standfirst", weight="B", config="english")
        + SearchVector("body", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_published_idx",
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_section_published_idx",
            ),
            GinIndex(fields=["search_document"], name="article_search_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = text.sanitize_html(self.body)
        self.word_count = text.count_words(self.body)
        self.reading_time = text.reading_minutes(
            self.word_count, settings.NEWSROOM_WORDS_PER_MINUTE
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count", "reading_time"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @property
    def is_public(self):
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargoed_until is None or self.embargoed_until <= now)
        )

    @property
    def show_updated(self):
        """Whether readers see an “Updated” time: only after a substantive update."""
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)

    @property
    def byline(self):
        """The authors in the order the editor gave them."""
        return [credit.author for credit in self.credits.all()]

    @property
    def lead_photo(self):
        try:
            return self.lead
        except Caption.DoesNotExist:
            return None

    @transaction.atomic
    def publish(self, at=None, *, substantive_update=False):
        """Make the article public at `at` (now by default) and refresh its feed entry.

        Publishing an already published article keeps its original time unless `at`
        is given; `substantive_update` marks the visible “Updated” time.
        """
        was_published = self.status == Status.PUBLISHED and self.published_at is not None
        now = timezone.now()
        self.status = Status.PUBLISHED
        self.published_at = at or self.published_at or now
        if substantive_update and was_published:
            self.updated_at = now
        self.save()
        self.refresh_feed_entry()

    @transaction.atomic
    def mark_updated(self, at=None):
        """Record a substantive update: readers see the new “Updated” time."""
        self.updated_at = at or timezone.now()
        self.save(update_fields=["updated_at", "modified_at"])
        self.refresh_feed_entry()

    def refresh_feed_entry(self):
        """Create or refresh this article's News Feed entry when its section feeds it."""
        if not self.section.in_news_feed or self.status != Status.PUBLISHED:
            return None
        feed_entry_model = apps.get_model("feed", "FeedEntry")
        entry, _ = feed_entry_model.objects.update_or_create(
            article=self,
            defaults={
                "status": feed_entry_model.Status.PUBLISHED,
                "published_at": self.published_at,
                "updated_at": self.updated_at,
            },
        )
        return entry


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class Caption(models.Model):
    """A photo where it is used: an article's lead photo with its own caption."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="lead"
    )
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="captions")
    text = models.TextField(blank=True, help_text="Leave empty to use the photo's own caption.")

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        if not self.text.strip():
            self.text = self.photo.caption
        super().save(*args, **kwargs)

    @property
    def credit(self):
        return self.photo.credit


class AuditEntry(models.Model):
    """Who did what to which item, and when: publish, schedule, unpublish, kill, corrections,
    role changes. Written by the workflow methods, never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        help_text="Empty when the system acted (a scheduled job).",
    )
    action = models.CharField(max_length=40, db_index=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    object_repr = models.CharField("item", max_length=300, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
