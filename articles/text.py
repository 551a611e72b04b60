"""Pure functions that derive stored values from an article's text."""

import html
import math
import re

import nh3

# What an article body may contain. Everything else is removed on save.
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "a", "strong", "em", "blockquote",
    "ul", "ol", "li", "figure", "figcaption", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def sanitize_html(value):
    """Keep only the allowlisted tags, attributes and link schemes."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(value):
    """The readable text of an HTML fragment, with tags turned into spaces."""
    without_tags = _TAG.sub(" ", nh3.clean(value or "", tags=ALLOWED_TAGS))
    return " ".join(html.unescape(without_tags).split())


def count_words(value):
    return len(_WORD.findall(plain_text(value)))


def reading_minutes(words, words_per_minute):
    """Whole minutes to read `words`, rounded up, never less than one."""
    return max(1, math.ceil(words / words_per_minute))
