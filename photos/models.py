"""The photo library: each photo's checked, stripped public copy, its private original,
renditions and fixed-ratio crops, with the alt text, caption and credit it carries."""

import os
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from lib import pagecache

from . import crops, images, rendering


def photo_upload_to(instance, filename):
    """Server-chosen names: the uploader's file name never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT that no URL serves: the photographers' untouched originals."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.NEWSROOM_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


private_storage = PrivateStorage()


def photo_original_upload_to(instance, filename):
    """`filename` is "original" plus the extension of the format the bytes were
    identified as (never the uploader's name for it)."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"originals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Photo(models.Model):
    image = models.ImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or GIF. Location and camera data are removed from every "
        "public copy; the original is kept privately.",
    )
    original = models.FileField(
        storage=private_storage,
        upload_to=photo_original_upload_to,
        blank=True,
        editable=False,
        help_text="The file as uploaded, with its metadata. Never served.",
    )
    renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Resized public copies made once at upload: width, height, format, name.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    caption = models.TextField(
        blank=True, help_text="The default caption; each use of the photo may change it."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer and agency, e.g. "
        "“Ed Ram/For The Washington Post via Getty Images”.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_photos",
        editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source_url = models.URLField(
        max_length=500, blank=True, editable=False, help_text="Where an imported photo came from."
    )
    focal_x = models.FloatField(
        "focal point (across)",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Where the subject is, from the left edge (0) to the right (1). Every "
        "crop keeps it in frame; click the subject on the photo to set it.",
    )
    focal_y = models.FloatField(
        "focal point (down)",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Where the subject is, from the top edge (0) to the bottom (1).",
    )

    class Meta:
        db_table = "articles_photo"  # where the photos were first kept
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_in_frame",
                violation_error_message="The focal point must be on the photo.",
            ),
        ]

    def __str__(self):
        return self.caption[:60] or self.alt_text[:60] or PurePath(self.image.name).name

    def save(self, *args, **kwargs):
        """A new image file is checked, stripped and resized here, once. A replaced
        image's files go once the new ones are saved; a failed save leaves no file and no
        row. An image that cannot be processed or stored raises a ValidationError. A moved
        focal point recuts the crops."""
        # Every path that can change the credit or alt text is checked, not only forms.
        fields = kwargs.get("update_fields")
        if not self._state.adding and (fields is None or {"credit", "alt_text"} & set(fields)):
            self.clean()
        image_name = self.image.name if self.image else None
        replaced = None
        adding = self._state.adding
        loaded_focus = getattr(self, "_loaded_focus", None)
        if image_name and image_name != getattr(self, "_loaded_image", None):
            if self.pk:
                replaced = type(self).objects.filter(pk=self.pk).first()
            images.ingest(self)
            try:
                # The crops need the row's number; a crop that fails takes the row back out.
                with transaction.atomic():
                    super().save(*args, **kwargs)
                    crops.make_crops(self)
            except Exception:
                self.delete_files()
                if adding:  # the row was rolled back: this photo is unsaved again
                    self.pk, self._state.adding = None, True
                raise
            if replaced is not None:
                transaction.on_commit(replaced.delete_files)
        elif loaded_focus is not None and loaded_focus != self.focus and self.image:
            old = type(self)(pk=self.pk, image=self.image.name)
            old.focal_x, old.focal_y = loaded_focus
            with transaction.atomic():
                super().save(*args, **kwargs)
                crops.make_crops(self)
            transaction.on_commit(lambda: crops.delete_crops(old))
        else:
            super().save(*args, **kwargs)
        self._loaded_image = self.image.name
        self._loaded_focus = self.focus

    @property
    def focus(self):
        return (self.focal_x, self.focal_y)

    def clean(self):
        """A photo in a published (or scheduled) story keeps its credit and alt text."""
        missing = [
            label
            for label, value in (("credit", self.credit), ("alt text", self.alt_text))
            if not value.strip()
        ]
        if missing and self.pk and self.in_published_story():
            raise ValidationError(
                f"This photo is in published stories: it needs its {' and '.join(missing)}.",
                code="published_photo",
            )

    def in_published_story(self):
        """Whether a published article shows this photo, as its lead or in its body
        (through the relations the articles keep to it)."""
        published = {"article__status": "published"}
        return (
            self.captions.filter(**published).exists()
            or self.body_uses.filter(**published).exists()
        )

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        self.delete_files(pk)
        return result

    def delete_files(self, pk=None):
        """Remove every file of this photo; `pk` names a row that was just deleted."""
        crops.delete_crops(self, pk)
        images.delete_files(self)

    def regenerate_renditions(self):
        """Remake the renditions and crops from the original (or the public copy)."""
        self.renditions = images.generate_renditions(self)
        if self.pk:
            type(self).objects.filter(pk=self.pk).update(renditions=self.renditions)
            crops.delete_crops(self)
            crops.make_crops(self)
        return self.renditions

    def cache_tags(self):
        """A photo shows on many pages at once: leads, bylines, listings."""
        return {pagecache.SITE}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        photo = super().from_db(db, field_names, values, **kwargs)
        loaded = photo.__dict__.get("image")
        photo._loaded_image = getattr(loaded, "name", loaded)
        if "focal_x" in photo.__dict__ and "focal_y" in photo.__dict__:
            photo._loaded_focus = photo.focus
        return photo

    def rendition_srcset(self, fmt):
        return ", ".join(
            f"{images.public_url(item['name'])} {item['width']}w"
            for item in self.renditions
            if item["format"] == fmt
        )

    @property
    def srcset_avif(self):
        return self.rendition_srcset("avif")

    @property
    def srcset_webp(self):
        return self.rendition_srcset("webp")

    @property
    def sources(self):
        """(type, srcset) of the modern formats, in the order browsers should prefer
        them, for the <source> elements of a <picture>; JPEG is the <img> itself."""
        found = [(f"image/{fmt}", self.rendition_srcset(fmt)) for fmt in images.PREFERRED_FORMATS]
        return [(mime, srcset) for mime, srcset in found if srcset]

    def picture_html(self, sizes=rendering.BODY_SIZES, **options):
        return rendering.picture(self, sizes=sizes, **options)

    def thumbnail_html(self, ratio="4x3", **options):
        return rendering.thumbnail(self, ratio=ratio, **options)

    def crop_url(self, name):
        return crops.crop_url(self, name)

    @property
    def srcset_jpeg(self):
        return self.rendition_srcset("jpeg")

    @property
    def fallback_url(self):
        """A mid-sized JPEG for browsers that ignore srcset."""
        jpegs = [item for item in self.renditions if item["format"] == "jpeg"]
        fitting = [item for item in jpegs if item["width"] <= 960] or jpegs
        if not fitting:
            return self.image.url
        return images.public_url(max(fitting, key=lambda item: item["width"])["name"])
