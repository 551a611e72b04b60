"""Sitemaps for search engines, on django.contrib.sitemaps.

`sitemap.xml` is an index: each section's sitemap is split into pages of at most
ARTICLES_PER_PAGE URLs, so a large archive stays within the protocol's 50,000 per file.
`news-sitemap.xml` follows Google News: the last 48 hours, at most 1,000 articles.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .models import Article, ArticleAuthor, Author, Section

ARTICLES_PER_PAGE = 10_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000


class ArticleSitemap(Sitemap):
    limit = ARTICLES_PER_PAGE

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article.date_modified


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
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "headline", "published_at", "updated_at")
            .order_by("-published_at", "-id")[:NEWS_LIMIT]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            article = url["item"]
            url["news"] = {
                "name": settings.NEWSROOM_PUBLICATION_NAME,
                "language": settings.NEWSROOM_PUBLICATION_LANGUAGE,
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
