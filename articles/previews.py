"""Signed, expiring links that show a draft with the public template.

Anyone who holds a link can read the draft, without logging in, until it expires. Each
link carries the article's preview version: `revoke()` raises it, and every link made
before stops working at once."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .models import Article

SALT = "articles.preview"


def token_for(article):
    return signing.TimestampSigner(salt=SALT).sign(f"{article.pk}:{article.preview_version}")


def preview_url(article):
    return reverse("articles:preview", args=[token_for(article)])


def expires_at():
    return timezone.now() + timedelta(seconds=settings.NEWSROOM_PREVIEW_MAX_AGE)


def revoke(article):
    """Invalidate every preview link of `article` made so far. No public page shows the
    number, so nothing needs purging."""
    Article.objects.filter(pk=article.pk).update(preview_version=F("preview_version") + 1)
    article.refresh_from_db(fields=["preview_version"])


def article_id_from(token):
    """The article a token names, or None when it is forged, expired or revoked."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.NEWSROOM_PREVIEW_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    pk, _, version = value.partition(":")
    if not (pk.isdigit() and version.isdigit()):
        return None
    current = Article.objects.filter(pk=int(pk), preview_version=int(version)).exists()
    return int(pk) if current else None
