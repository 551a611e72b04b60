"""The photo chooser: pick a photo by its thumbnail, caption, credit and size.

`PhotoChooser` is the admin's photo autocomplete with a "Browse photos" button beside it
and a card showing the chosen photo (thumbnail, caption, credit, size, upload date and
number) as soon as it is chosen, before anything is saved. The button opens a searchable
dialog fed by `photo_chooser_view` (JSON). Photos with the same caption are told apart by
everything else on their card.

Any admin form can use it: add `PhotoChooserFields` to a ModelAdmin's or an inline's bases
and every foreign key to Photo gets the chooser; `PhotoChooserViews` on the photo admin
serves the dialog's list.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from photos import images
from photos.models import Photo

PAGE_SIZE = 24
CHOOSER_URL_NAME = "photos_photo_chooser"


def thumbnail_url(photo):
    """The smallest JPEG the photo has, else its image."""
    jpegs = [item for item in photo.renditions or () if item.get("format") == "jpeg"]
    if jpegs:
        return images.public_url(min(jpegs, key=lambda item: item["width"])["name"])
    return photo.image.url if photo.image else ""


def describe(photo):
    """What the chooser shows of one photo."""
    uploaded = timezone.localtime(photo.uploaded_at) if photo.uploaded_at else None
    return {
        "id": photo.pk,
        "label": str(photo),
        "thumbnail": thumbnail_url(photo),
        "alt": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit or "No credit",
        "size": f"{photo.width} × {photo.height} px",
        "uploaded": f"{uploaded:%d %b %Y %H:%M}" if uploaded else "",
        "uploaded_iso": uploaded.isoformat() if uploaded else "",
    }


def card_html(photo):
    if photo is None:
        return mark_safe('<p class="photo-card photo-card--empty">No photo chosen.</p>')
    item = describe(photo)
    return format_html(
        '<figure class="photo-card" data-photo-id="{id}">'
        '<img src="{thumbnail}" alt="{alt}" width="120" class="photo-card__thumb">'
        '<figcaption><span class="photo-card__caption">{caption}</span>'
        '<span class="photo-card__credit">Credit: {credit}</span>'
        '<span class="photo-card__meta">{size} · uploaded {uploaded} · photo #{id}</span>'
        "</figcaption></figure>",
        **item,
    )


class PhotoChooser(AutocompleteSelect):
    """The photo autocomplete, with a browsing dialog and a card of the chosen photo."""

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        photo = Photo.objects.filter(pk=value).first() if str(value or "").isdigit() else None
        return format_html(
            '{}<div class="photo-chooser" data-photo-chooser="{}" data-chooser-url="{}">'
            '<button type="button" class="button photo-chooser__open" aria-haspopup="dialog" '
            'aria-controls="photo-chooser-dialog">Browse photos</button>'
            '<div class="photo-chooser__chosen" aria-live="polite">{}</div></div>',
            select,
            field_id,
            reverse(f"{self.admin_site.name}:{CHOOSER_URL_NAME}"),
            card_html(photo),
        )

    @property
    def media(self):
        return super().media + forms.Media(
            js=["desk/editing.js"], css={"all": ["desk/editing.css"]}
        )


EDITING_MEDIA = forms.Media(js=["desk/editing.js"], css={"all": ["desk/editing.css"]})


class EditingMedia:
    """For any ModelAdmin: the editing script and styles (accessible names for the admin's
    autocompletes and inline fields, the photo chooser)."""

    @property
    def media(self):
        return super().media + EDITING_MEDIA


class PhotoChooserFields:
    """For a ModelAdmin or inline: every foreign key to Photo is chosen with PhotoChooser."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Photo and "widget" not in kwargs:
            kwargs["widget"] = PhotoChooser(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def search(query, page=1):
    photos = Photo.objects.order_by("-uploaded_at", "-id")
    for word in query.split()[:8]:
        photos = photos.filter(
            Q(caption__icontains=word) | Q(alt_text__icontains=word) | Q(credit__icontains=word)
        )
    start = (page - 1) * PAGE_SIZE
    found = list(photos[start : start + PAGE_SIZE + 1])
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


class PhotoChooserViews:
    """For the photo admin: the list the chooser dialog shows, as JSON."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.photo_chooser_view)
        return [path("chooser/", view, name=CHOOSER_URL_NAME)] + super().get_urls()

    def photo_chooser_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "")[:200]
        page = request.GET.get("page", "1")
        page = int(page) if page.isdigit() and 0 < int(page) < 1000 else 1
        if request.GET.get("id", "").isdigit():
            found, more = list(Photo.objects.filter(pk=int(request.GET["id"]))), False
        else:
            found, more = search(query, page)
        return JsonResponse(
            {
                "results": [{**describe(photo), "card": card_html(photo)} for photo in found],
                "more": more,
                "page": page,
            }
        )
