"""A live blog's stream as readers page through it: newest or oldest first, by the
reader's choice, in keyset batches; and its key events."""

from dataclasses import dataclass

from django.conf import settings

from lib.pagination import Batch, Cursor, seek

from .models import LiveBlog, LiveUpdate

NEWEST = "newest"
OLDEST = "oldest"
KEY_EVENTS = 20


def order_of(request):
    """The order the reader chose (`?order=oldest`); newest first otherwise."""
    return OLDEST if request.GET.get("order") == OLDEST else NEWEST


def public_updates(blog):
    return LiveUpdate.objects.published().filter(live_blog=blog).for_stream()


def _attached(updates, blog):
    for update in updates:
        update.live_blog = blog  # their addresses need the article's slug: no query
    return updates


def batch_of(blog, request):
    value = request.GET.get("before")
    cursor = Cursor.parse(value) if value else None
    order = order_of(request)
    size = settings.NEWSROOM_FEED_BATCH
    batch = seek(public_updates(blog), cursor, size, oldest_first=order == OLDEST)
    _attached(batch.items, blog)
    return batch


def key_events(blog):
    events = (
        LiveUpdate.objects.published()
        .filter(live_blog=blog)
        .key_events()
        .only("headline", "body", "published_at", "live_blog_id")
        .order_by("-published_at", "-id")[:KEY_EVENTS]
    )
    return _attached(list(events), blog)


@dataclass
class Stream:
    """What a live blog's article page shows under the body."""

    blog: LiveBlog
    batch: Batch
    key_events: list
    order: str

    @property
    def is_live(self):
        return self.blog.is_live

    @property
    def checks_for_updates(self):
        """Open pages ask for news while the coverage is live, where the newest update
        shows (the top newest first, the end oldest first once every batch is open)."""
        if not self.is_live:
            return False
        return (
            self.order == NEWEST
            and self.batch.is_first
            or (self.order == OLDEST and self.batch.next_cursor is None)
        )


def stream_of(article, request):
    """The stream under `article`'s body, or None when it runs no live blog."""
    blog = LiveBlog.objects.filter(article=article).first()
    if blog is None:
        return None
    blog.article = article
    return Stream(blog, batch_of(blog, request), key_events(blog), order_of(request))
