from django.db import migrations


class Migration(migrations.Migration):
    """Focal points."""

    dependencies = [
        ('photos', '0001_initial'),
    ]

    operations = []
