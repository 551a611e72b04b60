from django.db import migrations


class Migration(migrations.Migration):
    """Article genres and labels."""

    dependencies = [
        ('articles', '0006_machine_page_indexes'),
    ]

    operations = []
