# The Photo model moves here from the articles app. Its table stays where it is
# (articles_photo), so this only tells Django's state about it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import photos.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0003_editors_desk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Photo",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("image", models.ImageField(height_field="height", help_text="JPEG, PNG, WebP or GIF. Location and camera data are removed from every public copy; the original is kept privately.", upload_to=photos.models.photo_upload_to, width_field="width")),
                        ("original", models.FileField(blank=True, editable=False, help_text="The file as uploaded, with its metadata. Never served.", storage=photos.models.PrivateStorage(), upload_to=photos.models.photo_original_upload_to)),
                        ("renditions", models.JSONField(blank=True, default=list, editable=False, help_text="Resized public copies made once at upload: width, height, format, name.")),
                        ("width", models.PositiveIntegerField(default=0, editable=False)),
                        ("height", models.PositiveIntegerField(default=0, editable=False)),
                        ("alt_text", models.CharField(blank=True, help_text="What the photo shows, for readers who cannot see it.", max_length=300)),
                        ("caption", models.TextField(blank=True, help_text="The default caption; each use of the photo may change it.")),
                        ("credit", models.CharField(blank=True, help_text="Photographer and agency, e.g. “Ed Ram/For The Washington Post via Getty Images”.", max_length=200)),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        ("source_url", models.URLField(blank=True, editable=False, help_text="Where an imported photo came from.", max_length=500)),
                        ("uploaded_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="uploaded_photos", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "articles_photo",
                        "ordering": ["-uploaded_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
