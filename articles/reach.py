"""How readers and machines find the newsroom: head metadata, JSON-LD, feed links, the
section navigation and the Related and Latest blocks. Plain functions the page templates
call; every article query starts from Article.objects.published()."""

from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.utils.text import Truncator

from articles import crops, structured_data
from articles.models import Article, Author, Section
from articles.structured_data import absolute_url_builder
from newsroom.links import reverse

LATEST_COUNT = 5
RELATED_COUNT = 4
DESCRIPTION_CHARS = 200
DEFAULT_IMAGE = ("img/og-default.png", 1200, 630)


def _feed_links(name, rss, atom, slug=None):
    args = [slug] if slug else []
    return [
        {"title": f"{name} (RSS)", "type": "application/rss+xml", "href": reverse(rss, args)},
        {"title": f"{name} (Atom)", "type": "application/atom+xml", "href": reverse(atom, args)},
    ]


def page_meta(context):
    """Title, description, canonical URL, image and feeds of the page being rendered.

    `context` is any mapping of the page's variables (`in`, `[]` and `.get`)."""
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
            tags=[tag.name for tag in article.tag_list],
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


def seo_meta(context):
    """Everything the head's canonical, Open Graph, Twitter and feed tags show, with
    absolute URLs; None for a page rendered without a request (the error pages)."""
    request = context.get("request")
    if request is None:
        return None
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


def article_json_ld(request, article):
    """The article's NewsArticle data as a `<script>` element, safe to print as it is."""
    absolute = absolute_url_builder(request)
    return structured_data.json_ld_script(structured_data.news_article(article, absolute))


def news_feed_json_ld(request, entries):
    """The News Feed's WebSite and ItemList data as a `<script>` element."""
    absolute = absolute_url_builder(request)
    return structured_data.json_ld_script(structured_data.news_feed(entries, absolute))


def site_sections():
    """The sections the navigation links, in their own order."""
    return list(Section.objects.all())


def related_articles(article):
    return Article.objects.published().for_links().related_to(article, RELATED_COUNT)


def latest_articles(article=None):
    articles = Article.objects.published().for_links()
    if article is not None:
        articles = articles.exclude(pk=article.pk)
    return list(articles.order_by("-published_at", "-id")[:LATEST_COUNT])
