"""Full-text search over published articles, on PostgreSQL's own search.

The stored, GIN-indexed `Article.search_document` weighs the headline over the standfirst
over the body. Results rank by relevance, decayed by age, so a fresh story beats an
equally relevant one from years ago. Pages are bounded: no reader needs page 500, and
deep OFFSETs are where full-text search gets expensive.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, FloatField, Func, TextField, Value
from django.db.models.functions import Concat, Now
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from lib.params import whole_number

from .models import Article

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 10
MAX_PAGES = 20
# A story this many days old counts half as much as an equally relevant one today.
HALF_LIFE_DAYS = 30
SEARCH_CONFIG = "english"
# Private-use characters mark the hits; they are swapped for <mark> after escaping.
HIT_START, HIT_STOP = "\ue000", "\ue001"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + HIT_START + HIT_STOP + "]")


def clean_query(raw):
    """The reader's query, normalised, cut to MAX_QUERY_LENGTH; and whether it was cut."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text[:MAX_QUERY_LENGTH].strip(), len(text) > MAX_QUERY_LENGTH


def highlight(fragment):
    """Escape a headline or snippet from PostgreSQL and turn its hit markers into <mark>."""
    # Tags stripped from the body leave runs of spaces behind.
    text = escape(" ".join(html.unescape(fragment or "").split()))
    return mark_safe(text.replace(HIT_START, "<mark>").replace(HIT_STOP, "</mark>"))


class _AgeInDays(Func):
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    output_field = FloatField()


class _PlainText(Func):
    """The body without its HTML tags, so snippets never cut a tag in half."""

    template = "regexp_replace(%(expressions)s, '<[^>]*>', ' ', 'g')"
    output_field = TextField()


RANKED_CANDIDATES = 1000


def search_articles(query_text):
    """Published articles matching the query, best first, with highlighted text."""
    query = SearchQuery(query_text, config=SEARCH_CONFIG, search_type="websearch")
    options = {
        "config": SEARCH_CONFIG,
        "start_sel": HIT_START,
        "stop_sel": HIT_STOP,
    }
    relevance = SearchRank(F("search_document"), query, normalization=Value(32))
    age = _AgeInDays(Now() - F("published_at"))
    # Rank only the newest matches: a common word matches most of the archive, and ranking
    # all of it would make one search cost seconds. Older stories still rank among these.
    candidates = (
        Article.objects.published()
        .filter(search_document=query)
        .order_by("-published_at", "-id")
        .values("pk")[:RANKED_CANDIDATES]
    )
    return (
        Article.objects.filter(pk__in=candidates)
        .select_related("section")
        .only("headline", "slug", "standfirst", "published_at", "section__name", "section__slug")
        .annotate(
            score=relevance * Value(HALF_LIFE_DAYS) / (Value(HALF_LIFE_DAYS) + age),
            headline_hits=SearchHeadline("headline", query, highlight_all=True, **options),
            snippet=SearchHeadline(
                Concat("standfirst", Value(" "), _PlainText("body"), output_field=TextField()),
                query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
        .order_by("-score", "-published_at", "-id")
    )


@dataclass(frozen=True)
class Results:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_number(self):
        return self.number - 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def start_index(self):
        return (self.number - 1) * PAGE_SIZE + 1


def page_of(queryset, number):
    """One page of results, fetching one extra row to know whether another page follows."""
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    for row in rows:
        row.headline_html = highlight(row.headline_hits)
        row.snippet_html = highlight(row.snippet)
    return Results(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE and number < MAX_PAGES)


def page_number(value):
    if value in (None, ""):
        return 1
    number = whole_number(value)
    if number is None or not 1 <= number <= MAX_PAGES:
        raise Http404("No such page of results.")
    return number
