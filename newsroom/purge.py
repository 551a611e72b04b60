"""Purge the cached pages that show an item whenever editors change it.

A decoupled side effect, so signals: the admin, the workflow methods and the commands
all save through the models, and every save, delete, tag or byline change lands here.
Each purge runs at once, so the next request sees the change, and again when the
transaction commits, so a reader who rendered the old row a moment before the commit
cannot leave a page that outlives it. Writes that bypass signals (bulk seeding, raw
updates) call `newsroom.cache.purge_everything()` themselves.
"""

import contextlib
import contextvars
import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from . import cache as page_cache

logger = logging.getLogger("newsroom.cache")


_bulk = contextvars.ContextVar("newsroom_purge_bulk", default=False)


@contextlib.contextmanager
def bulk():
    """For imports of thousands of items: skip the per-item work of finding which pages
    show each one, and purge every page once at the end (and on failure, for what was
    written before it)."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
        page_cache.purge_everything()


def _skipped(raw):
    return raw or _bulk.get()


def purge(tags):
    """Purge now and once more after the surrounding transaction commits."""
    tags = set(tags)
    page_cache.purge(*tags)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: page_cache.purge(*tags), robust=True)


def article_tags(article):
    """Every page that can show `article`: its own, its section, tags and authors,
    the News Feed and everything else listing content (feeds, sitemaps, search)."""
    tags = {page_cache.CONTENT, page_cache.FEED, page_cache.article_tag(article.slug)}
    tags.update(getattr(article, "_purge_previous", ()))
    if article.section_id:
        section = apps.get_model("articles", "Section").objects.filter(pk=article.section_id)
        tags.update(page_cache.section_tag(slug) for slug in section.values_list("slug", flat=True))
    if article.pk:
        tags.update(
            page_cache.tag_tag(slug) for slug in article.tags.values_list("slug", flat=True)
        )
        credits = article.credits.values_list("author__slug", flat=True)
        tags.update(page_cache.author_tag(slug) for slug in credits)
    return tags


def schedule_article(article):
    """A published article that goes public later by the clock alone."""
    if article.status != "published":
        return
    for moment in (article.published_at, article.embargoed_until):
        if moment and moment > timezone.now():
            page_cache.schedule(moment)


def remember_article_before_save(sender, instance, raw=False, **kwargs):
    """Pages at the old address and in the old section must go too."""
    if _skipped(raw) or instance._state.adding or not instance.pk:
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("slug", "section__slug").first()
    if previous:
        old_slug, old_section = previous
        instance._purge_previous = {
            page_cache.article_tag(old_slug),
            page_cache.section_tag(old_section),
        }


def remember_article_before_delete(sender, instance, **kwargs):
    # Its tags and bylines are deleted with it, so read them while they exist.
    instance._purge_previous = article_tags(instance)


def article_changed(sender, instance, raw=False, **kwargs):
    if _skipped(raw):
        if not raw:
            schedule_article(instance)
        return
    purge(article_tags(instance))
    schedule_article(instance)


def article_part_changed(sender, instance, raw=False, **kwargs):
    """A lead photo caption, a correction or a byline: the article's pages change."""
    if _skipped(raw):
        return
    article = apps.get_model("articles", "Article").objects.filter(pk=instance.article_id).first()
    tags = {page_cache.CONTENT, page_cache.FEED}
    if article is not None:
        tags |= article_tags(article)
    author_id = getattr(instance, "author_id", None)
    if author_id:
        author = apps.get_model("articles", "Author").objects.filter(pk=author_id)
        tags.update(page_cache.author_tag(slug) for slug in author.values_list("slug", flat=True))
    purge(tags)


def article_tags_changed(sender, instance, action, pk_set=None, model=None, **kwargs):
    if _bulk.get() or action not in {"post_add", "post_remove", "pre_clear", "post_clear"}:
        return
    tags = set()
    if hasattr(instance, "credits"):  # the article's side of the relation
        tags |= article_tags(instance)
    if pk_set and model is not None and hasattr(model, "slug"):
        slugs = model.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
        tags.update(page_cache.tag_tag(slug) for slug in slugs)
    purge(tags or {page_cache.SITE})


def entry_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if _bulk.get():
        if instance.status == "published" and instance.published_at > timezone.now():
            page_cache.schedule(instance.published_at)
        return
    tags = {page_cache.CONTENT, page_cache.FEED}
    if instance.article_id:
        article = apps.get_model("articles", "Article").objects.filter(pk=instance.article_id)
        tags.update(page_cache.article_tag(slug) for slug in article.values_list("slug", flat=True))
    purge(tags)
    if instance.status == "published" and instance.published_at > timezone.now():
        page_cache.schedule(instance.published_at)


def site_changed(sender, instance, raw=False, **kwargs):
    """Sections (in every page's navigation), authors, photos, tags: rare edits that show
    on many pages at once."""
    if not _skipped(raw):
        purge({page_cache.SITE})


def _connect(signal, receiver, model, name):
    signal.connect(receiver, sender=model, dispatch_uid=f"newsroom.purge.{name}.{model.__name__}")


def connect_articles():
    article = apps.get_model("articles", "Article")
    _connect(pre_save, remember_article_before_save, article, "before_save")
    _connect(pre_delete, remember_article_before_delete, article, "before_delete")
    site_models = [apps.get_model("articles", name) for name in ("Section", "Author", "Photo")]
    site_models.append(apps.get_model("taggit", "Tag"))
    parts = []
    for name in ("Caption", "Correction", "ArticleAuthor"):
        try:
            parts.append(apps.get_model("articles", name))
        except LookupError:
            continue
    for signal, when in ((post_save, "saved"), (post_delete, "deleted")):
        _connect(signal, article_changed, article, f"article_{when}")
        for part in parts:
            _connect(signal, article_part_changed, part, f"part_{when}")
        for model in site_models:
            _connect(signal, site_changed, model, f"site_{when}")
    _connect(m2m_changed, article_tags_changed, article.tags.through, "tags")


def connect_feed():
    entry = apps.get_model("feed", "FeedEntry")
    for signal, when in ((post_save, "saved"), (post_delete, "deleted")):
        _connect(signal, entry_changed, entry, f"entry_{when}")
