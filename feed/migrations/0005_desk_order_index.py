from django.db import migrations, models


class Migration(migrations.Migration):
    """The editors' list of every entry, newest first, whatever its state."""

    dependencies = [
        ("feed", "0004_rich_entries"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedentry",
            index=models.Index(fields=["-published_at", "-id"], name="feedentry_desk_order_idx"),
        ),
    ]
