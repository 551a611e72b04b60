import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Rich story bodies."""

    dependencies = [
        ('articles', '0007_genres_and_labels'),
        ('embeds', '0001_initial'),
        ('photos', '0002_focal_point'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='body',
            field=models.TextField(blank=True, help_text="The story. Photos and galleries from the library, videos, posts and charts, tables, pull quotes and fact boxes come from the editor's toolbar; anything else is removed on save."),
        ),
        migrations.AddField(
            model_name='article',
            name='body_embeds',
            field=models.ManyToManyField(blank=True, editable=False, help_text='The embeds the body shows, kept in step with it on every save.', related_name='articles', to='embeds.embed'),
        ),
        migrations.CreateModel(
            name='BodyPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='body_photo_uses', to='articles.article')),
                ('photo', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='body_uses', to='photos.photo')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('article', 'photo'), name='unique_body_photo')],
            },
        ),
    ]
