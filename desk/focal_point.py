"""The focal point of a photo, set by clicking its subject in the photo form.

The two numbers stay ordinary inputs (for the keyboard, and without JavaScript); the
picture beside them takes a click and fills them in (static/desk/focal-point.js)."""

from django import forms
from django.utils.html import format_html

FIELDS = ["focal_x", "focal_y"]


class FocalPointInput(forms.NumberInput):
    """The across value, with the clickable picture of the photo after it."""

    def __init__(self, image_url="", partner="id_focal_y"):
        super().__init__(attrs={"step": "0.001", "min": "0", "max": "1"})
        self.image_url = image_url
        self.partner = partner

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        if not self.image_url:
            return field
        field_id = (attrs or {}).get("id", f"id_{name}")
        return format_html(
            '{}<div class="focal-point" data-focal-point data-x="{}" data-y="{}">'
            '<p class="help">Click the subject of the photo: every crop and thumbnail '
            "keeps it in frame.</p>"
            '<button type="button" class="focal-point__frame" aria-label="Set the focal point '
            'by clicking the subject">'
            '<span class="focal-point__canvas"><img class="focal-point__image" src="{}" alt="">'
            '<span class="focal-point__marker" aria-hidden="true"></span></span></button>'
            '<p class="focal-point__readout" aria-live="polite"></p></div>',
            field,
            field_id,
            self.partner,
            self.image_url,
        )

    @property
    def media(self):
        return forms.Media(js=["desk/focal-point.js"], css={"all": ["desk/focal-point.css"]})


class FocalPointFields:
    """For the photo form: the focal point's inputs, with the picture to click on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "focal_x" not in self.fields:
            return
        photo = self.instance
        image_url = photo.fallback_url if photo.pk and photo.image else ""
        self.fields["focal_x"].widget = FocalPointInput(image_url, partner="id_focal_y")
        self.fields["focal_y"].widget = forms.NumberInput(
            attrs={"step": "0.001", "min": "0", "max": "1"}
        )
        for name in FIELDS:  # left out (an upload form of old), the point stays where it is
            self.fields[name].required = False

    def _clean_focal(self, name):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_focal_x(self):
        return self._clean_focal("focal_x")

    def clean_focal_y(self):
        return self._clean_focal("focal_y")
