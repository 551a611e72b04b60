"""The News Feed beside other pages: the sidebar of an article page."""

from lib.pagination import seek

from .models import FeedEntry

SIDEBAR_ENTRIES = 10


def news_feed_sidebar():
    """The latest entries, as a batch with its own Show More."""
    return seek(FeedEntry.objects.stream(), size=SIDEBAR_ENTRIES)
