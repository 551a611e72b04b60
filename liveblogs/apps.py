from django.apps import AppConfig


class LiveblogsConfig(AppConfig):
    """Live blogs: stories followed by a stream of timestamped updates."""

    name = "liveblogs"
    verbose_name = "Live blogs"

    def ready(self):
        from feed import labels
        from lib import purging

        from . import labelled
        from .models import LiveBlog, LiveUpdate

        purging.watch(LiveBlog)
        purging.watch(LiveUpdate)
        labels.register(labelled.SOURCE)
