"""Third-party media in stories: a post, a video, a track or a chart from an allowlisted
provider, resolved once when an editor adds it and kept as structured data, so a page
render never asks the provider anything."""

import io
import json
import logging
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models

from lib import fetching, pagecache
from photos import images

from . import providers

logger = logging.getLogger(__name__)

OEMBED_TIMEOUT = 5  # seconds: an editor is waiting
OEMBED_MAX_BYTES = 256 * 1024
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
THUMBNAIL_WIDTH = 640


class Kind(models.TextChoices):
    VIDEO = providers.VIDEO, "Video"
    POST = providers.POST, "Social post"
    AUDIO = providers.AUDIO, "Audio"
    CHART = providers.CHART, "Chart"


class EmbedQuerySet(models.QuerySet):
    def resolve(self, url):
        """The embed of `url`, made on first use: refused with a ValidationError an editor
        can read when the host is not an allowlisted provider's or the address is not one
        of its media. The provider's oEmbed answer adds a title, an author and a
        thumbnail; when it cannot be reached the documented URL pattern alone makes a
        working embed."""
        url = " ".join((url or "").split())
        provider, groups = parse(url)
        existing = self.filter(url=url).first()
        if existing is not None:
            return existing
        embed = self.model(
            url=url,
            provider=provider.key,
            kind=provider.kind,
            player_url=provider.player_url(url, groups),
        )
        embed.title = f"{provider.name} {Kind(provider.kind).label.lower()}"
        answer = oembed(provider, url)
        if answer:
            embed.title = str(answer.get("title") or embed.title)[:300]
            embed.author_name = str(answer.get("author_name") or "")[:200]
            embed.resolved_by = "oembed"
            embed.thumbnail = stored_thumbnail(provider, answer.get("thumbnail_url"))
        embed.full_clean(exclude=["thumbnail"])
        embed.save()
        return embed


def parse(url):
    """(provider, pattern groups) of `url`, or a ValidationError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(
            "Paste the full address of the post, video or chart, starting with https://.",
            code="scheme",
        )
    provider = providers.provider_for(url)
    if provider is None:
        raise ValidationError(
            f"{parts.hostname} is not a provider we embed. Embeds come from: {providers.names()}.",
            code="unknown_host",
        )
    groups = provider.match(url)
    if groups is None:
        raise ValidationError(
            f"This {provider.name} address does not point to something that can be "
            "embedded; copy the link of the post, video or chart itself.",
            code="not_media",
        )
    return provider, groups


def fetch(url, *, allowed_hosts, max_bytes):
    """The transport of every request to a provider: the SSRF-safe fetch."""
    return fetching.fetch(
        url, allowed_hosts=allowed_hosts, timeout=OEMBED_TIMEOUT, max_bytes=max_bytes
    )


def oembed(provider, url):
    """The provider's oEmbed answer for `url` as a dict, or {} when there is none."""
    endpoint = provider.oembed_url(url)
    if not endpoint:
        return {}
    try:
        body = fetch(
            endpoint, allowed_hosts={urlsplit(endpoint).hostname}, max_bytes=OEMBED_MAX_BYTES
        )
        answer = json.loads(body)
    except (fetching.FetchRefused, ValueError) as error:
        logger.info("oEmbed of %s unavailable, using the URL pattern: %s", url, error)
        return {}
    return answer if isinstance(answer, dict) else {}


def stored_thumbnail(provider, thumbnail_url):
    """The provider's thumbnail, checked, re-encoded and kept in our own storage (so a
    reader's browser never asks the provider for it), or "" when there is none."""
    if not thumbnail_url or not isinstance(thumbnail_url, str) or not provider.thumbnail_hosts:
        return ""
    try:
        data = fetch(
            thumbnail_url,
            allowed_hosts=set(provider.thumbnail_hosts),
            max_bytes=THUMBNAIL_MAX_BYTES,
        )
        image = images.resized(images.normalise(images.open_checked(data)), THUMBNAIL_WIDTH)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
    except (fetching.FetchRefused, ValidationError, OSError, ValueError) as error:
        logger.info("No thumbnail for %s: %s", thumbnail_url, error)
        return ""
    field = Embed._meta.get_field("thumbnail")
    return images.save_file(
        field.storage, f"embeds/{uuid.uuid4().hex}.jpg", ContentFile(buffer.getvalue())
    )


class Embed(models.Model):
    url = models.URLField("address", max_length=500, unique=True)
    provider = models.CharField(
        max_length=20, choices=[(p.key, p.name) for p in providers.PROVIDERS]
    )
    kind = models.CharField(max_length=10, choices=Kind)
    title = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    player_url = models.URLField(
        max_length=1000, help_text="The provider's player, loaded only when a reader asks."
    )
    thumbnail = models.ImageField(upload_to="embeds/", blank=True, editable=False)
    resolved_by = models.CharField(
        max_length=10,
        default="pattern",
        editable=False,
        help_text="oembed when the provider described the media, pattern otherwise.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmbedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title or self.url

    def clean(self):
        provider = providers.BY_KEY.get(self.provider)
        host = urlsplit(self.player_url or "").hostname
        if provider is None or host != provider.frame_host:
            raise ValidationError(
                {"player_url": "The player must be the provider's own frame."}, code="frame"
            )

    def cache_tags(self):
        """An embed shows in stories and feed entries anywhere on the site: on pages of
        every kind, as a photo does (SITE)."""
        return {pagecache.SITE, pagecache.CONTENT}

    def placeholder_html(self, absolute=None):
        from .rendering import placeholder  # noqa: PLC0415 - rendering reads this model

        return placeholder(self, absolute=absolute)

    @property
    def provider_name(self):
        return providers.BY_KEY[self.provider].name

    @property
    def is_video(self):
        return self.kind == Kind.VIDEO

    @property
    def action_label(self):
        return {
            Kind.VIDEO: "Play video",
            Kind.AUDIO: "Play audio",
            Kind.CHART: "Show chart",
        }.get(self.kind, "Show post")
