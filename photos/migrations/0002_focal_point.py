import django.core.validators
from django.core.exceptions import ValidationError
from django.db import migrations, models


def cut_thumbnail_crops(apps, schema_editor):
    """Listings now show the focal-point thumbnails: cut them for the photos already kept
    (centred, as no focal point is set yet). A photo whose file cannot be read is left
    to `regenerate_renditions`, which reports it."""
    from photos import crops

    Photo = apps.get_model("photos", "Photo")
    for photo in Photo.objects.exclude(image="").iterator(chunk_size=200):
        for name in ("4x3-480", "1x1-240"):
            try:
                crops.make_crop(photo, name)
            except (ValidationError, OSError):
                break


class Migration(migrations.Migration):
    """Focal points."""

    dependencies = [
        ('photos', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='photo',
            name='focal_x',
            field=models.FloatField(default=0.5, help_text='Where the subject is, from the left edge (0) to the right (1). Every crop keeps it in frame; click the subject on the photo to set it.', validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point (across)'),
        ),
        migrations.AddField(
            model_name='photo',
            name='focal_y',
            field=models.FloatField(default=0.5, help_text='Where the subject is, from the top edge (0) to the bottom (1).', validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point (down)'),
        ),
        migrations.RunPython(cut_thumbnail_crops, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='photo',
            constraint=models.CheckConstraint(condition=models.Q(('focal_x__gte', 0), ('focal_x__lte', 1), ('focal_y__gte', 0), ('focal_y__lte', 1)), name='photo_focal_point_in_frame', violation_error_message='The focal point must be on the photo.'),
        ),
    ]
