"""Blocks that many pages show alike (the section navigation, the News Feed beside a story,
Latest, Related), built once per purge and kept in each process's memory.

A block is kept under the versions of the page-cache tags it shows, read before it is
built, exactly as a cached page is (lib.pagecache): every purge of one of them, on any
server, makes every process build the block again at its next use, and so does the next
change that comes by the clock alone (a story scheduled for later). When the page cache
cannot be trusted or reached, every block is built afresh from the database.
"""

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.utils.cache import patch_cache_control, set_response_etag
from markupsafe import Markup

from . import pagecache

logger = logging.getLogger("newsroom.cache")


@dataclass(frozen=True)
class _Kept:
    versions: dict
    fresh_until: float
    value: object
    built_at: float = 0.0


class SharedBlocks:
    """The blocks this process built lately, at most NEWSROOM_SHARED_BLOCKS of them.
    Shared by the worker's threads; a kept value is never changed, only replaced."""

    def __init__(self):
        self._kept = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build, tags):
        """The block `key`, built by `build()` unless kept under the current versions of
        `tags`. `build` returns what the templates read; they must not change it."""
        return self.kept(key, build, tags).value

    def kept(self, key, build, tags):
        """As `get`, with when the value was built (`built_at`, 0 when not kept)."""
        limit = settings.NEWSROOM_SHARED_BLOCKS
        current = pagecache.current_versions(tags) if limit > 0 else None
        if current is None:
            return _Kept({}, 0.0, build())
        versions, schedule = current
        now = time.time()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None and kept.versions == versions and now < kept.fresh_until:
            return kept
        value = build()
        upcoming = [moment for moment in schedule if moment > now]
        fresh_until = min(upcoming) if upcoming else now + settings.NEWSROOM_SHARED_BLOCK_SECONDS
        kept = _Kept(versions, fresh_until, value, now)
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > limit:
                self._kept.popitem(last=False)
        return kept

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


# Holes: a page may leave a shared block out as a marker, filled as the page is answered,
# fresh or from the page cache. The page is then kept under its own tags alone, and a
# change that reaches only the block (a News Feed entry beside a story) builds the block
# once per process instead of every page that carries it.
HOLE_MARK = b"<!--hole:"
HOLE = re.compile(rb"<!--hole:([a-z][a-z0-9-]*)(?::(\d+))?-->")
_fillers = {}  # name -> (render(arg) -> str, tags)


def fills(name, tags=CONTENT_TAGS):
    """Register `render(arg)` (arg: a whole number or None) as the HTML of hole `name`,
    built once per purge of `tags`. It must not depend on the request."""

    def decorate(render):
        _fillers[name] = (render, tuple(tags))
        return render

    return decorate


def hole(name, arg=None):
    """The marker a template leaves for the block `name` (of `arg`)."""
    if name not in _fillers:
        raise LookupError(f"No block fills the hole {name!r}.")
    return Markup(f"<!--hole:{name}{'' if arg is None else f':{int(arg)}'}-->")


def _filling(match, stamps):
    name, arg = match.group(1).decode(), match.group(2)
    arg = None if arg is None else int(arg)
    render, tags = _fillers[name]
    kept = shared_blocks.kept(("hole", name, arg), lambda: render(arg).encode(), tags)
    # What the block is known by: built at that moment under those versions (None when
    # it was built for this response alone).
    stamps.append(f"{name}:{arg}:{kept.built_at}:{kept.versions}" if kept.built_at else None)
    return kept.value


def fill(response):
    """`response` with its holes filled by the blocks' current HTML; its ETag and length
    follow. A block that cannot be built (the database is down) is left out, and the
    response is then not kept by anyone downstream."""
    if response.streaming or HOLE_MARK not in response.content:
        return response
    stamps = []
    failed = False

    def filling(match):
        nonlocal failed
        try:
            return _filling(match, stamps)
        except DatabaseError as error:
            if not failed:
                logger.warning("A block is left out of a page: %s", error)
            failed = True
            return b""

    response.content = HOLE.sub(filling, response.content)
    if response.has_header("ETag") and None in stamps:
        del response["ETag"]
        set_response_etag(response)  # from the whole page, as the blocks are nobody's
    elif response.has_header("ETag"):
        etag = "|".join([response["ETag"], *stamps])
        response["ETag"] = f'"{hashlib.md5(etag.encode(), usedforsecurity=False).hexdigest()}"'
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    if failed:
        response.headers.pop("ETag", None)
        patch_cache_control(response, no_store=True)
    return response
