import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Feed entries with a photo or an embed."""

    dependencies = [
        ('feed', '0003_labels'),
        ('embeds', '0001_initial'),
        ('photos', '0002_focal_point'),
    ]

    operations = [
        migrations.AddField(
            model_name='feedentry',
            name='embed',
            field=models.ForeignKey(blank=True, help_text='A video, post or chart shown in the entry, e.g. for a “Video” entry.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='feed_entries', to='embeds.embed'),
        ),
        migrations.AddField(
            model_name='feedentry',
            name='photo',
            field=models.ForeignKey(blank=True, help_text="Shown beside the entry; leave empty to use the linked article's lead photo.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='feed_entries', to='photos.photo'),
        ),
    ]
