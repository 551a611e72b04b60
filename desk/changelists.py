"""The desk's lists at archive scale: what a change list reads, counts and searches.

Django's change list counts the rows twice (the filtered list and the whole table), loads
every column of every row it shows (an article's body included) and searches with
`LIKE '%word%'` over every search field, which reads the whole table at 100,000 articles.
`DeskChangeListMixin` counts once, leaves the named columns unread and, when the model has
a full-text search document, searches that through its GIN index, as readers' search does.
The date drill-down (which reads every row's date to list the years) is replaced by the
date filter in `list_filter`.
"""

import re

from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

SEARCH_CONFIG = "english"
# Words as the search parser takes them; anything else would be tsquery syntax.
_WORD = re.compile(r"\w+")
MAX_SEARCH_WORDS = 8
# A search counts its matches up to this many: a common word matches most of the archive,
# and counting all of them would cost more than finding the first page.
SEARCH_COUNT_LIMIT = 1000


class AtLeast(int):
    """A count that stopped at its limit: shown as "1000+"."""

    def __str__(self):
        return f"{int(self)}+"


class BoundedPaginator(Paginator):
    """Counts the rows up to `limit` (then says "limit+"), never the whole match."""

    limit = SEARCH_COUNT_LIMIT

    @cached_property
    def count(self):
        found = self.object_list.order_by()[: self.limit + 1].count()
        return AtLeast(self.limit) if found > self.limit else found


def prefix_query(search_term, config=SEARCH_CONFIG):
    """A full-text query matching every word of `search_term` as a word or a word's start
    (so "rescu" finds "rescuers" while the editor is still typing); None when it has none."""
    words = _WORD.findall(search_term.lower())[:MAX_SEARCH_WORDS]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=config, search_type="raw")


class DeskChangeList(ChangeList):
    """A change list that does not read the columns its model admin defers, and fetches
    the relations it names in `list_prefetch` for the page's rows alone."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        deferred = getattr(self.model_admin, "list_deferred", ())
        if deferred:
            queryset = queryset.defer(*deferred)
        prefetched = getattr(self.model_admin, "list_prefetch", ())
        if prefetched:
            # A join under ORDER BY … LIMIT makes PostgreSQL sort every row of the table
            # instead of keeping the page's best few: join the page's rows afterwards.
            queryset = queryset.select_related(None).prefetch_related(*prefetched)
        return queryset


class DeskChangeListMixin:
    """For a ModelAdmin whose list runs to hundreds of thousands of rows.

    `list_deferred` names the large columns no list column shows; `list_prefetch` the
    relations the list shows, fetched for the page's rows after it is found. `search_document` names
    a stored, GIN-indexed search vector; the search box then looks there (plus
    `exact_search_fields`, matched whole through their unique indexes) instead of in
    `search_fields` with LIKE. `related_search`, a (relation, search document) pair, adds
    the rows whose related row matches in full text (a feed entry whose article does), among
    the newest SEARCH_COUNT_LIMIT such related rows, so a common word costs no more than a
    rare one."""

    show_full_result_count = False
    # Rendering the rows is most of a list's time: a page of 50 answers twice as fast as
    # Django's 100, and a newsroom's list is read from the top.
    list_per_page = 50
    list_deferred = ()
    list_prefetch = ()
    search_document = None
    exact_search_fields = ()
    related_search = None

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def action_checkbox(self, obj):
        """Django's row checkbox, the same markup, without a widget template per row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = request is not None and request.GET.get(SEARCH_VAR, "").strip()
        paginator = BoundedPaginator if searching else Paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        if self.related_search and not self.search_document:
            return self._search_with_related(request, queryset, search_term)
        if not self.search_document:
            return super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        query = prefix_query(term)
        matches = Q(pk__in=[]) if query is None else Q(**{self.search_document: query})
        for field in self.exact_search_fields:
            matches |= Q(**{field: term})
        if term.isascii() and term.isdigit():
            matches |= Q(pk=int(term))
        return queryset.filter(matches), False

    def _search_with_related(self, request, queryset, search_term):
        own, duplicates = super().get_search_results(request, queryset, search_term)
        query = prefix_query(search_term)
        if query is None:
            return own, duplicates
        relation, document = self.related_search
        related = queryset.model._meta.get_field(relation).related_model
        matching = (
            related._default_manager.filter(**{document: query})
            .order_by(*related._meta.ordering or ["-pk"])
            .values("pk")[:SEARCH_COUNT_LIMIT]
        )
        return own | queryset.filter(**{f"{relation}__in": matching}), duplicates
