"""Live blogs: a story run as a stream of short timestamped updates under its body."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from articles import text
from articles.models import Article, ArticleQuerySet, Author
from labels.models import Label, label_cache_tag
from lib.links import reverse
from photos.models import Photo

# An edit this long after publication shows readers an "Updated" stamp; quicker fixes
# of a typo just after posting do not.
UPDATED_AFTER = timedelta(minutes=1)


def live_cache_tag(slug):
    """The cache tag of a live blog's own answers (its updates endpoint, its feeds, its
    update pages); its article page has the article's tag."""
    return f"liveblog:{slug}"


class LiveBlogQuerySet(models.QuerySet):
    def published(self):
        """Live blogs readers can see: those of public articles."""
        return self.filter(ArticleQuerySet.published_q(prefix="article__"))

    def running(self):
        now = timezone.now()
        return self.filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=now))


class LiveBlog(models.Model):
    """A story run as a live blog: its article's page shows the stream of updates."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="live_blog"
    )
    coverage_start = models.DateTimeField(
        default=timezone.now, help_text="When the live coverage began."
    )
    coverage_end = models.DateTimeField(
        null=True, blank=True, help_text="Empty while the coverage is live."
    )

    objects = LiveBlogQuerySet.as_manager()

    class Meta:
        ordering = ["-coverage_start"]

    def __str__(self):
        return str(self.article)

    def save(self, *args, **kwargs):
        """The article remembers that it runs as a live blog, so its page knows without
        asking (and a story that is not live costs nothing more)."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            Article.objects.filter(pk=self.article_id, is_live_blog=False).update(is_live_blog=True)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            Article.objects.filter(pk=self.article_id).update(is_live_blog=False)
            return super().delete(*args, **kwargs)

    @property
    def slug(self):
        return self.article.slug

    def cache_tags(self):
        """The story's page and the live blog's own answers: no other page shows a live
        blog, so the News Feed and the open tabs on it are left alone."""
        slugs = Article.objects.filter(pk=self.article_id).values_list("slug", flat=True)
        return {tag for slug in slugs for tag in (Article.cache_tag(slug), live_cache_tag(slug))}

    @property
    def is_live(self):
        return self.coverage_end is None or self.coverage_end > timezone.now()

    def end_coverage(self, at=None):
        """The story is no longer live: readers see the coverage ended, and the open
        pages stop expecting more."""
        self.coverage_end = at or timezone.now()
        self.save(update_fields=["coverage_end"])

    def resume_coverage(self):
        self.coverage_end = None
        self.save(update_fields=["coverage_end"])


class LiveUpdateQuerySet(models.QuerySet):
    def published(self):
        """The one definition of a public update: published, due, and in the live blog
        of a public article. Drafts, scheduled and killed updates reach no reader."""
        return self.filter(
            ArticleQuerySet.published_q(prefix="live_blog__article__"),
            status=LiveUpdate.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        )

    def for_stream(self):
        """Everything an update in the stream shows, in the same query."""
        return self.select_related("author", "photo", "label")

    def key_events(self):
        return self.filter(is_key_event=True)


class LiveUpdate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        KILLED = "killed", "Killed"

    live_blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="updates")
    headline = models.CharField(max_length=200, blank=True, help_text="Optional.")
    body = models.TextField(
        help_text="HTML, with the same rules as article bodies: anything else is removed on save."
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_updates"
    )
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_updates"
    )
    label = models.ForeignKey(
        Label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_updates",
        help_text="Optional, e.g. “Breaking”.",
    )
    is_key_event = models.BooleanField(
        "key event", default=False, help_text="Listed at the top of the live blog."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.PUBLISHED)
    published_at = models.DateTimeField(
        default=timezone.now, help_text="Readers see the update from this time on."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Shown to readers as “(Updated: …)”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["live_blog", "-published_at", "-id"],
                condition=Q(status="published"),
                name="liveupdate_stream_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="liveupdate_has_body",
                violation_error_message="An update needs some text.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = text.sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("liveblogs:update", args=[self.live_blog.article.slug, self.pk])

    @property
    def anchor(self):
        return f"update-{self.pk}"

    def cache_tags(self):
        """The live blog's pages and endpoint, and the page and feeds of the update's label."""
        tags = LiveBlog(article_id=self.live_blog_id).cache_tags()
        if self.label_id:
            slugs = Label.objects.filter(pk=self.label_id).values_list("slug", flat=True)
            tags.update(label_cache_tag(slug) for slug in slugs)
        return tags

    def stored_cache_tags(self):
        """The label the update had before this save, whose page listed it."""
        stored = type(self).objects.filter(pk=self.pk, label__isnull=False)
        return {label_cache_tag(slug) for slug in stored.values_list("label__slug", flat=True)}

    def cache_changes_at(self):
        """An update posted for later appears by the clock alone."""
        due = self.status == self.Status.PUBLISHED and self.published_at > timezone.now()
        return [self.published_at] if due else []

    @property
    def title(self):
        return self.headline or text_summary(self.body)

    @property
    def summary(self):
        return text_summary(self.body, words=40)

    @property
    def show_updated(self):
        return bool(self.updated_at and self.updated_at > self.published_at + UPDATED_AFTER)

    @property
    def date_modified(self):
        return self.updated_at if self.show_updated else self.published_at

    def publish(self, at=None):
        self.status = self.Status.PUBLISHED
        self.published_at = at or timezone.now()
        self.save()

    def kill(self):
        """Withdraw the update: it leaves every page, feed and open tab at the next check."""
        self.status = self.Status.KILLED
        self.save(update_fields=["status", "modified_at"])

    def mark_updated(self, at=None):
        self.updated_at = at or timezone.now()
        self.save(update_fields=["updated_at", "modified_at"])


def text_summary(html, words=12):
    """The first words of an update's text, for its title where it has no headline."""
    return Truncator(text.plain_text(html)).words(words)
