from django.db import migrations


class Migration(migrations.Migration):
    """Feed entries with a photo or an embed."""

    dependencies = [
        ('feed', '0003_labels'),
    ]

    operations = []
