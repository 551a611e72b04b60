from django.db import migrations


class Migration(migrations.Migration):
    """Rich story bodies."""

    dependencies = [
        ('articles', '0007_genres_and_labels'),
    ]

    operations = []
