"""Edit conflicts: someone saved the article after this person opened the form.

The form refuses the stale save (ArticleAdminForm.refuse_edit_conflict) and shows the
person's own text again. Beside it, this module shows what the other person changed,
field by field, since the version the form was opened on, and the person's text compared
with the saved one. The form then carries the saved version, so saving again keeps the
person's text, knowingly, over the other save.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import revisions
from articles.models import Article
from articles.text import plain_text

CONFLICT_CODE = "edit_conflict"
# The fields the form holds as text, so the person's unsaved value can be compared.
FORM_TEXT = {"Headline": "headline", "Slug": "slug", "Standfirst": "standfirst", "Body": "body"}


def has_conflict(form):
    return any(error.code == CONFLICT_CODE for error in form.non_field_errors().as_data()) and bool(
        form.data.get("loaded_version")
    )


def _opened_version(article, loaded_version):
    """The saved revision the form was opened on: the one its version's save recorded."""
    at = parse_datetime(loaded_version or "")
    if at is None:
        return None
    return revisions.saved(article).filter(saved_at__gte=at).order_by("saved_at", "id").first()


def _readable(label, value):
    return plain_text(value) if label == "Body" else (value or "")


def conflict(article, data):
    """What the change form shows of a conflict: who saved when, and one row per field
    that either side changed, with the other person's change and the person's text."""
    latest = revisions.saved(article).select_related("saved_by").first()
    if latest is None:
        return None
    opened = _opened_version(article, data.get("loaded_version"))
    base = opened.content if opened is not None and opened.pk != latest.pk else None
    rows = []
    for key, label, read in revisions.FIELDS:
        if key not in latest.content:
            continue
        theirs = read(latest.content)
        before = read(base) if base is not None and key in base else None
        name = FORM_TEXT.get(label)
        yours = _readable(label, data.get(name, "")) if name else None
        changed_by_them = before is not None and before != theirs
        changed_by_you = yours is not None and yours != theirs
        if not (changed_by_them or changed_by_you):
            continue
        rows.append(
            {
                "label": label,
                # The form field their value can be copied into, and the value itself.
                "field": name,
                "their_value": latest.content.get(name, "") if name else "",
                "theirs": revisions.diff_html(before, theirs) if changed_by_them else theirs,
                "changed_by_them": changed_by_them,
                "yours": revisions.diff_html(theirs, yours) if changed_by_you else None,
            }
        )
    who = latest.saved_by
    return {
        "who": (who.get_full_name() or who.get_username()) if who else "Someone else",
        "at": timezone.localtime(latest.saved_at),
        "rows": rows,
        "compared_with_opened": base is not None,
    }


def current_version(article):
    return Article.objects.filter(pk=article.pk).values_list("modified_at", flat=True).first()


class ConflictAdmin:
    """Article admin: a refused stale save shows the other person's changes beside the
    person's own text, and the next save may knowingly keep the person's version."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None and obj.pk and form.is_bound and has_conflict(form):
            context["edit_conflict"] = conflict(obj, form.data)
            version = current_version(obj)
            if version is not None:
                form.data = form.data.copy()
                form.data["loaded_version"] = version.isoformat()
        return super().render_change_form(request, context, add, change, form_url, obj)
