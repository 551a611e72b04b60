"""The newsroom's content: sections, authors, articles with their bylines, lead photos,
corrections and revisions, and the audit trail of what editors did to them."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from lib import pagecache
from lib.links import reverse
from photos.models import Photo

from . import text

# An article's description, wherever it is shown (see `Article.description`).
DESCRIPTION_CHARS = 200


def tag_cache_tag(slug):
    """The cache tag of the pages listing the articles of one (taggit) tag."""
    return f"tag:{slug}"


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

    @staticmethod
    def cache_tag(slug):
        """The cache tag of the pages listing this section's articles."""
        return f"section:{slug}"

    def cache_tags(self):
        """Every page names the sections in its navigation."""
        return {pagecache.SITE}


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

    @staticmethod
    def cache_tag(slug):
        """The cache tag of the pages listing this author's articles."""
        return f"author:{slug}"

    def cache_tags(self):
        """Bylines on pages of every kind show an author's name and photo."""
        return {pagecache.SITE}


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    KILLED = "killed", "Killed"


RELATED_CANDIDATES = 500
EARLIEST = datetime.min.replace(tzinfo=UTC)


# Every column of an author, as an article's page query brings it along.
AUTHOR_COLUMNS = {
    field.attname: f"author__{field.attname}" for field in Author._meta.concrete_fields
}


