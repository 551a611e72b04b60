from django.apps import AppConfig


class LabelsConfig(AppConfig):
    """Labels: the managed vocabulary of feed entries, live-blog updates and articles."""

    name = "labels"
