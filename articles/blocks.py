"""The blocks beside and around a story: the section navigation, Related and Latest.
Plain functions the page templates call; every article query starts from
Article.objects.published(). Each is built once per purge of the content it shows
(lib.blocks), so the pages that carry it do not query it again."""

from lib.blocks import CONTENT_TAGS, shared, shared_blocks

from .models import Article, Section

LATEST_COUNT = 5
RELATED_COUNT = 4


@shared("sections")
def site_sections():
    """The sections the navigation links, in their own order."""
    return list(Section.objects.all())


def related_articles(article):
    """The stories nearest `article` by shared tags (a draft's preview included): kept per
    article and everything they are chosen by."""
    key = (
        "related",
        article.pk,
        article.published_at,
        article.section_id,
        tuple(tag.pk for tag in article.tag_list),
    )
    return shared_blocks.get(key, lambda: _related(article), CONTENT_TAGS)


def _related(article):
    return list(Article.objects.published().for_links().related_to(article, RELATED_COUNT))


@shared("latest")
def _latest():
    articles = Article.objects.published().for_links()
    return list(articles.order_by("-published_at", "-id")[: LATEST_COUNT + 1])


def latest_articles(article=None):
    """The latest stories, less the one on the page."""
    articles = [latest for latest in _latest() if article is None or latest.pk != article.pk]
    return articles[:LATEST_COUNT]
