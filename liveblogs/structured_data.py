"""schema.org JSON-LD of a live blog: a LiveBlogPosting with its coverage times and its
updates as BlogPostings."""

from django.conf import settings

from articles.structured_data import HEADLINE_LIMIT, _time, news_article, publisher
from photos import crops

from .models import text_summary


def blog_posting(update, url, absolute):
    """One update, addressed by its anchor on the live blog's page."""
    author = (
        {
            "@type": "Person",
            "name": update.author.name,
            "url": absolute(update.author.get_absolute_url()),
        }
        if update.author_id
        else {"@type": "Organization", "name": settings.NEWSROOM_PUBLICATION_NAME}
    )
    data = {
        "@type": "BlogPosting",
        "@id": f"{url}#{update.anchor}",
        "url": f"{url}#{update.anchor}",
        "headline": (update.headline or text_summary(update.body))[:HEADLINE_LIMIT],
        "datePublished": _time(update.published_at),
        "dateModified": _time(update.date_modified),
        "author": author,
        "articleBody": text_summary(update.body, words=200),
        "publisher": publisher(absolute),
    }
    if update.photo_id:
        data["image"] = absolute(crops.crop_url(update.photo, "16x9"))
    return data


def live_blog_posting(stream, absolute):
    """The article as a LiveBlogPosting: its own fields, the coverage times (the end
    once the editor ends the coverage) and the updates the page shows."""
    blog = stream.blog
    data = news_article(blog.article, absolute)
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = _time(blog.coverage_start)
    if blog.coverage_end:
        data["coverageEndTime"] = _time(blog.coverage_end)
    url = data["url"]
    updates = list(stream.batch)
    data["liveBlogUpdate"] = [blog_posting(update, url, absolute) for update in updates]
    if updates:
        latest = max(update.date_modified for update in updates)
        data["dateModified"] = max(data["dateModified"], _time(latest))
    return data
