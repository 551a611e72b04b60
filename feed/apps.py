from django.apps import AppConfig


class FeedConfig(AppConfig):
    """The News Feed: short timestamped entries, its pages and its RSS/Atom."""

    name = "feed"
    verbose_name = "News Feed"

    def ready(self):
        from lib import pagecache, purging

        from . import blocks  # noqa: F401  (the filler of its hole)
        from .models import FEED, FeedEntry

        pagecache.listing(FEED)
        purging.watch(FeedEntry)
