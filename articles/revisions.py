"""Readable differences between two revisions of an article, word by word."""

import difflib
import re

from django.utils.html import format_html, format_html_join

from .text import plain_text


def _lead_photo(content):
    lead = content.get("lead")
    return lead["photo_label"] if lead else ""


def _caption(content):
    lead = content.get("lead")
    return lead["caption"] if lead else ""


# (key in the revision's content, label, how to read it as text)
FIELDS = [
    ("headline", "Headline", lambda content: content["headline"]),
    ("slug", "Slug", lambda content: content["slug"]),
    ("standfirst", "Standfirst", lambda content: content["standfirst"]),
    ("body", "Body", lambda content: plain_text(content["body"])),
    ("authors", "Authors", lambda content: ", ".join(name for _id, name in content["authors"])),
    ("tags", "Tags", lambda content: ", ".join(content["tags"])),
    ("lead", "Lead photo", _lead_photo),
    ("lead", "Caption", _caption),
    ("status", "Status", lambda content: content["status"]),
]
# An autosaved draft is a revision whose content carries this key: what someone typed
# and has not saved yet. It is never the article's text; the saves are the other revisions.
DRAFT_KEY = "draft"


def saved(article):
    """The article's revisions made by saves, newest first (autosaved drafts left out)."""
    return article.revisions.exclude(content__has_key=DRAFT_KEY)


def drafts(article):
    """The article's autosaved drafts, newest first."""
    return article.revisions.filter(content__has_key=DRAFT_KEY)


# Commas are words of their own, so lists of authors and tags differ item by item.
_TOKEN = re.compile(r"\s+|,|[^\s,]+")


def _words(value):
    return _TOKEN.findall(str(value or ""))


def diff_html(old, new):
    """The new text with deletions in <del> and insertions in <ins>, escaped."""
    before, after = _words(old), _words(new)
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
    """One row per field that differs: (label, marked-up difference). Revisions made
    before authors, tags and the lead photo were kept show no change for those."""
    rows = []
    for key, label, read in FIELDS:
        if key not in old_revision.content or key not in new_revision.content:
            continue
        old, new = read(old_revision.content), read(new_revision.content)
        if old != new:
            rows.append((label, diff_html(old, new)))
    return rows
