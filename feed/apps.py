from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = "News Feed"

    def ready(self):
        from newsroom import purge

        purge.connect_feed()
