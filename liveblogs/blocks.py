"""What the article page of a live blog shows, offered to the page's templates as Jinja
globals (newsroom.jinja2): articles sit below the live blogs and never ask for them."""

import jinja2

from articles import structured_data as article_structured_data
from lib import links

from . import stream, structured_data


def _stream(context, article):
    """The article's stream, worked out once a page (the head's data and the body both
    show it)."""
    found = getattr(article, "_live_stream", None)
    if found is None:
        found = stream.stream_of(article, context["request"])
        article._live_stream = found
    return found


@jinja2.pass_context
def live_blog(context, article):
    """The stream under a live blog's body (None for any other article)."""
    if not article.is_live_blog:
        return None
    return _stream(context, article)


@jinja2.pass_context
def live_blog_json_ld(context, article):
    """A live blog's LiveBlogPosting data as a `<script>` element; any other article's
    NewsArticle (or its genre's type)."""
    absolute = links.absolute_url_builder(context["request"])
    found = _stream(context, article) if article.is_live_blog else None
    if found is None:
        data = article_structured_data.news_article(article, absolute)
    else:
        data = structured_data.live_blog_posting(found, absolute)
    return article_structured_data.json_ld_script(data)
