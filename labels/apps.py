from django.apps import AppConfig


class LabelsConfig(AppConfig):
    """Labels: the managed vocabulary of feed entries, live-blog updates and articles."""

    name = "labels"

    def ready(self):
        from lib import purging

        from .models import Label

        purging.watch(Label)
