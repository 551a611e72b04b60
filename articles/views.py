from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from lib.pagecache import depends_on
from lib.pagination import seek_request

from . import metadata, previews
from . import search as article_search
from .models import Article, Author, Correction, Section, tag_cache_tag


@depends_on(lambda slug: [Article.cache_tag(slug)])
def detail(request, slug):
    """The story. The News Feed and the stories beside it are holes of the page, filled as
    it is answered (articles.blocks, feed.blocks): the page itself shows the story alone,
    and is kept until the story changes."""
    try:
        article = Article.objects.published().for_page().get(slug=slug)
    except Article.DoesNotExist:
        killed = get_object_or_404(Article.objects.killed(), slug=slug)
        meta = metadata.site_page(request, "Article withdrawn", "This article has been withdrawn.")
        return render(
            request, "articles/killed.html", {"withdrawn": killed, "meta": meta}, status=410
        )
    meta = metadata.article_page(request, article)
    return render(request, "articles/detail.html", {"article": article, "meta": meta})


@never_cache
def preview(request, token):
    """A draft as readers would see it, for whoever holds an unexpired signed link."""
    article = get_object_or_404(Article.objects.for_page(), pk=previews.article_id_from(token))
    meta = metadata.article_page(request, article)
    response = render(
        request,
        "articles/preview.html",
        {"article": article, "preview": True, "meta": meta},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def corrections(request):
    items = (
        Correction.objects.published().select_related("article").order_by("-published_at", "-id")
    )
    meta = metadata.site_page(
        request,
        "Corrections",
        f"Every correction {settings.NEWSROOM_NAME} has made to its published articles.",
    )
    return render(request, "articles/corrections.html", {"corrections": items[:200], "meta": meta})


def _listing(request, template, context, articles):
    batch = seek_request(request, articles.for_listing(), settings.NEWSROOM_FEED_BATCH)
    return render(request, template, {**context, "batch": batch})


@depends_on(lambda slug: [Section.cache_tag(slug)])
def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=section)
    meta = metadata.section_page(request, section)
    return _listing(request, "articles/section.html", {"section": section, "meta": meta}, articles)


@depends_on(lambda slug: [tag_cache_tag(slug)])
def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    if not articles.exists():
        raise Http404("No published article has this tag.")  # a draft's tags stay private
    meta = metadata.tag_page(request, tag)
    return _listing(request, "articles/tag.html", {"tag": tag, "meta": meta}, articles)


@depends_on(lambda slug: [Author.cache_tag(slug)])
def author(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().filter(credits__author=author)
    meta = metadata.author_page(request, author)
    return _listing(request, "articles/author.html", {"author": author, "meta": meta}, articles)


def search(request):
    query_text, truncated = article_search.clean_query(request.GET.get("q", ""))
    number = article_search.page_number(request.GET.get("page"))
    results = (
        article_search.page_of(article_search.search_articles(query_text), number)
        if query_text
        else None
    )
    context = {
        "query": query_text,
        "truncated": truncated,
        "results": results,
        "max_query_length": article_search.MAX_QUERY_LENGTH,
        "meta": metadata.search_page(request, query_text),
    }
    return render(request, "search/results.html", context)
