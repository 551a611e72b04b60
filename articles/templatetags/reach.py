"""How readers and machines find the newsroom: head metadata, JSON-LD, feed links, and
the Related and Latest blocks. Every query starts from Article.objects.published()."""

import functools
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import Truncator

from articles import crops, structured_data
from articles.models import Article, Author, Section
from articles.structured_data import absolute_url_builder

register = template.Library()

LATEST_COUNT = 5
RELATED_COUNT = 4
DESCRIPTION_CHARS = 200
DEFAULT_IMAGE = ("img/og-default.png", 1200, 630)


def _feed_links(name, rss, atom, slug=None):
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    urls = _feed_urls(urlconf, get_script_prefix(), rss, atom, slug)
    return [
        {"title": f"{name} (RSS)", "type": "application/rss+xml", "href": urls[0]},
        {"title": f"{name} (Atom)", "type": "application/atom+xml", "href": urls[1]},
    ]


# Every page links the same few feeds; reversing them once per process is enough.
@functools.lru_cache(maxsize=1024)
def _feed_urls(urlconf, prefix, rss, atom, slug):
    args = [slug] if slug else []
    return reverse(rss, args=args, urlconf=urlconf), reverse(atom, args=args, urlconf=urlconf)


def page_meta(context):
    """Title, description, canonical URL, image and feeds of the page being rendered."""
    request = context["request"]
    site = settings.NEWSROOM_NAME
    path, width, height = DEFAULT_IMAGE
    meta = {
        "type": "website",
        "title": site,
        "description": f"The latest news from {site}.",
        "canonical": request.path,
        "robots": "",
        "image": static(path),
        "image_width": width,
        "image_height": height,
        "image_alt": site,
        "feeds": _feed_links(f"{site}: News Feed", "feed-rss", "feed-atom"),
    }
    before = request.GET.get("before")
    if before:
        # An older batch is a page of its own (the listing marks it noindex itself).
        meta["canonical"] = f"{request.path}?{urlencode({'before': before})}"

    if "exception" in context and "request_path" in context:  # the 404 page
        meta.update(title=f"Page not found · {site}", canonical="", robots="noindex")
        return meta

    article, entry = context.get("article"), context.get("entry")
    section, tag, author = context.get("section"), context.get("tag"), context.get("author")
    if isinstance(article, Article):
        meta.update(
            type="article",
            title=article.headline,
            description=article.standfirst or article.headline,
            canonical=article.get_absolute_url(),
            article=article,
            tags=[tag.name for tag in article.tags.all()],
        )
        lead = article.lead_photo
        if lead:
            image_width, image_height = crops.crop_size(lead.photo, "16x9")
            meta.update(
                image=crops.crop_url(lead.photo, "16x9"),
                image_width=image_width,
                image_height=image_height,
                image_alt=lead.photo.alt_text or article.headline,
            )
    elif entry is not None and hasattr(entry, "link"):
        meta.update(
            type="article",
            title=entry.title,
            description=entry.text or entry.title,
            canonical=entry.get_absolute_url(),
        )
    elif isinstance(section, Section):
        meta.update(title=section.name, description=section.description or meta["description"])
        meta["feeds"] += _feed_links(section.name, "section-rss", "section-atom", section.slug)
    elif tag is not None and context.get("batch") is not None:
        meta.update(title=tag.name, description=f"Articles about {tag.name} from {site}.")
        meta["feeds"] += _feed_links(tag.name, "tag-rss", "tag-atom", tag.slug)
    elif isinstance(author, Author):
        meta.update(title=author.name, description=author.bio or f"Articles by {author.name}.")
        meta["feeds"] += _feed_links(author.name, "author-rss", "author-atom", author.slug)
    elif "max_query_length" in context:  # the search page
        query = context.get("query")
        meta.update(title=f"Search: {query}" if query else "Search", description=f"Search {site}.")
        if query:
            meta["canonical"] = f"{reverse('search')}?{urlencode({'q': query})}"
            meta["robots"] = "noindex, follow"
    elif "pinned" in context:
        meta.update(title="News Feed", description=f"The latest news updates from {site}.")

    meta["description"] = Truncator(" ".join(meta["description"].split())).chars(DESCRIPTION_CHARS)
    return meta


@register.inclusion_tag("includes/_seo.html", takes_context=True)
def seo_head(context):
    request = context.get("request")
    if request is None:  # error pages rendered without a request
        return {}
    absolute = absolute_url_builder(request)
    meta = page_meta(context)
    meta["url"] = absolute(meta["canonical"] or request.path)
    if meta["canonical"]:
        meta["canonical"] = absolute(meta["canonical"])
    meta["image"] = absolute(meta["image"])
    meta["site_name"] = settings.NEWSROOM_NAME
    meta["locale"] = settings.LANGUAGE_CODE.replace("-", "_")
    article = meta.get("article")
    if article is not None:
        meta["authors"] = [absolute(author.get_absolute_url()) for author in article.byline]
    return meta


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    absolute = absolute_url_builder(context["request"])
    return structured_data.json_ld_script(structured_data.news_article(article, absolute))


@register.simple_tag(takes_context=True)
def news_feed_json_ld(context, entries):
    absolute = absolute_url_builder(context["request"])
    return structured_data.json_ld_script(structured_data.news_feed(entries, absolute))


# What the Related and Latest blocks never show: the two largest columns of an article.
UNSHOWN_COLUMNS = ("body", "search_document")


@register.inclusion_tag("articles/_related.html")
def related_articles(article):
    related = Article.objects.published().defer(*UNSHOWN_COLUMNS)
    return {"articles": related.related_to(article, RELATED_COUNT)}


@register.inclusion_tag("articles/_latest.html")
def latest_articles(article=None):
    articles = Article.objects.published().defer(*UNSHOWN_COLUMNS).select_related("section")
    if article is not None:
        articles = articles.exclude(pk=article.pk)
    return {"articles": articles.order_by("-published_at", "-id")[:LATEST_COUNT]}
