"""Read replica routing: anonymous readers' queries go to the replica when one is set up.

Editors, every write and every transaction use the primary, so nobody reads back a stale
copy of what they have just saved. Pages purged moments ago are also rendered from the
primary (see lib.middleware), so a lagging replica never refills the page cache
with what an editor has just changed.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"
_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads(allowed=True):
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
