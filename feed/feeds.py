"""RSS 2.0 and Atom of the News Feed: short updates and the articles of the sections that
feed it, with the same item fields as the article feeds."""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles import body as body_parts
from articles.feeds import FEED_LENGTH, AtomMixin, NewsroomFeed, item_guid
from articles.models import ArticleAuthor
from labels.models import Label, label_cache_tag
from lib.pagecache import CONTENT

from . import labels
from .models import FEED, FeedEntry


class NewsFeedRss(NewsroomFeed):
    """The News Feed: short updates and the articles of sections that feed it."""

    page_cache_tags = staticmethod(lambda: [FEED])

    def title(self):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: News Feed"

    def description(self, obj=None):
        return f"The latest news from {settings.NEWSROOM_PUBLICATION_NAME}, newest first."

    def link(self):
        return reverse("feed:index")

    def items(self):
        # Pinned and other entries each have their own index: the newest of each, merged,
        # are the newest of all, found without sorting the whole News Feed.
        published = FeedEntry.objects.published().order_by("-published_at", "-id")
        newest = (
            published.filter(pinned=False)
            .values("pk")[:FEED_LENGTH]
            .union(published.filter(pinned=True).values("pk")[:FEED_LENGTH], all=True)
        )
        entries = list(
            FeedEntry.objects.filter(pk__in=newest)
            .select_related("label", "article__section", "article__lead__photo", "article__label")
            .defer("article__search_document")
            .prefetch_related(
                Prefetch("article__credits", ArticleAuthor.objects.select_related("author")),
                "article__tags",
            )
            .order_by("-published_at", "-id")[:FEED_LENGTH]
        )
        # The photos and embeds of every article's body, in two queries for the feed.
        body_parts.parts_of_many(entry.article for entry in entries if entry.article_id)
        return entries

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_description(self, item):
        return item.text or item.title

    def item_guid(self, item):
        if item.article_id:
            return super().item_guid(item.article)
        return item_guid("feed-entry", item.pk)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at if item.show_updated else item.published_at

    def item_categories(self, item):
        categories = [item.label.name] if item.label_id else []
        if item.article_id:
            categories += super().item_categories(item.article)
        return categories

    def item_extra_kwargs(self, item):
        if item.article_id:
            return super().item_extra_kwargs(item.article)
        # Short updates are written by the desk, not a named reporter.
        return {
            "authors": [(settings.NEWSROOM_PUBLICATION_NAME, reverse("feed:index"))],
            "content": None,
            "photo": None,
        }


class NewsFeedAtom(AtomMixin, NewsFeedRss):
    pass


class LabelFeedRss(NewsroomFeed):
    """A label's entries, articles and live-blog updates, newest first."""

    page_cache_tags = staticmethod(lambda slug: [label_cache_tag(slug), CONTENT])

    def get_object(self, request, slug):
        return get_object_or_404(Label.objects.published(), slug=slug)

    def title(self, label):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: {label.name}"

    def description(self, label):
        return label.description or f"Everything labelled “{label.name}”."

    def link(self, label):
        return label.get_absolute_url()

    def items(self, label):
        return list(labels.seek_labelled(label, size=FEED_LENGTH))

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_description(self, item):
        return item.text or item.title

    def item_guid(self, item):
        if item.kind == "article":
            return item_guid("article", item.pk)
        return item_guid("feed-entry" if item.kind == "entry" else "live-update", item.pk)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_categories(self, item):
        return []

    def item_extra_kwargs(self, item):
        return {
            "authors": [(settings.NEWSROOM_PUBLICATION_NAME, reverse("feed:index"))],
            "content": None,
            "photo": None,
        }


class LabelFeedAtom(AtomMixin, LabelFeedRss):
    pass
