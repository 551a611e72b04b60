"""Signed, expiring links that show a draft with the public template."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "articles.preview"


def token_for(article):
    return signing.TimestampSigner(salt=SALT).sign(str(article.pk))


def preview_url(article):
    return reverse("articles:preview", args=[token_for(article)])


def expires_at():
    return timezone.now() + timedelta(seconds=settings.NEWSROOM_PREVIEW_MAX_AGE)


def article_id_from(token):
    """The article a token names, or None when it is forged or expired."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.NEWSROOM_PREVIEW_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return int(value) if value.isdigit() else None
