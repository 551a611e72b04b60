"""The blocks beside and around a story: the section navigation, Related and Latest.
Plain functions the page templates call; every article query starts from
Article.objects.published(). Each is built once per purge of the content it shows
(lib.blocks), so the pages that carry it do not query it again. Related and Latest are
holes of the article page, filled as it is answered: a story's page is kept under its own
tags, and the stories beside it change without rendering it again."""

from django.db.models import OuterRef
from django.template import engines

from lib.blocks import CONTENT_TAGS, fills, shared, shared_blocks

from .models import Article, Section, Status
from .related import RelatedStories, in_order, kept_stories

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
        tuple(kept) if (kept := getattr(article, "kept_related", None)) is not None else None,
    )
    return shared_blocks.get(key, lambda: _related(article), CONTENT_TAGS)


def _related(article):
    stories = Article.objects.published().for_links()
    kept = getattr(article, "kept_related", None)  # brought by ArticleQuerySet.for_page()
    if kept is not None and article.status == Status.PUBLISHED:
        return in_order(stories, kept, RELATED_COUNT)
    return list(stories.related_to(article, RELATED_COUNT))  # a preview, or none kept yet


@shared("latest")
def _latest():
    articles = Article.objects.published().for_links()
    return list(articles.order_by("-published_at", "-id")[: LATEST_COUNT + 1])


def latest_articles(article=None):
    """The latest stories, less the one on the page."""
    return latest_articles_but(article.pk if article is not None else None)


def _macro(template, name):
    return getattr(engines["jinja2"].env.get_template(template).module, name)


@fills("related")
def related_html(article_id):
    """The Related block of the story `article_id` (a draft's preview included): its kept
    stories in one query; compared live when it has none kept."""
    stories = kept_stories(Article.objects.published().for_links(), article_id, RELATED_COUNT)
    if not stories:
        article = (
            Article.objects.filter(pk=article_id)
            .annotate(kept_related=RelatedStories.kept(OuterRef("pk")))
            .only("pk", "status", "published_at", "section_id")
            .first()
        )
        stories = _related(article) if article is not None else []
    return _macro("articles/_related.html", "related_block")(stories)


@fills("latest")
def latest_html(article_id):
    """The Latest block beside the story `article_id`, less that story."""
    return _macro("articles/_latest.html", "latest_block")(latest_articles_but(article_id))


def latest_articles_but(article_id):
    articles = [latest for latest in _latest() if latest.pk != article_id]
    return articles[:LATEST_COUNT]
