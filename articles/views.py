from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from feed.models import FeedEntry
from newsroom.pagination import seek, seek_request

from .models import Article, Author, Section

SIDEBAR_ENTRIES = 10


def detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_page(), slug=slug)
    latest = seek(FeedEntry.objects.stream(), size=SIDEBAR_ENTRIES)
    return render(request, "articles/detail.html", {"article": article, "latest": latest})


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
