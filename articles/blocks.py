"""The blocks beside and around a story: the section navigation, Related and Latest.
Plain functions the page templates and holes call; every article query starts from
Article.objects.published(). Each is built once per purge of the content it shows
(lib.blocks), so the pages that carry it do not query it again. Related and Latest are
holes of the article page, filled as it is answered: a story's page is kept under its own
tags, and the stories beside it change without rendering it again."""

from django.db.models import OuterRef
from django.template import engines

from lib.blocks import fills, shared

from .models import Article, Section, Status
from .related import RelatedStories, kept_stories

LATEST_COUNT = 5
RELATED_COUNT = 4


@shared("sections")
def site_sections():
    """The sections the navigation links, in their own order."""
    return list(Section.objects.all())


def related_stories(article_id):
    """The stories related to the story `article_id`: those kept for it, in one query, read
    through `published()`; compared live for a story with none kept (a draft's preview, or
    one from before choices were kept)."""
    stories = Article.objects.published().for_links()
    kept = kept_stories(stories, article_id, RELATED_COUNT)
    if kept:
        return kept
    article = (
        Article.objects.filter(pk=article_id)
        .annotate(kept_related=RelatedStories.kept(OuterRef("pk")))
        .only("pk", "status", "published_at", "section_id")
        .first()
    )
    if article is None or (article.kept_related is not None and article.status == Status.PUBLISHED):
        return []  # its kept stories are all withdrawn, or it is gone
    return list(stories.related_to(article, RELATED_COUNT))


@shared("latest")
def _latest():
    articles = Article.objects.published().for_links()
    return list(articles.order_by("-published_at", "-id")[: LATEST_COUNT + 1])


def _macro(template, name):
    return getattr(engines["jinja2"].env.get_template(template).module, name)


@fills("related")
def related_html(article_id):
    """The Related block of the story `article_id`."""
    return _macro("articles/_related.html", "related_block")(related_stories(article_id))


@fills("latest")
def latest_html(article_id):
    """The Latest block beside the story `article_id`, less that story."""
    return _macro("articles/_latest.html", "latest_block")(latest_articles_but(article_id))


def latest_articles_but(article_id):
    articles = [latest for latest in _latest() if latest.pk != article_id]
    return articles[:LATEST_COUNT]
