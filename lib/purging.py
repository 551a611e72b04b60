"""Purge the cached pages that show an item whenever it changes.

A decoupled side effect, so signals: every save and delete of a watched model lands here,
whoever made it (the admin, the desk's steps, commands, the shell). The models say which
pages show them (`cache_tags()`); this module only asks and purges.

Each purge runs at once, so the next request sees the change, and again when the
transaction commits, so a reader who rendered the old row a moment before the commit
cannot leave a page that outlives it. Inside `collected()` (one editor action) the tags
are gathered and purged once, when the action's transaction commits. Writes that bypass signals
(bulk seeding, raw updates) call `lib.pagecache.purge_everything()` themselves.

Every purge is also recorded in PostgreSQL in the transaction of the change
(`lib.pagecache.record`), so it commits with the change: the cache catches up from there
when the purge cannot reach it, whatever happens to the process that made it.
"""

import contextlib
import contextvars
from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from . import pagecache

_bulk = contextvars.ContextVar("newsroom_purge_bulk", default=False)
_collecting = contextvars.ContextVar("newsroom_purge_collecting", default=None)
# model -> the functions naming the tags of an instance's pages (see `watch`).
_sources = defaultdict(list)


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
        pagecache.purge_everything()


def in_bulk():
    return _bulk.get()


@contextlib.contextmanager
def collected():
    """One editor action, one purge: the tags of everything saved inside are gathered
    and purged once at the end (after the surrounding transaction commits)."""
    outer = _collecting.get()
    if outer is not None:  # part of a larger action: that one purges
        yield
        return
    tags = set()
    token = _collecting.set(tags)
    try:
        yield
    finally:
        _collecting.reset(token)
        if tags:
            _purge_once(tags)


def _purge_once(tags):
    """One round: when the surrounding transaction commits (until then readers still see
    the old rows, so an earlier purge would change nothing), or now outside one."""
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: pagecache.purge(*tags), robust=True)
    else:
        pagecache.purge(*tags)


def purge(tags):
    """Purge now and once more after the surrounding transaction commits; inside
    `collected()`, once when it ends."""
    tags = set(tags)
    collecting = _collecting.get()
    if collecting is not None:
        unrecorded = tags - collecting
        collecting.update(tags)
        if unrecorded:  # committed with the action's changes, purged from Redis after
            pagecache.record(*unrecorded)
        return
    pagecache.purge(*tags)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: pagecache.purge(*tags), robust=True)


def tags_of(instance):
    """Every tag of the pages that show `instance`, from each source watching its model."""
    tags = set()
    for source in _sources[type(instance)]:
        tags |= set(source(instance))
    return tags


def _schedule(instance):
    """A row whose public state changes later by the clock alone (a scheduled publish, an
    embargo lifting) keeps no page fresh past that moment."""
    changes_at = getattr(instance, "cache_changes_at", None)
    for moment in changes_at() if changes_at else ():
        pagecache.schedule(moment)


def _before_save(sender, instance, raw=False, **kwargs):
    """Pages that showed the row as stored (an old address, an old section) must go too."""
    if raw or _bulk.get() or instance._state.adding or not instance.pk:
        return
    stored = getattr(instance, "stored_cache_tags", None)
    if stored is not None:
        instance._purge_previous = set(stored())


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = instance.__dict__.pop("_purge_previous", set())
    if not _bulk.get():
        purge(tags_of(instance) | previous)
    _schedule(instance)


def _before_delete(sender, instance, **kwargs):
    # Relations (tags, bylines) are deleted with the row, so read them while they exist.
    if not _bulk.get():
        instance._purge_previous = tags_of(instance)


def _deleted(sender, instance, **kwargs):
    previous = instance.__dict__.pop("_purge_previous", None)
    if not _bulk.get():
        purge(previous or tags_of(instance))


def _own_cache_tags(instance):
    return instance.cache_tags()


def watch(model, tags=None):
    """Purge the pages that show a row of `model` whenever one is saved or deleted.

    `tags(instance)` names them; by default the model's own `cache_tags()`. A model may
    also define `stored_cache_tags()` (what the stored row showed, read before a save)
    and `cache_changes_at()` (future moments when it becomes public by the clock)."""
    _sources[model].append(tags or _own_cache_tags)
    for signal, receiver in (
        (pre_save, _before_save),
        (post_save, _saved),
        (pre_delete, _before_delete),
        (post_delete, _deleted),
    ):
        signal.connect(
            receiver, sender=model, dispatch_uid=f"lib.purging.{receiver.__name__}.{model.__name__}"
        )
