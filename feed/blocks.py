"""The News Feed beside other pages: the sidebar of an article page. Built once per purge
of the News Feed (lib.blocks), however many pages carry it; a hole of the article page,
filled as the page is answered, so a new entry does not render every story again."""

from django.template import engines

from lib.blocks import fills, shared
from lib.pagecache import SITE
from lib.pagination import seek

from .models import FEED, FeedEntry

SIDEBAR_ENTRIES = 10


@shared("news-feed-sidebar")
def news_feed_sidebar():
    """The latest entries, as a batch with its own Show More."""
    return seek(FeedEntry.objects.stream(), size=SIDEBAR_ENTRIES)


@shared("pinned-entries", (SITE, FEED))
def pinned_entries():
    """The entries kept above the News Feed."""
    return list(FeedEntry.objects.pinned())


@fills("news-feed-sidebar")
def news_feed_sidebar_html(_arg=None):
    """The sidebar's entries and its Show More."""
    module = engines["jinja2"].env.get_template("feed/_sidebar.html").module
    return module.sidebar_entries(news_feed_sidebar())
