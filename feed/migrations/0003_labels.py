from django.db import migrations


class Migration(migrations.Migration):
    """Labels as a vocabulary."""

    dependencies = [
        ('feed', '0002_pinned_index'),
    ]

    operations = []
