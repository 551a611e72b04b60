"""Blocks that many pages show alike (the section navigation, the News Feed beside a story,
Latest, Related), built once per purge and kept in each process's memory.

A block is kept under the versions of the page-cache tags it shows, read before it is
built, exactly as a cached page is (lib.pagecache): every purge of one of them, on any
server, makes every process build the block again at its next use, and so does the next
change that comes by the clock alone (a story scheduled for later). When the page cache
cannot be trusted or reached, every block is built afresh from the database.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings

from . import pagecache


@dataclass(frozen=True)
class _Kept:
    versions: dict
    fresh_until: float
    value: object


class SharedBlocks:
    """The blocks this process built lately, at most NEWSROOM_SHARED_BLOCKS of them.
    Shared by the worker's threads; a kept value is never changed, only replaced."""

    def __init__(self):
        self._kept = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build, tags):
        """The block `key`, built by `build()` unless kept under the current versions of
        `tags`. `build` returns what the templates read; they must not change it."""
        limit = settings.NEWSROOM_SHARED_BLOCKS
        if limit <= 0:
            return build()
        current = pagecache.current_versions(tags)
        if current is None:
            return build()
        versions, schedule = current
        now = time.time()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None and kept.versions == versions and now < kept.fresh_until:
            return kept.value
        value = build()
        upcoming = [moment for moment in schedule if moment > now]
        fresh_until = min(upcoming) if upcoming else now + settings.NEWSROOM_SHARED_BLOCK_SECONDS
        with self._lock:
            self._kept[key] = _Kept(versions, fresh_until, value)
            self._kept.move_to_end(key)
            while len(self._kept) > limit:
                self._kept.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._kept.clear()

    def __len__(self):
        return len(self._kept)


shared_blocks = SharedBlocks()

# Every content change, and the site's navigation.
CONTENT_TAGS = (pagecache.SITE, pagecache.CONTENT)


def shared(key, tags=CONTENT_TAGS):
    """Decorate a block function of hashable arguments: its result is kept per arguments,
    under `tags` (by default every content change and the site's navigation)."""

    def decorate(build):
        def block(*args):
            return shared_blocks.get((key, *args), lambda: build(*args), tuple(tags))

        block.build = build
        block.__name__ = build.__name__
        block.__doc__ = build.__doc__
        return block

    return decorate
