from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    """Embeds: third-party media resolved from an allowlist of providers."""

    name = "embeds"

    def ready(self):
        from lib import purging

        from .models import Embed

        purging.watch(Embed)
