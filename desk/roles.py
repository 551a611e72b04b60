"""The newsroom's roles as Django groups: Writer, Editor and Admin.

The groups are kept in step with this module after every `migrate` (and after a test
database is flushed), so a fresh machine and a long-lived one hold the same roles.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.text import slugify

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
    "articles.view_author", "articles.change_author",  # their own profile (can_edit_author)
    "articles.view_section", "articles.view_articlerevision",
    "taggit.view_tag",
    "liveblogs.add_liveupdate", "liveblogs.view_liveupdate", "liveblogs.view_liveblog",
    "labels.view_label",
]  # fmt: skip

EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    "articles.publish_article", "articles.delete_article",
    "photos.delete_photo",
    "articles.add_author",
    "articles.add_correction", "articles.change_correction", "articles.view_correction",
    "articles.view_auditentry",
    "feed.add_feedentry", "feed.change_feedentry", "feed.delete_feedentry",
    "feed.view_feedentry",
    "taggit.add_tag", "taggit.change_tag",
    "liveblogs.add_liveblog", "liveblogs.change_liveblog", "liveblogs.change_liveupdate",
    "labels.add_label", "labels.change_label",
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


# Author profiles ---------------------------------------------------------------------------

WRITING_ROLES = {WRITER, EDITOR}


def author_profile(user):
    """The author profile of a staff member who writes, made the first time it is needed:
    named after the account (full name, else username), linked to it, editable by them."""
    from articles.models import Author

    try:
        return user.author
    except Author.DoesNotExist:
        pass
    name = (user.get_full_name() or user.get_username())[:150]
    base = slugify(name)[:140] or "author"
    slug, number = base, 1
    while Author.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    author = Author.objects.create(name=name, slug=slug, user=user)
    user.author = author
    return author


def writes(user):
    """Whether the account is in a role that writes (Writer or Editor)."""
    return user.groups.filter(name__in=WRITING_ROLES).exists()


def byline_initial(user):
    """The first line of a new article's byline: its creator, when they write."""
    if not writes(user):
        return []
    return [{"author": author_profile(user).pk, "position": 0}]


@receiver(m2m_changed, sender=get_user_model().groups.through)
def give_writers_author_profiles(sender, instance, action, reverse, pk_set, **kwargs):
    """Joining Writer or Editor, by whatever path (the admin's user or group form, the
    shell, a command), gives the account its author profile."""
    if action != "post_add" or not pk_set:
        return
    from django.contrib.auth.models import Group

    if reverse:  # group.user_set.add(...)
        if instance.name in WRITING_ROLES:
            for user in get_user_model().objects.filter(pk__in=pk_set):
                author_profile(user)
    elif Group.objects.filter(pk__in=pk_set, name__in=WRITING_ROLES).exists():
        author_profile(instance)


def can_edit_author(user, author):
    """Editors and Admins edit every author profile; a writer edits their own."""
    if user.is_superuser or user.has_perm("articles.add_author"):
        return True
    return author is not None and author.user_id == user.pk
