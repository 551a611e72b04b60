from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from . import roles

        post_migrate.connect(roles.on_post_migrate, sender=self)

        from newsroom import purge

        purge.connect_articles()
