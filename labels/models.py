"""The labels that mark feed entries, live-blog updates and articles ("Breaking",
"Video", "Company news"): a managed list, each label with a page and feeds of its own."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify

from lib import pagecache
from lib.links import reverse

BREAKING = "Breaking"


def label_cache_tag(slug):
    """The cache tag of a label's page and feeds."""
    return f"label:{slug}"


def clean_name(name):
    """A label's name as typed anywhere (an import, an old free-text label): one line,
    single spaces, no spaces at the ends."""
    return " ".join((name or "").split())


class LabelQuerySet(models.QuerySet):
    def published(self):
        """Labels readers may see: every label of the list (a label is public as soon as
        the desk adds it; what it lists obeys its own `published()`)."""
        return self.all()

    def unique_slug(self, name):
        base = (slugify(name)[:90] or "label").strip("-")
        slug, number = base, 1
        while self.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def for_name(self, name):
        """The label called `name` (whatever its case and spacing), added to the list when
        it is not there yet; None for an empty name. Importers label through this."""
        name = clean_name(name)[: Label._meta.get_field("name").max_length]
        if not name:
            return None
        label = self.filter(name__iexact=name).first()
        if label is None:
            style = Label.Style.BREAKING if name.lower() == BREAKING.lower() else ""
            label = self.create(name=name, slug=self.unique_slug(name), style=style)
        return label

    def breaking(self):
        """The label of breaking news, as the desk's breaking-news form sets it."""
        return self.for_name(BREAKING)


class Label(models.Model):
    class Style(models.TextChoices):
        PLAIN = "", "Plain"
        BREAKING = "breaking", "Breaking (stands out in red)"
        VIDEO = "video", "Video"
        ANALYSIS = "analysis", "Analysis"

    name = models.CharField(max_length=50, help_text="As readers see it, e.g. “Company news”.")
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown at the top of the label's page.")
    style = models.CharField(
        max_length=20,
        choices=Style,
        default=Style.PLAIN,
        blank=True,
        help_text="How the label looks: “Breaking” stands out from every other label.",
    )

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="label_name_unique_ci",
                violation_error_message="A label of this name exists already.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("labels:detail", args=[self.slug])

    def cache_tags(self):
        """A label's name and look show wherever its entries, updates and articles do: on
        pages of every kind, as an author's name or a photo does (SITE)."""
        return {pagecache.SITE, pagecache.CONTENT, label_cache_tag(self.slug)}

    def stored_cache_tags(self):
        stored = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True)
        return {label_cache_tag(slug) for slug in stored}

    @property
    def css_class(self):
        """The label's look on the page: `label label--breaking` and so on."""
        return f"label label--{self.style}" if self.style else "label"
