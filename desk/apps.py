from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DeskConfig(AppConfig):
    """The editors' desk: roles, the workflow steps, scheduling, notifications and the admin."""

    name = "desk"
    verbose_name = "Editors' desk"

    def ready(self):
        from django.apps import apps

        from . import roles

        # The roles are synced once the articles app has migrated, when the permissions
        # they grant exist (and after each test flush).
        post_migrate.connect(roles.on_post_migrate, sender=apps.get_app_config("articles"))
