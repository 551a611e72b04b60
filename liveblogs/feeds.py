"""RSS 2.0 and Atom of one live blog: its public updates, newest first."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from articles.feeds import FEED_LENGTH, AtomMixin, NewsroomFeed, item_guid

from .models import LiveBlog, live_cache_tag
from .stream import public_updates


class LiveBlogRss(NewsroomFeed):
    page_cache_tags = staticmethod(lambda slug: [live_cache_tag(slug)])

    def get_object(self, request, slug):
        blogs = LiveBlog.objects.published().select_related("article")
        return get_object_or_404(blogs, article__slug=slug)

    def title(self, blog):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: {blog.article.headline} (live)"

    def description(self, blog):
        return blog.article.description

    def link(self, blog):
        return blog.get_absolute_url()

    def items(self, blog):
        updates = list(public_updates(blog).order_by("-published_at", "-id")[:FEED_LENGTH])
        for update in updates:
            update.live_blog = blog
        return updates

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return f"{item.live_blog.get_absolute_url()}#{item.anchor}"

    def item_description(self, item):
        return item.body

    def item_guid(self, item):
        return item_guid("live-update", item.pk)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.date_modified

    def item_categories(self, item):
        categories = [item.label.name] if item.label_id else []
        return [*categories, "Key event"] if item.is_key_event else categories

    def item_extra_kwargs(self, item):
        if item.author_id:
            authors = [(item.author.name, item.author.get_absolute_url())]
        else:
            authors = [(settings.NEWSROOM_PUBLICATION_NAME, item.live_blog.get_absolute_url())]
        return {"authors": authors, "content": item.body, "photo": None}


class LiveBlogAtom(AtomMixin, LiveBlogRss):
    pass
