"""Sitemaps for search engines, on django.contrib.sitemaps.

`sitemap.xml` is an index: each section's sitemap is split into pages of at most
ARTICLES_PER_PAGE URLs, so a large archive stays within the protocol's 50,000 per file.
`news-sitemap.xml` follows Google News: the last 48 hours, at most 1,000 articles.
"""

from datetime import timedelta
from html import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from taggit.models import Tag, TaggedItem

from .models import Article, ArticleAuthor, Author, Section

ARTICLES_PER_PAGE = 10_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000


class ArticleSitemap(Sitemap):
    """Rows of (slug, lastmod) rather than articles: a page lists 10,000 of them, and
    `article_sitemap_idx` answers its count and its page without reading the table."""

    limit = ARTICLES_PER_PAGE
    # Read by the location of every row: one reversal instead of 10,000.
    _SLUG = "slug-placeholder"

    def items(self):
        # GREATEST skips a missing update time, so this is `Article.date_modified`.
        return (
            Article.objects.published()
            .order_by("-published_at", "-id")
            .annotate(lastmod=Greatest("published_at", "updated_at"))
            .values_list("slug", "lastmod", named=True)
        )

    def location(self, row):
        return self._path_around_slug[0] + row.slug + self._path_around_slug[1]

    @cached_property
    def _path_around_slug(self):
        return reverse("articles:detail", args=[self._SLUG]).split(self._SLUG)

    def lastmod(self, row):
        return row.lastmod

    def get_urls(self, page=1, site=None, protocol=None):
        """Each URL also as its finished <url> element (sitemaps/articles.xml): the
        template language would spend most of the page's time on 10,000 of them."""
        urls = super().get_urls(page, site, protocol)
        zone = timezone.get_current_timezone()
        for url in urls:
            lastmod = url["lastmod"].astimezone(zone).isoformat()
            url["element"] = mark_safe(  # noqa: S308 - the location is escaped
                f"<url><loc>{escape(url['location'])}</loc><lastmod>{lastmod}</lastmod></url>"
            )
        return urls

    def get_latest_lastmod(self):
        """The index's lastmod: two index probes, instead of every article's lastmod.
        An article updated after publication has its update as its lastmod, so the
        latest is the later of the latest publication and the latest update."""
        latest = Article.objects.published().aggregate(Max("published_at"), Max("updated_at"))
        return max(filter(None, latest.values()), default=None)


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "pk")


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # Only tags that a public article carries: a draft's tags stay private.
        tagged_public = TaggedItem.objects.filter(
            tag=OuterRef("pk"),
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=Article.objects.published().values("pk"),
        )
        return Tag.objects.filter(Exists(tagged_public)).order_by("pk")

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class AuthorSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        bylined = ArticleAuthor.objects.filter(
            author=OuterRef("pk"),
            article__in=Article.objects.published(),
        )
        return Author.objects.filter(Exists(bylined)).order_by("pk")


class GoogleNewsSitemap(ArticleSitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            super()
            .items()
            .filter(published_at__gte=since)
            .values_list("slug", "lastmod", "headline", "published_at", named=True)[:NEWS_LIMIT]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        name = settings.NEWSROOM_PUBLICATION_NAME
        language = settings.NEWSROOM_PUBLICATION_LANGUAGE
        for url in urls:
            article = url["item"]
            url["news"] = {
                "name": name,
                "language": language,
                "publication_date": timezone.localtime(article.published_at).isoformat(),
                "title": article.headline,
            }
        return urls


# The site's sitemap index lists the News Feed's first (newsroom/urls.py).
SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS = {"news": GoogleNewsSitemap}
