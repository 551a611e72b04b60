"""Problems readers would see on the public site, listed so that cron can alert on them."""

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site
from django.db.models import Q
from django.urls import Resolver404, resolve

from articles.models import Article, BodyPhoto, Caption
from lib.commands import quiet_progress

_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass
class Finding:
    kind: str
    item: str
    detail: str

    def __str__(self):
        return f"{self.kind}: {self.item} — {self.detail}"


@dataclass
class CheckResult:
    findings: list = field(default_factory=list)
    articles_checked: int = 0
    photos_checked: int = 0

    def add(self, kind, item, detail):
        self.findings.append(Finding(kind, item, detail))


def _own_hosts():
    hosts = {host.lower() for host in settings.ALLOWED_HOSTS if host and "*" not in host}
    with contextlib.suppress(Site.DoesNotExist):
        hosts.add(Site.objects.get_current().domain.lower())
    return {host.lstrip(".") for host in hosts}


def internal_article_slugs(body, own_hosts):
    """Slugs of the article pages that `body` links to on this site."""
    slugs = []
    for href in _HREF.findall(body):
        parts = urlsplit(href.strip())
        if parts.scheme and parts.scheme not in {"http", "https"}:
            continue
        if parts.netloc and (parts.hostname or "").lower() not in own_hosts:
            continue
        if not parts.path.startswith("/"):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.view_name == "articles:detail":
            slugs.append(match.kwargs["slug"])
    return slugs


def check_content(*, progress=quiet_progress):
    result = CheckResult()
    public = Article.objects.published()

    photo_problems = (
        Caption.objects.filter(article__in=public)
        .filter(Q(photo__credit="") | Q(photo__alt_text=""))
        .select_related("photo", "article")
        .order_by("photo_id", "article_id")
    )
    # Inline and gallery photos, through the relations each save keeps to the body's photos.
    body_photo_problems = (
        BodyPhoto.objects.filter(article__in=public)
        .filter(Q(photo__credit="") | Q(photo__alt_text=""))
        .select_related("photo", "article")
        .order_by("photo_id", "article_id")
    )
    seen_photos = set()
    for use, where in [
        *((c, "") for c in photo_problems),
        *((b, " in the body") for b in body_photo_problems),
    ]:
        if use.photo_id in seen_photos:
            continue
        seen_photos.add(use.photo_id)
        photo = use.photo
        missing = [name for name, value in (("credit", photo.credit), ("alt text", photo.alt_text))
                   if not value.strip()]  # fmt: skip
        result.add(
            "photo",
            f"photo {photo.pk} ({photo.image.name})",
            f"no {' and no '.join(missing)}; used{where} by “{use.article.headline}”",
        )
    result.photos_checked = (
        Caption.objects.filter(article__in=public).count()
        + BodyPhoto.objects.filter(article__in=public).count()
    )

    for article in public.filter(lead__isnull=True).only("pk", "slug", "headline").order_by("pk"):
        result.add(
            "article", f"“{article.headline}” ({article.get_absolute_url()})", "no lead photo"
        )

    for article in public.filter(credits__isnull=True).order_by("pk"):
        result.add("article", f"“{article.headline}” ({article.get_absolute_url()})", "no authors")

    own_hosts = _own_hosts()
    public_slugs = set()
    linking = public.filter(body__icontains="/articles/").only("pk", "slug", "headline", "body")
    candidates = list(linking.order_by("pk"))
    for article in progress(candidates, desc="Links", unit="article"):
        slugs = internal_article_slugs(article.body, own_hosts)
        if not slugs:
            continue
        unknown = set(slugs) - public_slugs
        if unknown:
            public_slugs |= set(public.filter(slug__in=unknown).values_list("slug", flat=True))
        for slug in dict.fromkeys(slugs):
            if slug not in public_slugs:
                result.add(
                    "link",
                    f"“{article.headline}” ({article.get_absolute_url()})",
                    f"links to /articles/{slug}/, which readers cannot see",
                )
    result.articles_checked = public.count()
    return result
