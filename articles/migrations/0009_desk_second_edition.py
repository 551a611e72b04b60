from django.db import migrations


class Migration(migrations.Migration):
    """The editors' desk, second edition."""

    dependencies = [
        ('articles', '0008_rich_bodies'),
    ]

    operations = []
