"""schema.org JSON-LD for articles, and its safe embedding in HTML.

Builders take `absolute`, a function from a site path to a full URL, so they need no
request and tests can call them directly.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from photos import crops

from . import body as body_markup
from .models import Genre

# Inside <script>, "</script>" or "<!--" in a headline would end the block early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
LOGO = ("img/logo.png", 600, 60)
# Google shows at most this many characters of a headline.
HEADLINE_LIMIT = 110
# The schema.org type of each genre of article.
GENRE_TYPES = {
    Genre.NEWS: "NewsArticle",
    Genre.ANALYSIS: "AnalysisNewsArticle",
    Genre.OPINION: "OpinionNewsArticle",
}


def json_ld_script(data):
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(encoded))


def _time(value):
    # Whole seconds, as on the page: HTML allows at most three decimals there.
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else None


def publisher(absolute):
    path, width, height = LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_PUBLICATION_NAME,
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static(path)),
            "width": width,
            "height": height,
        },
    }


def lead_images(lead, absolute):
    """The lead photo in the three ratios search engines ask for, each with its credit."""
    photo = lead.photo
    images = []
    for ratio in crops.RATIOS:
        width, height = crops.crop_size(photo, ratio)
        image = {
            "@type": "ImageObject",
            "url": absolute(crops.crop_url(photo, ratio)),
            "contentUrl": absolute(crops.crop_url(photo, ratio)),
            "width": width,
            "height": height,
        }
        if lead.text:
            image["caption"] = lead.text
        if lead.credit:
            image["creditText"] = lead.credit
        images.append(image)
    return images


def news_article(article, absolute):
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": GENRE_TYPES.get(article.genre, "NewsArticle"),
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.headline[:HEADLINE_LIMIT],
        "datePublished": _time(article.published_at),
        "dateModified": _time(article.date_modified),
        "inLanguage": settings.LANGUAGE_CODE,
        "articleSection": article.section.name,
        "wordCount": article.word_count,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.byline
        ],
        "publisher": publisher(absolute),
    }
    data["description"] = article.description
    keywords = [tag.name for tag in article.tag_list]
    if keywords:
        data["keywords"] = keywords
    lead = article.lead_photo
    images = lead_images(lead, absolute) if lead else []
    images += body_markup.image_objects(article.body_parts, absolute)  # inline photos too
    if images:
        data["image"] = images
    videos = body_markup.video_objects(article.body_parts, absolute)
    if videos:
        data["video"] = videos
    return data
