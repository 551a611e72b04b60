from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark: synthetic archives at scale and the load test that measures pages."""

    name = "bench"
