"""Related stories, chosen when a story is published or its tags change, not per reader.

Choosing them compares the story's tags with the few hundred stories published before it
(`ArticleQuerySet.related_to`), the costliest query of an article page. The choice is kept
here, a few more than a page shows; a page reads the kept stories through `published()`,
so one killed, unpublished or embargoed since drops out at once, and their headlines and
addresses are always the current ones. Only stories published before the story are ever
candidates: publishing a story now changes no other story's choice. A story placed among
earlier ones (published back in time, retagged, moved) is chosen again, and the choices
of the stories after it that it may belong to are forgotten, so their pages compare live
again until `choose_related` keeps new ones.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.expressions import RawSQL

# Kept per story: more than a page shows, so the page stays full when some are withdrawn.
KEPT = 8
# How many stories published before a story are compared with it (its candidates).
RELATED_CANDIDATES = 500


class RelatedStories(models.Model):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    story_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "related stories"

    def __str__(self):
        return f"Related to {self.article_id}"

    @classmethod
    def choose_for(cls, article):
        """Choose and keep the stories related to `article` (published or scheduled)."""
        articles = type(article).objects
        article = articles.get(pk=article.pk)  # its tags as stored now
        chosen = articles.published().related_to(article, KEPT)
        ids = [story.pk for story in chosen]
        cls.objects.update_or_create(article_id=article.pk, defaults={"story_ids": ids})
        return ids

    @classmethod
    def kept(cls, article_ref):
        """The ids kept for the article `article_ref` (an OuterRef), for an annotation:
        None when none were chosen."""
        return models.Subquery(cls.objects.filter(article=article_ref).values("story_ids")[:1])

    @classmethod
    def placed(cls, article, *, public):
        """`article` was published (`public`, by its status), moved in time or section,
        retagged or withdrawn: choose
        its related stories again, and forget the choices it may now belong to (those of
        the stories published after it, up to the number compared), which their pages
        then make as they are shown, until `choose_related` keeps them again."""
        if public and article.published_at is not None:
            cls.choose_for(article)
            later = (
                type(article)
                .objects.published()
                .filter(published_at__gte=article.published_at)
                .exclude(pk=article.pk)
                .order_by("published_at", "id")
                .values("pk")[:RELATED_CANDIDATES]
            )
            cls.objects.filter(article_id__in=later).delete()
        else:
            cls.forget(article)

    @classmethod
    def forget(cls, article):
        cls.objects.filter(article_id=article.pk).delete()


def kept_stories(queryset, article_id, limit):
    """The stories of `queryset` kept for the story `article_id`, in their order, in one
    query (an empty list: none kept, or none of them public now)."""
    table = RelatedStories._meta.db_table
    kept = RawSQL(f'SELECT unnest(story_ids) FROM "{table}" WHERE article_id = %s', [article_id])
    position = RawSQL(
        f'array_position((SELECT story_ids FROM "{table}" WHERE article_id = %s), '
        f'"articles_article"."id")',
        [article_id],
    )
    chosen = queryset.filter(pk__in=kept).annotate(related_position=position)
    return list(chosen.order_by("related_position")[:limit])
