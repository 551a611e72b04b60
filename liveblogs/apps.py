from django.apps import AppConfig


class LiveblogsConfig(AppConfig):
    """Live blogs: stories followed by a stream of timestamped updates."""

    name = "liveblogs"
