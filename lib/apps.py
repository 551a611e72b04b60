from django.apps import AppConfig


class LibConfig(AppConfig):
    """Generic helpers that know no app: the page cache, purging, pagination, links."""

    name = "lib"
    verbose_name = "Site machinery"
