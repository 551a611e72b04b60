"""What the site's machinery keeps in PostgreSQL."""

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.functions import Now


class PageVersion(models.Model):
    """The latest purge of one cache tag, committed in the transaction of the change.

    The page cache's versions live in Redis, which can miss a purge (unreachable at that
    moment) or lose one (restarted empty, or from an older snapshot). These rows are what
    outlives it: lib.pagecache compares Redis with the purges committed since it last
    looked, and purges again whatever Redis lacks, so a change is never undone by Redis.
    """

    tag = models.TextField(primary_key=True)
    version = models.TextField()
    # The purging transaction's id. Purges are read back from a transaction horizon (see
    # `committed_since`), so one committed late, after younger ones, is never skipped.
    transaction_id = models.BigIntegerField(db_index=True)
    purged_at = models.DateTimeField(db_default=Now())

    def __str__(self):
        return f"{self.tag} purged at {self.purged_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, versions):
        """Store `versions` ({tag: version}) as the latest purges, in the transaction of
        whatever the caller is changing (so they commit, or roll back, with it)."""
        tags = sorted(versions)  # rows are locked in one order, so two writers never deadlock
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {cls._meta.db_table} (tag, version, transaction_id, purged_at)
                SELECT tag, version, pg_current_xact_id()::text::bigint, now()
                FROM unnest(%s::text[], %s::text[]) AS purged(tag, version)
                ON CONFLICT (tag) DO UPDATE SET
                    version = EXCLUDED.version,
                    transaction_id = EXCLUDED.transaction_id,
                    purged_at = EXCLUDED.purged_at
                """,
                [tags, [versions[tag] for tag in tags]],
            )

    @classmethod
    def committed_since(cls, horizon):
        """(the new horizon, {tag: version} of the purges committed by transactions at or
        after `horizon`), read from the primary in one snapshot.

        The new horizon is the oldest transaction still running: every purge older than it
        has committed (and is here) or rolled back. Purges at or after it may commit later,
        so the next reader asks again from there. The caller's own open transaction is left
        out: it has not committed, so no other server can see it yet."""
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                f"""
                SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, p.tag, p.version
                FROM (VALUES (1)) AS one (row)
                LEFT JOIN {cls._meta.db_table} AS p
                    ON p.transaction_id >= %s
                    AND p.transaction_id IS DISTINCT FROM
                        pg_current_xact_id_if_assigned()::text::bigint
                """,
                [horizon],
            )
            rows = cursor.fetchall()
        return rows[0][0], {tag: version for _, tag, version in rows if tag is not None}
