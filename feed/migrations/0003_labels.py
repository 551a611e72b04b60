import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

NAME_LENGTH = 50


def clean_name(text):
    return " ".join((text or "").split())[:NAME_LENGTH]


def _preferred(spellings):
    """The spelling a label keeps among those meaning the same: the most used, then one
    written as a name ("Video" before "video" and "VIDEO")."""
    return min(
        spellings,
        key=lambda item: (-item[1], not (item[0][:1].isupper() and not item[0].isupper()), item[0]),
    )[0]


def labels_from_text(apps, schema_editor):
    """Every distinct free-text label becomes a Label (trimmed, one per name whatever its
    case) and its entries point at it; labels already in the list are reused."""
    FeedEntry = apps.get_model("feed", "FeedEntry")
    Label = apps.get_model("labels", "Label")
    by_name = {label.name.lower(): label for label in Label.objects.all()}
    slugs = set(Label.objects.values_list("slug", flat=True))
    spellings = {}  # lower-case name: {cleaned spelling: entries}
    texts = {}  # lower-case name: the stored texts that mean it
    used = (
        FeedEntry.objects.exclude(label_text="")
        .values("label_text")
        .annotate(entries=models.Count("pk"))
        .order_by("label_text")
    )
    for row in used:
        name = clean_name(row["label_text"])
        if not name:
            continue
        key = name.lower()
        counts = spellings.setdefault(key, {})
        counts[name] = counts.get(name, 0) + row["entries"]
        texts.setdefault(key, []).append(row["label_text"])
    for key, counts in spellings.items():
        label = by_name.get(key)
        if label is None:
            name = _preferred(counts.items())
            base = (slugify(name)[:90] or "label").strip("-")
            slug, number = base, 1
            while slug in slugs:
                number += 1
                slug = f"{base}-{number}"
            slugs.add(slug)
            style = "breaking" if key == "breaking" else ""
            label = Label.objects.create(name=name, slug=slug, style=style)
        FeedEntry.objects.filter(label_text__in=texts[key]).update(label=label)


def text_from_labels(apps, schema_editor):
    """Back to free text: each entry keeps its label's name."""
    FeedEntry = apps.get_model("feed", "FeedEntry")
    for entry in FeedEntry.objects.filter(label__isnull=False).select_related("label"):
        FeedEntry.objects.filter(pk=entry.pk).update(label_text=entry.label.name[:NAME_LENGTH])


class Migration(migrations.Migration):
    """Labels as a vocabulary: the free-text label of feed entries becomes a Label."""

    dependencies = [
        ('feed', '0002_pinned_index'),
        ('labels', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(model_name='feedentry', old_name='label', new_name='label_text'),
        migrations.AddField(
            model_name='feedentry',
            name='label',
            field=models.ForeignKey(blank=True, help_text='Optional, e.g. “Company news” or “Video”.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='feed_entries', to='labels.label'),
        ),
        migrations.RunPython(labels_from_text, text_from_labels),
        migrations.RemoveField(model_name='feedentry', name='label_text'),
    ]
