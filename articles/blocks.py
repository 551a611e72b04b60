"""The blocks beside and around a story: the section navigation, Related and Latest.
Plain functions the page templates call; every article query starts from
Article.objects.published()."""

from .models import Article, Section

LATEST_COUNT = 5
RELATED_COUNT = 4


def site_sections():
    """The sections the navigation links, in their own order."""
    return list(Section.objects.all())


def related_articles(article):
    return Article.objects.published().for_links().related_to(article, RELATED_COUNT)


def latest_articles(article=None):
    articles = Article.objects.published().for_links()
    if article is not None:
        articles = articles.exclude(pk=article.pk)
    return list(articles.order_by("-published_at", "-id")[:LATEST_COUNT])
