import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The desk's notifications to staff."""

    initial = True

    dependencies = [
        ("articles", "0009_desk_second_edition"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("submitted", "Submitted for review"), ("sent back", "Sent back to the writer"), ("withdrawn", "Withdrawn from review"), ("published", "Published"), ("scheduled", "Scheduled")], max_length=20)),
                ("headline", models.CharField(help_text="The headline when it was sent.", max_length=200)),
                ("comment", models.TextField(blank=True, help_text="What the editor wrote, if anything.")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("actor", models.ForeignKey(blank=True, help_text="Who did it; empty when the system did.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("article", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="articles.article")),
                ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="desk_notifications", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
                    models.Index(condition=models.Q(("read_at__isnull", True)), fields=["recipient"], name="notification_unread_idx"),
                ],
            },
        ),
    ]  # fmt: skip
