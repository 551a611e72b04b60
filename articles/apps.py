from django.apps import AppConfig
from django.db.models.signals import m2m_changed

TAG_CHANGES = {"post_add", "post_remove", "pre_clear", "post_clear"}


def tags_changed(sender, instance, action, pk_set=None, model=None, **kwargs):
    """An article's tags changed: its pages and those of the tags it gained or lost."""
    from lib import pagecache, purging

    from .models import Article, RelatedStories, Status, tag_cache_tag

    if purging.in_bulk() or action not in TAG_CHANGES:
        return
    if isinstance(instance, Article):
        # Related stories are chosen by their tags.
        RelatedStories.placed(instance, public=instance.status == Status.PUBLISHED)
    tags = set()
    if isinstance(instance, Article):
        tags |= purging.tags_of(instance)
    if pk_set and model is not None and hasattr(model, "slug"):
        slugs = model.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
        tags.update(tag_cache_tag(slug) for slug in slugs)
    purging.purge(tags or {pagecache.SITE})


class ArticlesConfig(AppConfig):
    """The newsroom's content: sections, authors, articles, their pages, feeds and search."""

    name = "articles"

    def ready(self):
        from taggit.models import Tag

        from lib import pagecache, purging

        from . import blocks, models  # noqa: F401  (blocks: the fillers of its holes)

        for model in (
            models.Section,
            models.Author,
            models.Article,
            models.ArticleAuthor,
            models.Caption,
            models.Correction,
        ):
            purging.watch(model)
        # A renamed or deleted tag shows on many pages at once.
        purging.watch(Tag, lambda tag: {pagecache.SITE})
        m2m_changed.connect(
            tags_changed, sender=models.Article.tags.through, dispatch_uid="articles.tags_changed"
        )
