"""The newsroom's roles as Django groups: Writer, Editor and Admin.

The groups are kept in step with this module after every `migrate` (and after a test
database is flushed), so a fresh machine and a long-lived one hold the same roles.
"""

from django.contrib.auth.management import create_permissions

WRITER = "Writer"
EDITOR = "Editor"
ADMIN = "Admin"

WRITER_PERMISSIONS = [
    "articles.add_article", "articles.change_article", "articles.view_article",
    "articles.add_articleauthor", "articles.change_articleauthor",
    "articles.delete_articleauthor", "articles.view_articleauthor",
    "articles.add_caption", "articles.change_caption", "articles.delete_caption",
    "articles.view_caption",
    "photos.add_photo", "photos.change_photo", "photos.view_photo",
    "articles.view_author", "articles.view_section", "articles.view_articlerevision",
    "taggit.view_tag",
]  # fmt: skip

EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    "articles.publish_article", "articles.delete_article",
    "photos.delete_photo",
    "articles.add_author", "articles.change_author",
    "articles.add_correction", "articles.change_correction", "articles.view_correction",
    "articles.view_auditentry",
    "feed.add_feedentry", "feed.change_feedentry", "feed.delete_feedentry",
    "feed.view_feedentry",
    "taggit.add_tag", "taggit.change_tag",
]  # fmt: skip


def sync_groups(apps):
    """Create or correct the three groups; safe to run any number of times."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")

    def lookup(names):
        wanted = {tuple(name.split(".", 1)) for name in names}
        found = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        return found

    for name, permissions in (
        (WRITER, lookup(WRITER_PERMISSIONS)),
        (EDITOR, lookup(EDITOR_PERMISSIONS)),
        (ADMIN, list(permission_model.objects.all())),
    ):
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def on_post_migrate(sender, app_config=None, apps=None, using="default", verbosity=1, **kwargs):
    from django.apps import apps as global_apps

    # Permissions of apps migrated after this one do not exist yet: make them first.
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=global_apps)
    sync_groups(global_apps)


def role_of(user):
    """The most senior role a user holds, for display."""
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    for role in (ADMIN, EDITOR, WRITER):
        if role in names:
            return role
    return None
