from django.db import migrations, models


class Migration(migrations.Migration):
    """The editors' desk, second edition."""

    dependencies = [
        ('articles', '0008_rich_bodies'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['-published_at', '-id'], name='article_desk_order_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(
                fields=['status', '-published_at', '-id'], name='article_desk_status_idx'
            ),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(
                fields=['section', '-published_at', '-id'], name='article_desk_section_idx'
            ),
        ),
    ]