def _json_rows(queryset, owner, *order_by, **columns):
    """A subquery giving `columns` of the rows of `queryset` that belong to one `owner`
    (the outer query's row) as one JSON array."""
    rows = JSONBAgg(JSONObject(**columns), order_by=order_by)
    return Subquery(
        queryset.order_by().values(owner).annotate(rows=rows).values("rows"),
        output_field=models.JSONField(),
    )


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

    def killed(self):
        return self.filter(status=Status.KILLED)

    def unique_slug(self, text, fallback="article"):
        """A slug from `text` that no article has yet: `text`, then `text-2`, `text-3`…"""
        base = (slugify(text)[:180] or fallback).strip("-")
        slug, number = base, 1
        while self.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def for_listing(self):
        """Everything a list of articles shows, in a constant number of queries. The
        search document is for search alone and is the largest value in the row."""
        return (
            self.select_related("section", "lead__photo")
            .defer("search_document")
            .prefetch_related(
                models.Prefetch("credits", ArticleAuthor.objects.select_related("author"))
            )
        )

    def _tagged_items(self):
        """The tagged items of the outer query's article, for a subquery."""
        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=OuterRef("pk")
        )

    def for_links(self):
        """What a link to an article shows (headline, time and section), for the blocks
        beside a story: a few columns instead of whole rows."""
        return self.select_related("section").only(
            "headline", "slug", "published_at", "section__name", "section__slug"
        )

    def for_page(self):
        """Everything an article page (or a full-text feed) shows, in one query: the
        byline and the tags come along as JSON arrays, read by `byline` and `tag_list`."""
        tagged = self._tagged_items()
        credits = ArticleAuthor.objects.filter(article=OuterRef("pk"))
        return (
            self.select_related("section", "lead__photo")
            .defer("search_document")
            .annotate(
                byline_rows=_json_rows(credits, "article", "position", "id", **AUTHOR_COLUMNS),
                tag_rows=_json_rows(
                    tagged, "object_id", "id", id="tag_id", name="tag__name", slug="tag__slug"
                ),
            )
        )

    def related_to(self, article, limit=4, candidates=RELATED_CANDIDATES):
        """Articles sharing the most tags with `article`, newest first among equals;
        the latest of its section when it has no tags. One query, whatever the limit.

        Only the `candidates` articles published up to it are compared (the background a
        reader lacks), so the cost stays the same however large the archive grows: the
        query reads that stretch of the publication index once and counts each
        candidate's shared tags through the tagged-item index."""
        moment = article.published_at or timezone.now()  # a draft's preview
        earlier = self.filter(published_at__lte=moment).exclude(pk=article.pk)
        oldest = earlier.order_by("-published_at", "-id").values("published_at")
        nearby = earlier.filter(
            published_at__gte=Coalesce(
                Subquery(oldest[candidates - 1 : candidates]), Value(EARLIEST)
            )
        ).select_related("section")
        tag_ids = [tag.pk for tag in article.tag_list]
        if not tag_ids:
            return list(
                nearby.filter(section_id=article.section_id).order_by("-published_at", "-id")[
                    :limit
                ]
            )
        shared = (
            self._tagged_items()
            .filter(tag_id__in=tag_ids)
            .order_by()
            .values("object_id")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        ranked = nearby.annotate(shared_tags=Coalesce(Subquery(shared), 0)).order_by(
            "-shared_tags", "-published_at", "-id"
        )
        return [related for related in ranked[:limit] if related.shared_tags]


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_articles",
        editable=False,
        help_text="The writer who started the article; writers edit only their own drafts.",
    )
    killed_at = models.DateTimeField(null=True, blank=True, editable=False)
    kill_note = models.TextField(
        "editor's note",
        blank=True,
        editable=False,
        help_text="Shown at the article's address after it is killed.",
    )
    preview_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Signed preview links carry this number; raising it revokes them all.",
    )
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
            # The sitemaps read only the index: counting the public articles, and a page
            # of them at any offset, never touches the table's rows and their bodies.
            models.Index(
                fields=["-published_at", "-id"],
                include=["embargoed_until", "updated_at", "slug"],
                condition=Q(status="published"),
                name="article_sitemap_idx",
            ),
            # The latest update (the sitemaps' lastmod) is the first entry, not a scan.
            models.Index(
                fields=["-updated_at"],
                condition=Q(status="published", updated_at__isnull=False),
                name="article_updated_idx",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish and kill articles"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        """Clean the body, derive the figures, keep old URLs working, record a revision.

        Set `saved_by` on the instance to name the person saving in the revision;
        `revision=False` skips the revision (a first insert that a step saves again)."""
        revision = kwargs.pop("revision", True)
        self.body = text.sanitize_html(self.body)
        self.word_count = text.count_words(self.body)
        self.reading_time = text.reading_minutes(
            self.word_count, settings.NEWSROOM_WORDS_PER_MINUTE
        )
        saved_by = getattr(self, "saved_by", None)
        if self._state.adding and self.created_by_id is None and saved_by is not None:
            self.created_by = saved_by
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count", "reading_time"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            old_slug = getattr(self, "_loaded_slug", None)
            if old_slug and old_slug != self.slug and self._loaded_status == Status.PUBLISHED:
                self.redirect_from(reverse("articles:detail", args=[old_slug]))
            if update_fields is None and revision:
                self.record_revision(saved_by)
        self._loaded_slug, self._loaded_status = self.slug, self.status

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @staticmethod
    def cache_tag(slug):
        """The cache tag of the article's own page."""
        return f"article:{slug}"

    def cache_tags(self):
        """Every page that can show this article: its own, its section's, its tags' and
        its authors', and everything else listing content (feeds, sitemaps, search)."""
        tags = {pagecache.CONTENT, self.cache_tag(self.slug)}
        if self.section_id:
            section = Section.objects.filter(pk=self.section_id)
            tags.update(Section.cache_tag(slug) for slug in section.values_list("slug", flat=True))
        if self.pk:
            tags.update(tag_cache_tag(slug) for slug in self.tags.values_list("slug", flat=True))
            credits = self.credits.values_list("author__slug", flat=True)
            tags.update(Author.cache_tag(slug) for slug in credits)
        return tags

    def stored_cache_tags(self):
        """The pages of the article as stored: its old address and its old section."""
        stored = type(self).objects.filter(pk=self.pk).values_list("slug", "section__slug")
        return {
            tag
            for slug, section_slug in stored
            for tag in (self.cache_tag(slug), Section.cache_tag(section_slug))
        }

    def cache_changes_at(self):
        """Future moments when the article becomes public by the clock alone."""
        if self.status != Status.PUBLISHED:
            return []
        now = timezone.now()
        return [when for when in (self.published_at, self.embargoed_until) if when and when > now]

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        article._loaded_slug = article.__dict__.get("slug")
        article._loaded_status = article.__dict__.get("status")
        return article

    def redirect_from(self, old_path):
        """Answer `old_path` with a 301 to this article, without chains of redirects."""
        site = Site.objects.get_current()
        new_path = self.get_absolute_url()
        Redirect.objects.filter(site=site, old_path=new_path).delete()
        Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
        Redirect.objects.update_or_create(
            site=site, old_path=old_path, defaults={"new_path": new_path}
        )

    def revision_content(self):
        """What a revision keeps of the article itself: the text readers see, where it
        is filed and its status."""
        return {
            "headline": self.headline,
            "slug": self.slug,
            "standfirst": self.standfirst,
            "body": self.body,
            "section": self.section_id,
            "status": self.status,
        }

    def related_revision_content(self):
        """What a revision keeps of the article's relations: authors in byline order,
        tags, and the lead photo with the caption used here."""
        credits = ArticleAuthor.objects.filter(article_id=self.pk).select_related("author")
        lead = Caption.objects.filter(article_id=self.pk).select_related("photo").first()
        return {
            "authors": [[credit.author_id, credit.author.name] for credit in credits],
            "tags": sorted(self.tags.names()),
            "lead": {"photo": lead.photo_id, "photo_label": str(lead.photo), "caption": lead.text}
            if lead
            else None,
        }

    def record_revision(self, saved_by):
        """Keep this save's text with the relations as they are in the database now
        (whoever changed them: an import, a command, the shell). The admin's inlines and
        `restore()` save relations after the article, so they complete the revision
        afterwards with `record_related_in_revision()`."""
        return self.revisions.create(
            saved_by=saved_by,
            content={**self.revision_content(), **self.related_revision_content()},
        )

    def record_related_in_revision(self):
        """Complete the latest revision with the authors, tags and lead photo as they
        are now, after they were saved."""
        latest = self.revisions.first()
        if latest is not None:
            latest.content = {**latest.content, **self.related_revision_content()}
            latest.save(update_fields=["content"])

    @transaction.atomic
    def restore(self, revision, *, by=None):
        """Bring back a revision's text, authors, tags and lead photo; the status stays
        as it is now. Authors and photos deleted since then cannot come back."""
        content = revision.content
        self.headline = content["headline"]
        self.slug = content["slug"]
        self.standfirst = content["standfirst"]
        self.body = content["body"]
        self.section_id = content["section"]
        if "authors" in content:
            self._restore_authors([author_id for author_id, _name in content["authors"]])
        if "tags" in content:
            self.tags.set(content["tags"])
        if "lead" in content:
            self._restore_lead(content["lead"])
        self.saved_by = by
        self.save()
        self.record_related_in_revision()

    def _restore_authors(self, author_ids):
        existing = set(Author.objects.filter(pk__in=author_ids).values_list("pk", flat=True))
        wanted = [author_id for author_id in author_ids if author_id in existing]
        self.credits.exclude(author_id__in=wanted).delete()
        for position, author_id in enumerate(wanted):
            ArticleAuthor.objects.update_or_create(
                article=self, author_id=author_id, defaults={"position": position}
            )

    def _restore_lead(self, lead):
        if lead is None:
            Caption.objects.filter(article=self).delete()
        elif Photo.objects.filter(pk=lead["photo"]).exists():
            Caption.objects.update_or_create(
                article=self, defaults={"photo_id": lead["photo"], "text": lead["caption"]}
            )

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
    def description(self):
        """What the article says of itself where it is not open: the standfirst (else the
        headline) on one line, at most DESCRIPTION_CHARS long. Page metadata, social cards,
        feeds and structured data all show this one text."""
        text = " ".join((self.standfirst or self.headline).split())
        return Truncator(text).chars(DESCRIPTION_CHARS)

    @property
    def show_updated(self):
        """Whether readers see an “Updated” time: only after a substantive update."""
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)

    @property
    def date_modified(self):
        """The update time readers see: the last substantive update, else publication.

        Feeds, sitemaps and structured data all report this same time."""
        return self.updated_at if self.show_updated else self.published_at

    @cached_property
    def byline(self):
        """The authors in the order the editor gave them."""
        if hasattr(self, "byline_rows"):  # brought by ArticleQuerySet.for_page()
            return [Author(**row) for row in self.byline_rows or ()]
        return [credit.author for credit in self.credits.all()]

    @cached_property
    def tag_list(self):
        if hasattr(self, "tag_rows"):  # brought by ArticleQuerySet.for_page()
            return [Tag(**row) for row in self.tag_rows or ()]
        return list(self.tags.all())

    @property
    def lead_photo(self):
        try:
            return self.lead
        except Caption.DoesNotExist:
            return None

    @cached_property
    def public_corrections(self):
        """Corrections shown at the end of the article. A correction always sets
        `updated_at`, so an article never updated costs no query."""
        return list(self.corrections.all()) if self.updated_at else []

    @property
    def is_killed(self):
        return self.status == Status.KILLED

    def missing_for_publication(self):
        """What an editor must add before this article can go public, in readers' order."""
        missing = []
        if not self.headline.strip():
            missing.append("a headline")
        if not self.standfirst.strip():
            missing.append("a standfirst")
        if not self.pk or not self.credits.exists():
            missing.append("an author")
        lead = self.lead_photo if self.pk else None
        if lead is None:
            missing.append("a lead photo with its credit and alt text")
        else:
            if not lead.photo.credit.strip():
                missing.append("the lead photo's credit")
            if not lead.photo.alt_text.strip():
                missing.append("the lead photo's alt text")
        return missing

    def submit_for_review(self):
        self.status = Status.REVIEW
        self.save()

    def schedule(self, at):
        """Publish at a future time: `published()` shows it from then on, no job needed."""
        if at <= timezone.now():
            raise ValueError("A scheduled time must be in the future.")
        self.publish(at=at)

    @transaction.atomic
    def unpublish(self):
        """Take the article off every public surface; a pending schedule is cancelled."""
        self.status = Status.DRAFT
        if self.published_at and self.published_at > timezone.now():
            self.published_at = None
        self.save()

    @transaction.atomic
    def kill(self, note):
        """Withdraw the article for good: its address answers 410 with the editor's note."""
        self.status = Status.KILLED
        self.kill_note = note
        self.killed_at = timezone.now()
        self.save()

    @transaction.atomic
    def add_correction(self, text, *, by=None, at=None):
        """A dated public correction, which is also a substantive update: readers see
        the article updated now, whatever date the note carries."""
        correction = self.corrections.create(
            text=text, published_at=at or timezone.now(), created_by=by
        )
        self.mark_updated()
        return correction

    @transaction.atomic
    def publish(self, at=None, *, substantive_update=False):
        """Make the article public at `at` (now by default).

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

    def mark_updated(self, at=None):
        """Record a substantive update: readers see the new “Updated” time."""
        self.updated_at = at or timezone.now()
        self.save(update_fields=["updated_at", "modified_at"])


def _pages_of_article(article_id):
    """The pages of the article `article_id`, for a part of it (a byline, a lead photo's
    caption, a correction)."""
    article = Article.objects.filter(pk=article_id).first()
    return {pagecache.CONTENT} | (article.cache_tags() if article is not None else set())


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

    def cache_tags(self):
        tags = _pages_of_article(self.article_id)
        author = Author.objects.filter(pk=self.author_id)
        tags.update(Author.cache_tag(slug) for slug in author.values_list("slug", flat=True))
        return tags


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

    def cache_tags(self):
        return _pages_of_article(self.article_id)


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


class CorrectionQuerySet(models.QuerySet):
    def published(self):
        """Corrections readers can see: those on public articles."""
        return self.filter(ArticleQuerySet.published_q(prefix="article__"))


class Correction(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(
        help_text="What was wrong and what is right now, e.g. “An earlier version of this "
        "article misspelled the minister's name.”"
    )
    published_at = models.DateTimeField("dated", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"Correction to {self.article}"

    def cache_tags(self):
        return _pages_of_article(self.article_id)


class ArticleRevision(models.Model):
    """The text of an article as one save left it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    saved_at = models.DateTimeField(default=timezone.now, db_index=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField()

    class Meta:
        ordering = ["-saved_at", "-id"]
        get_latest_by = ["saved_at", "id"]

    def __str__(self):
        return f"{self.article} at {self.saved_at:%Y-%m-%d %H:%M}"
