"""Readable differences between two revisions of an article, word by word."""

import difflib
import re

from django.utils.html import format_html, format_html_join

from .text import plain_text

FIELDS = [("headline", "Headline"), ("slug", "Slug"), ("standfirst", "Standfirst"),
          ("body", "Body"), ("status", "Status")]  # fmt: skip
_TOKEN = re.compile(r"\s+|[^\s]+")


def _words(value, field):
    value = plain_text(value) if field == "body" else str(value or "")
    return _TOKEN.findall(value)


def diff_html(old, new, field):
    """The new text with deletions in <del> and insertions in <ins>, escaped."""
    before, after = _words(old, field), _words(new, field)
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("{}", "".join(before[a1:a2])))
        if op in ("delete", "replace"):
            parts.append(("<del>{}</del>", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))


def compare(old_revision, new_revision):
    """One row per field that differs: (label, marked-up difference)."""
    rows = []
    for field, label in FIELDS:
        old, new = old_revision.content.get(field), new_revision.content.get(field)
        if old != new:
            rows.append((label, diff_html(old, new, field)))
    return rows
