from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Content in and out: RSS/Atom, WordPress and JSON Lines imports and exports, and
    the demo content."""

    name = "ingest"
