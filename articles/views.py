from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from feed.models import FeedEntry
from newsroom.pagination import seek, seek_request

from . import previews
from .models import Article, Author, Correction, Section

SIDEBAR_ENTRIES = 10


def detail(request, slug):
    try:
        article = Article.objects.published().for_page().get(slug=slug)
    except Article.DoesNotExist:
        killed = get_object_or_404(Article.objects.killed(), slug=slug)
        return render(request, "articles/killed.html", {"withdrawn": killed}, status=410)
    latest = seek(FeedEntry.objects.stream(), size=SIDEBAR_ENTRIES)
    return render(request, "articles/detail.html", {"article": article, "latest": latest})


@never_cache
def preview(request, token):
    """A draft as readers would see it, for whoever holds an unexpired signed link."""
    article = get_object_or_404(Article.objects.for_page(), pk=previews.article_id_from(token))
    latest = seek(FeedEntry.objects.stream(), size=SIDEBAR_ENTRIES)
    response = render(
        request, "articles/preview.html", {"article": article, "latest": latest, "preview": True}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def corrections(request):
    items = (
        Correction.objects.published().select_related("article").order_by("-published_at", "-id")
    )
    return render(request, "articles/corrections.html", {"corrections": items[:200]})


def _listing(request, template, context, articles):
    batch = seek_request(request, articles.for_listing(), settings.NEWSROOM_FEED_BATCH)
    return render(request, template, {**context, "batch": batch})


def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=section)
    return _listing(request, "articles/section.html", {"section": section}, articles)


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    if not articles.exists():
        raise Http404("No published article has this tag.")  # a draft's tags stay private
    return _listing(request, "articles/tag.html", {"tag": tag}, articles)


def author(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().filter(credits__author=author)
    return _listing(request, "articles/author.html", {"author": author}, articles)
