# Photos now live in the photos app, in the same table: the relations point there, and
# the content type (with the permissions hanging from it) moves along, so the
# editors' groups keep their rights on photos.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="photos", model="photo").exists():
        content_type.objects.filter(app_label="articles", model="photo").update(app_label="photos")


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="articles", model="photo").exists():
        content_type.objects.filter(app_label="photos", model="photo").update(app_label="articles")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editors_desk"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="caption",
                    name="photo",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="captions", to="photos.photo"),
                ),
                migrations.AlterField(
                    model_name="author",
                    name="photo",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="photos.photo"),
                ),
                migrations.DeleteModel(name="Photo"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
