"""Pure functions that derive stored values from an article's text."""

import html
import math
import re

import nh3

# What an article body may contain: exactly what the body editor offers (desk/editor.py),
# plus the plain b and i that imported copy carries. Everything else is removed on save.
ALLOWED_TAGS = {
    # text and structure
    "p", "h2", "h3", "h4", "a", "strong", "em", "b", "i", "br", "hr",
    "ul", "ol", "li", "blockquote", "cite",
    # newsroom formatting
    "s", "del", "ins", "sup", "sub", "code", "pre", "abbr", "time", "span",
    # photos, galleries and embeds, by reference (rendered by articles.body)
    "figure", "figcaption", "div",
    # tables
    "table", "caption", "thead", "tbody", "tr", "th", "td",
    # fact boxes and notes
    "aside",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "blockquote": {"cite"},
    "abbr": {"title"},
    "time": {"datetime"},
    "ol": {"start"},
    "figure": {"data-photo", "data-embed"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    # a quote in another language (Ukrainian or Russian inside English copy)
    "span": {"lang"},
    # nothing on every tag (the library would otherwise allow lang and title anywhere)
    "*": set(),
}
# Attributes that may take only these values.
ALLOWED_VALUES = {
    "span": {"dir": {"ltr", "rtl", "auto"}},
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
}
ALLOWED_CLASSES = {
    "blockquote": {"pull-quote"},
    "aside": {"fact-box", "note"},
    "div": {"gallery"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Whole numbers: a photo's or embed's number, a span of cells, a list's start.
NUMERIC_ATTRIBUTES = {"data-photo", "data-embed", "colspan", "rowspan", "start"}
_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_DATETIME = re.compile(r"[0-9T:+\-. Z]{4,35}")
# `blockquote cite` is an address: only the link schemes, like href.
_CITE_SCHEMES = re.compile(r"(?:https?://|/)", re.IGNORECASE)

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def _attribute_filter(tag, attribute, value):
    if not value.strip():  # an empty title or source says nothing
        return None
    if attribute in NUMERIC_ATTRIBUTES:
        return value if _NUMBER.fullmatch(value.strip()) else None
    if attribute == "lang":
        return value if _LANGUAGE.fullmatch(value) else None
    if attribute == "datetime":
        return value if _DATETIME.fullmatch(value) else None
    if tag == "blockquote" and attribute == "cite":
        return value if _CITE_SCHEMES.match(value) else None
    return value


def sanitize_html(value):
    """Keep only the allowlisted tags, attributes, values, classes and link schemes."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
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


def reading_minutes(words, words_per_minute, *, photos=0, embeds=0):
    """Whole minutes to read `words`, rounded up, never less than one; a reader spends
    about twelve seconds on a photo and half a minute on a video, post or chart."""
    seconds = words * 60 / words_per_minute + photos * 12 + embeds * 30
    return max(1, math.ceil(seconds / 60 - 1e-9))


def references(value, attribute):
    """The numbers in `attribute` (data-photo, data-embed) of a sanitised body, in order
    of first appearance."""
    found = re.findall(rf'{attribute}="([0-9]+)"', value or "")
    return list(dict.fromkeys(int(number) for number in found))
