"""RSS 2.0 and Atom feeds of articles: those of a section, a tag or an author.

Built on django.contrib.syndication. Each item carries every author, published and updated
times, a stable guid that survives slug changes, and the lead photo with its credit.
"""

import functools
import mimetypes
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from taggit.models import Tag, TaggedItem

from photos import crops

from . import body as body_markup
from .models import Article, ArticleAuthor, Author, Section, tag_cache_tag

FEED_LENGTH = 50
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS = "http://search.yahoo.com/mrss/"


@functools.lru_cache(maxsize=8)
def _guid_namespace(publication):
    return uuid.uuid5(uuid.NAMESPACE_URL, f"newsroom:{publication}")


def item_guid(kind, pk):
    """A guid that never changes with the headline, slug or host name."""
    namespace = _guid_namespace(settings.NEWSROOM_PUBLICATION_NAME)
    return uuid.uuid5(namespace, f"{kind}:{pk}").urn


@functools.lru_cache(maxsize=4096)
def _stored_size(storage, name):
    """A photo file's size, asked of the storage once per process: every upload gets a
    new name, so a name's size never changes (an object store answers each question
    with a request, and a feed would ask fifty)."""
    return storage.size(name)


def _photo_details(lead):
    """What a feed says about a lead photo; URLs are site-relative until get_feed."""
    photo = lead.photo
    try:
        length = _stored_size(photo.image.storage, photo.image.name)
    except OSError:  # a missing file must not break the feed (and is asked again)
        return None
    width, height = crops.crop_size(photo, "16x9")
    return {
        "url": photo.image.url,
        "length": str(length),
        "type": mimetypes.guess_type(photo.image.name)[0] or "image/jpeg",
        "crop_url": crops.crop_url(photo, "16x9"),
        "crop_width": str(width),
        "crop_height": str(height),
        "caption": lead.text,
        "credit": lead.credit,
    }


class _MediaMixin:
    """Writes every author and the lead photo as Media RSS, in either format."""

    def add_photo(self, handler, item):
        photo = item.get("photo")
        if not photo:
            return
        handler.startElement(
            "media:content",
            {
                "url": photo["crop_url"],
                "medium": "image",
                "type": "image/jpeg",
                "width": photo["crop_width"],
                "height": photo["crop_height"],
            },
        )
        if photo["caption"]:
            handler.addQuickElement("media:description", photo["caption"], {"type": "plain"})
        if photo["credit"]:
            handler.addQuickElement("media:credit", photo["credit"], {"role": "photographer"})
        handler.endElement("media:content")


class NewsroomRssFeed(_MediaMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _link in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        # RSS has no per-item update time of its own; Atom's element is the common answer.
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        self.add_photo(handler, item)


class NewsroomAtomFeed(_MediaMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if link:
                handler.addQuickElement("uri", link)
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        self.add_photo(handler, item)


class NewsroomFeed(Feed):
    """Shared item fields; subclasses say which items."""

    feed_type = NewsroomRssFeed
    item_guid_is_permalink = False

    @property
    def language(self):
        return settings.LANGUAGE_CODE

    def feed_copyright(self):
        return f"© {settings.NEWSROOM_PUBLICATION_NAME}"

    def get_feed(self, obj, request):
        """Make the site-relative URLs that Django leaves alone absolute."""
        feed = super().get_feed(obj, request)
        domain = get_current_site(request).domain
        secure = request.is_secure()

        def absolute(url):
            return add_domain(domain, url, secure) if url else url

        for item in feed.items:
            item["authors"] = [(name, absolute(link)) for name, link in item["authors"]]
            if callable(item.get("content")):  # the full body, its images' URLs made absolute
                item["content"] = str(item["content"](absolute))
            photo = item.get("photo")
            if photo:
                photo["url"] = absolute(photo["url"])
                photo["crop_url"] = absolute(photo["crop_url"])
                item["enclosures"] = [Enclosure(photo["url"], photo["length"], photo["type"])]
        return feed

    # Articles

    def article_items(self, articles):
        # The newest ids through a narrow query (a tag's or an author's thousands of
        # articles are sorted as ids and times, not whole rows), then those rows whole.
        newest = articles.order_by("-published_at", "-id").values("pk")[:FEED_LENGTH]
        items = Article.objects.filter(pk__in=newest).for_page().order_by("-published_at", "-id")
        return body_markup.parts_of_many(items)  # every body's photos and embeds at once

    def item_title(self, item):
        return item.headline

    def item_link(self, item):
        return item.get_absolute_url()

    def item_description(self, item):
        return item.description

    def item_guid(self, item):
        return item_guid("article", item.pk)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.date_modified

    def item_categories(self, item):
        return [item.section.name, *(tag.name for tag in item.tag_list)]

    def item_extra_kwargs(self, item):
        lead = item.lead_photo
        return {
            "authors": [(author.name, author.get_absolute_url()) for author in item.byline],
            "content": item.absolute_body_html,
            "photo": _photo_details(lead) if lead else None,
        }


class AtomMixin:
    feed_type = NewsroomAtomFeed

    def subtitle(self, obj):
        return self.description(obj)


class SectionFeedRss(NewsroomFeed):
    page_cache_tags = staticmethod(lambda slug: [Section.cache_tag(slug)])

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: {section.name}"

    def description(self, section):
        return section.description or f"The latest {section.name} articles."

    def link(self, section):
        return section.get_absolute_url()

    def items(self, section):
        return self.article_items(Article.objects.published().filter(section=section))


class SectionFeedAtom(AtomMixin, SectionFeedRss):
    pass


class TagFeedRss(NewsroomFeed):
    page_cache_tags = staticmethod(lambda slug: [tag_cache_tag(slug)])

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.published().filter(tags=tag).exists():
            raise Http404("No published article has this tag.")  # a draft's tags stay private
        return tag

    def title(self, tag):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: {tag.name}"

    def description(self, tag):
        return f"Articles about {tag.name}."

    def link(self, tag):
        return reverse("articles:tag", args=[tag.slug])

    def items(self, tag):
        # EXISTS, not a join through the tag manager: its join casts the tagged item's
        # object_id, which keeps PostgreSQL from walking the newest articles and probing
        # the tagged items' unique index for each.
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=OuterRef("pk"),
            tag=tag,
        )
        return self.article_items(Article.objects.published().filter(Exists(tagged)))


class TagFeedAtom(AtomMixin, TagFeedRss):
    pass


class AuthorFeedRss(NewsroomFeed):
    page_cache_tags = staticmethod(lambda slug: [Author.cache_tag(slug)])

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{settings.NEWSROOM_PUBLICATION_NAME}: {author.name}"

    def description(self, author):
        return f"Articles by {author.name}."

    def link(self, author):
        return author.get_absolute_url()

    def items(self, author):
        credited = ArticleAuthor.objects.filter(article=OuterRef("pk"), author=author)
        return self.article_items(Article.objects.published().filter(Exists(credited)))


class AuthorFeedAtom(AtomMixin, AuthorFeedRss):
    pass
