from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    """Embeds: third-party media resolved from an allowlist of providers."""

    name = "embeds"
