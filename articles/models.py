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
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from embeds.models import Embed
from labels.models import Label
from lib import pagecache
from lib.links import reverse
from photos.models import Photo

from . import body as body_markup
from . import text
from .related import RELATED_CANDIDATES, RelatedStories

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


class Genre(models.TextChoices):
    NEWS = "news", "News"
    ANALYSIS = "analysis", "Analysis"
    OPINION = "opinion", "Opinion"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    KILLED = "killed", "Killed"


class State(models.TextChoices):
    """Where an article stands for readers and the desk: the status, read with the clock
    (a published article whose time or embargo is still ahead is not public yet)."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    EMBARGOED = "embargoed", "Embargoed"
    PUBLISHED = "published", "Published"
    KILLED = "killed", "Killed"


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

    @staticmethod
    def state_q(state):
        """The articles in one `State`; the same rules as `Article.state`."""
        now = timezone.now()
        waiting = Q(status=Status.PUBLISHED)
        embargoed = (
            waiting
            & Q(embargoed_until__gt=now)
            & (Q(published_at__isnull=True) | Q(embargoed_until__gt=models.F("published_at")))
        )
        scheduled = (
            waiting
            & Q(published_at__gt=now)
            & (Q(embargoed_until__isnull=True) | Q(embargoed_until__lte=models.F("published_at")))
        )
        return {
            State.SCHEDULED: scheduled,
            State.EMBARGOED: embargoed,
            State.PUBLISHED: ArticleQuerySet.published_q(),
        }.get(state, Q(status=state))

    def in_state(self, state):
        return self.filter(self.state_q(state))

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
            self.select_related("section", "lead__photo", "label")
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
            self.select_related("section", "lead__photo", "label")
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
        help_text="The story. Photos and galleries from the library, videos, posts and charts, "
        "tables, pull quotes and fact boxes come from the editor's toolbar; anything else is "
        "removed on save.",
    )
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")
    body_embeds = models.ManyToManyField(
        Embed,
        blank=True,
        editable=False,
        related_name="articles",
        help_text="The embeds the body shows, kept in step with it on every save.",
    )
    tags = TaggableManager(blank=True)
    genre = models.CharField(
        max_length=12,
        choices=Genre,
        default=Genre.NEWS,
        blank=True,  # a form that leaves it out keeps the article's genre (news when new)
        help_text="What kind of piece this is; opinion pieces are marked “Opinion” to readers.",
    )
    label = models.ForeignKey(
        Label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Optional, e.g. “Breaking” or “Video”.",
    )
    is_live_blog = models.BooleanField(
        "runs as a live blog",
        default=False,
        editable=False,
        help_text="Set when the desk runs the story as a live blog; its page then shows "
        "the stream of updates under the body.",
    )
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
            # The desk's lists show every status in publication order, at archive scale:
            # the whole list, one status, one section.
            models.Index(fields=["-published_at", "-id"], name="article_desk_order_idx"),
            models.Index(fields=["status", "-published_at", "-id"], name="article_desk_status_idx"),
            models.Index(
                fields=["section", "-published_at", "-id"], name="article_desk_section_idx"
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
        self.genre = self.genre or Genre.NEWS
        self.body = text.sanitize_html(self.body)
        self.word_count = text.count_words(self.body)
        self.reading_time = text.reading_minutes(
            self.word_count,
            settings.NEWSROOM_WORDS_PER_MINUTE,
            photos=len(body_markup.photo_ids(self.body)),
            embeds=len(body_markup.embed_ids(self.body)),
        )
        if self.status == Status.PUBLISHED:  # every path: the admin, imports, commands
            body_markup.check_for_publication(self.body)
        self.__dict__.pop("body_parts", None)
        saved_by = getattr(self, "saved_by", None)
        if self._state.adding and self.created_by_id is None and saved_by is not None:
            self.created_by = saved_by
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count", "reading_time"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or "body" in update_fields:
                self.record_body_uses()
            old_slug = getattr(self, "_loaded_slug", None)
            if old_slug and old_slug != self.slug and self._loaded_status == Status.PUBLISHED:
                self.redirect_from(reverse("articles:detail", args=[old_slug]))
            if update_fields is None and revision:
                self.record_revision(saved_by)
            if getattr(self, "_loaded_placing", None) != self.related_placing():
                RelatedStories.placed(self, public=self.status == Status.PUBLISHED)
        self._loaded_slug, self._loaded_status = self.slug, self.status
        self._loaded_placing = self.related_placing()

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
        article._loaded_placing = article.related_placing()
        return article

    def related_placing(self):
        """What decides which stories this one is related to, and which it may be related
        to (see articles.related)."""
        return (self.__dict__.get("status"), self.__dict__.get("published_at"),
                self.__dict__.get("section_id"))  # fmt: skip

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
            # Moving a live story's publish time or embargo is kept like its text.
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "embargoed_until": self.embargoed_until.isoformat() if self.embargoed_until else None,
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
    def state(self):
        """Draft, In review, Scheduled, Embargoed, Published or Killed (see `State`)."""
        if self.status != Status.PUBLISHED:
            return State(self.status)
        now = timezone.now()
        publish_at, embargo = self.published_at, self.embargoed_until
        if embargo and embargo > now and (publish_at is None or embargo > publish_at):
            return State.EMBARGOED
        if publish_at and publish_at > now:
            return State.SCHEDULED
        return State.PUBLISHED

    @property
    def state_time(self):
        """The time that goes with the state: when a scheduled or embargoed article goes
        public, when a public one went, when a killed one was withdrawn."""
        state = self.state
        if state == State.KILLED:
            return self.killed_at
        if state in (State.DRAFT, State.REVIEW):
            return None
        times = [when for when in (self.published_at, self.embargoed_until) if when]
        return max(times, default=None)  # public from the later of the two

    @property
    def public_from(self):
        """When readers may first see the article: its publish time, or the end of an
        embargo that holds it past that time (what its page shows, never the earlier)."""
        times = [when for when in (self.published_at, self.embargoed_until) if when]
        return max(times, default=None)

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
    def is_opinion(self):
        return self.genre == Genre.OPINION

    @property
    def is_killed(self):
        return self.status == Status.KILLED

    def clean(self):
        if self.status == Status.PUBLISHED:
            body_markup.check_for_publication(text.sanitize_html(self.body))

    def record_body_uses(self):
        """Keep the relations to the photos and embeds in the body in step with it: they
        protect a photo in a story from deletion and name the stories an embed is in."""
        in_body = Photo.objects.filter(pk__in=body_markup.photo_ids(self.body))
        photo_ids = set(in_body.values_list("pk", flat=True))
        BodyPhoto.objects.filter(article=self).exclude(photo_id__in=photo_ids).delete()
        BodyPhoto.objects.bulk_create(
            [BodyPhoto(article=self, photo_id=pk) for pk in photo_ids], ignore_conflicts=True
        )
        self.body_embeds.set(Embed.objects.filter(pk__in=body_markup.embed_ids(self.body)))

    @cached_property
    def body_parts(self):
        """The photos and embeds the body shows, loaded once."""
        return body_markup.Parts(self.body)

    @property
    def body_html(self):
        """The body as readers get it, photos, galleries and embeds in full."""
        return body_markup.render(self.body, self.body_parts)

    def absolute_body_html(self, absolute):
        """The body with every image address a full one, for feed readers."""
        return body_markup.render(self.body, self.body_parts, absolute=absolute)

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
        missing.extend(body_markup.photo_problems(self.body))
        return missing

    def missing_while_public(self):
        """What a published (or scheduled) article may never lack: a byline, its lead
        photo's credit and alt text when it has a lead photo, and those of the photos in its
        body. Importers publish only what lacks none of it."""
        missing = [] if self.credits.exists() else ["an author"]
        lead = Caption.objects.filter(article_id=self.pk).select_related("photo").first()
        if lead is not None:
            if not lead.photo.credit.strip():
                missing.append("the lead photo's credit")
            if not lead.photo.alt_text.strip():
                missing.append("the lead photo's alt text")
        return missing + body_markup.photo_problems(self.body)

    def submit_for_review(self):
        self.status = Status.REVIEW
        self.save()

    def return_to_draft(self):
        """Back to the writer from review: sent back by an editor or withdrawn."""
        self.status = Status.DRAFT
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

    def clean(self):
        """A published (or scheduled) article's lead photo has its credit and alt text."""
        if not self.photo_id or not self.article_id:
            return
        missing = [name for name, value in (("credit", self.photo.credit),
                   ("alt text", self.photo.alt_text)) if not value.strip()]  # fmt: skip
        if missing and Article.objects.filter(pk=self.article_id, status=Status.PUBLISHED).exists():
            raise ValidationError(
                "This article is published: its lead photo needs its %(missing)s. Add them "
                "to the photo first.",
                code="public_rules",
                params={"missing": " and ".join(missing)},
            )

    @property
    def credit(self):
        return self.photo.credit

    def cache_tags(self):
        return _pages_of_article(self.article_id)


class BodyPhoto(models.Model):
    """A photo shown inside an article's body, inline or in a gallery (the body holds its
    caption there). A photo in a story cannot be deleted, like a lead photo."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="body_photo_uses")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="body_uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "photo"], name="unique_body_photo")
        ]

    def __str__(self):
        return f"{self.photo} in {self.article}"


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
