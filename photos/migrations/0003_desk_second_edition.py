from django.db import migrations


class Migration(migrations.Migration):
    """The editors' desk, second edition."""

    dependencies = [
        ('photos', '0002_focal_point'),
    ]

    operations = []
