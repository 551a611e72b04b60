"""What each public page says of itself in its head: title, description, canonical URL,
robots, the social-card image and the feeds to discover.

Each view gives its template one `PageMeta` as `meta`, built here from the object it shows;
`base.html` prints it. Nothing is guessed from the rest of the template's context.
"""

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.utils.text import Truncator

from lib.links import absolute_url_builder, reverse
from photos import crops

from .models import DESCRIPTION_CHARS

DEFAULT_IMAGE = ("img/og-default.png", 1200, 630)


def feed_links(name, rss, atom, slug=None):
    args = [slug] if slug else []
    return [
        {"title": f"{name} (RSS)", "type": "application/rss+xml", "href": reverse(rss, args)},
        {"title": f"{name} (Atom)", "type": "application/atom+xml", "href": reverse(atom, args)},
    ]


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str = ""  # a site path; empty for pages that have none (a 404)
    type: str = "website"
    robots: str = ""
    image: str = ""
    image_width: int = DEFAULT_IMAGE[1]
    image_height: int = DEFAULT_IMAGE[2]
    image_alt: str = ""
    feeds: list = field(default_factory=list)
    article: object = None

    @property
    def document_title(self):
        """The browser tab's title: the page's own, then the outlet's name."""
        site = settings.NEWSROOM_NAME
        return self.title if self.title == site else f"{self.title} · {site}"

    @property
    def summary(self):
        return Truncator(" ".join(self.description.split())).chars(DESCRIPTION_CHARS)

    def with_feeds(self, *links):
        return replace(self, feeds=[*self.feeds, *links])

    def for_head(self, request):
        """The values the head's tags print, with absolute URLs on the canonical host."""
        absolute = absolute_url_builder(request)
        head = {
            "type": self.type,
            "title": self.title,
            "description": self.summary,
            "canonical": absolute(self.canonical) if self.canonical else "",
            "url": absolute(self.canonical or request.path),
            "robots": self.robots,
            "image": absolute(self.image or static(DEFAULT_IMAGE[0])),
            "image_width": self.image_width,
            "image_height": self.image_height,
            "image_alt": self.image_alt or settings.NEWSROOM_NAME,
            "feeds": self.feeds,
            "site_name": settings.NEWSROOM_NAME,
            "locale": settings.LANGUAGE_CODE.replace("-", "_"),
            "article": self.article,
        }
        if self.article is not None:
            head["authors"] = [
                absolute(author.get_absolute_url()) for author in self.article.byline
            ]
            head["tags"] = [tag.name for tag in self.article.tag_list]
        return head


def site_page(request, title=None, description=None, **values):
    """A page of the site itself; an older batch of a listing is a page of its own."""
    site = settings.NEWSROOM_NAME
    canonical = request.path
    before = request.GET.get("before")
    if before:
        canonical = f"{request.path}?{urlencode({'before': before})}"
    return PageMeta(
        title=title or site,
        description=description or f"The latest news from {site}.",
        canonical=values.pop("canonical", canonical),
        feeds=feed_links(f"{site}: News Feed", "feed-rss", "feed-atom"),
        **values,
    )


def article_page(request, article):
    meta = site_page(
        request,
        article.headline,
        article.description,
        type="article",
        canonical=article.get_absolute_url(),
        article=article,
    )
    lead = article.lead_photo
    # The social card shows the lead photo, or else the body's first photo.
    photo = lead.photo if lead is not None else next(iter(article.body_parts.photo_order), None)
    if photo is None:
        return meta
    width, height = crops.crop_size(photo, "16x9")
    return replace(
        meta,
        image=crops.crop_url(photo, "16x9"),
        image_width=width,
        image_height=height,
        image_alt=photo.alt_text or article.headline,
    )


def section_page(request, section):
    meta = site_page(request, section.name, section.description)
    return meta.with_feeds(*feed_links(section.name, "section-rss", "section-atom", section.slug))


def tag_page(request, tag):
    meta = site_page(request, tag.name, f"Articles about {tag.name} from {settings.NEWSROOM_NAME}.")
    return meta.with_feeds(*feed_links(tag.name, "tag-rss", "tag-atom", tag.slug))


def author_page(request, author):
    meta = site_page(request, author.name, author.bio or f"Articles by {author.name}.")
    return meta.with_feeds(*feed_links(author.name, "author-rss", "author-atom", author.slug))


def search_page(request, query):
    site = settings.NEWSROOM_NAME
    if not query:
        return site_page(request, "Search", f"Search {site}.")
    return site_page(
        request,
        f"Search: {query}",
        f"Search {site}.",
        canonical=f"{reverse('search')}?{urlencode({'q': query})}",
        robots="noindex, follow",
    )


def not_found_page(request):
    return site_page(request, "Page not found", canonical="", robots="noindex")
