import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Article genres and labels."""

    dependencies = [
        ('articles', '0006_machine_page_indexes'),
        ('labels', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='genre',
            field=models.CharField(blank=True, choices=[('news', 'News'), ('analysis', 'Analysis'), ('opinion', 'Opinion')], default='news', help_text='What kind of piece this is; opinion pieces are marked “Opinion” to readers.', max_length=12),
        ),
        migrations.AddField(
            model_name='article',
            name='is_live_blog',
            field=models.BooleanField(default=False, editable=False, help_text='Set when the desk runs the story as a live blog; its page then shows the stream of updates under the body.', verbose_name='runs as a live blog'),
        ),
        migrations.AddField(
            model_name='article',
            name='label',
            field=models.ForeignKey(blank=True, help_text='Optional, e.g. “Breaking” or “Video”.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='labels.label'),
        ),
    ]
