"""PostgreSQL that never keeps a request waiting: Django's backend, every wait bounded.

The server's own timeouts (statement, lock, idle in transaction; set in the settings) end
the queries of a server that is busy but answering. They cannot help when the server or
the network stops answering altogether: a frozen process, a partition, a hung relay. So
each query, commit, rollback, health check and connect is watched by one thread per
process. A wait longer than NEWSROOM_DATABASE_HANG_SECONDS has its socket shut, and the
query fails with an OperationalError, which readers see as the 503 page.

After such a slow failure the process stops queueing requests behind a dead peer: for half
a second database work fails at once (a circuit breaker). Then one request at a time is
let through to see whether the database answers again, so the site recovers by itself
within a second of the database coming back. With NEWSROOM_DATABASE_HANG_SECONDS = 0 (staff
commands, migrations) nothing is watched.
"""

import contextlib
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base

logger = logging.getLogger("newsroom.faults")

# SQLSTATEs of a server that cannot answer in time: query_canceled (statement_timeout),
# lock_not_available (lock_timeout), idle_in_transaction_session_timeout.
TIMEOUT_STATES = {"57014", "55P03", "25P03"}
OPEN_SECONDS = 0.5  # then one probe at a time: the site is back within a second
WATCH_INTERVAL = 0.1
# A failure this slow held a worker's thread: the next ones must not wait the same way. A
# refused connection fails at once and trips nothing.
SLOW_FAILURE_SECONDS = 0.5
# One statement or lock timeout is one slow query (or an editor waiting on a colleague's
# row); this many within the window is a database that cannot keep up (a migration's
# table lock, say), and trips the breaker like a hang.
TIMEOUTS_TO_TRIP, TIMEOUT_WINDOW_SECONDS = 3, 10.0


def hang_seconds():
    return getattr(settings, "NEWSROOM_DATABASE_HANG_SECONDS", 0)


class Breaker:
    """Per database alias: closed (normal), open (fail at once) or letting one probe by."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.probing = False
        self.timeouts = []
        self.last_answer = None  # time.time() when the database last answered this process

    def timed_out(self, probe, error):
        """A server-side timeout: trips the breaker once they come in numbers."""
        now = time.monotonic()
        with self.lock:
            self.timeouts = [t for t in self.timeouts if now - t < TIMEOUT_WINDOW_SECONDS]
            self.timeouts.append(now)
            many = len(self.timeouts) >= TIMEOUTS_TO_TRIP
        if many or probe:
            self.failed(probe, error)

    def enter(self):
        """Raise unless this caller may use the database now."""
        with self.lock:
            if not self.open_until:
                return False
            if self.probing or time.monotonic() < self.open_until:
                raise OperationalError("The database is not answering; not waiting for it.")
            self.probing = True
            return True

    def succeeded(self, probe):
        self.last_answer = time.time()
        if probe or self.open_until:
            with self.lock:
                if self.open_until:
                    logger.warning("The database answers again.")
                self.open_until, self.probing = 0.0, False

    def failed(self, probe, error):
        with self.lock:
            if not self.open_until:
                logger.error("The database is not answering (%s); failing fast.", error)
            self.open_until = time.monotonic() + OPEN_SECONDS
            self.probing = False
            self.timeouts = []


class Watchdog:
    """Shuts the socket of any watched wait that outlives its deadline."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waits = {}
        self.thread = None

    @contextlib.contextmanager
    def watch(self, wrapper, seconds):
        token = object()
        with self.lock:
            self.waits[token] = (time.monotonic() + seconds, wrapper)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, daemon=True, name="db-watchdog")
                self.thread.start()
        try:
            yield
        finally:
            with self.lock:
                self.waits.pop(token, None)

    def _run(self):
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            with self.lock:
                overdue = [(t, w) for t, (deadline, w) in self.waits.items() if now > deadline]
                for token, _wrapper in overdue:
                    del self.waits[token]
            for _token, wrapper in overdue:
                wrapper.hung_up = True
                _shut(wrapper.connection)


def _shut(connection):
    """Wake whoever waits on this connection: shutting the socket ends the wait at once."""
    try:
        fd = connection.pgconn.socket
    except Exception:  # already closed or never opened
        return
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
        sock.shutdown(socket.SHUT_RDWR)


_breakers = {}
_breakers_lock = threading.Lock()
watchdog = Watchdog()


def last_answered(alias="default"):
    """When the database last answered this process (None: not yet, or not watched)."""
    with _breakers_lock:
        breaker = _breakers.get(alias)
    return breaker.last_answer if breaker is not None else None


def reset_breakers():
    with _breakers_lock:
        _breakers.clear()


def breaker_for(alias):
    with _breakers_lock:
        return _breakers.setdefault(alias, Breaker())


def _is_timeout(error):
    return getattr(error.__cause__, "sqlstate", None) in TIMEOUT_STATES


def _is_outage(error, wrapper):
    if getattr(wrapper, "hung_up", False):
        return True
    connection = wrapper.connection
    return connection is None or connection.closed or connection.broken


class DatabaseWrapper(base.DatabaseWrapper):
    hung_up = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._guard_execute)

    @contextlib.contextmanager
    def _guarded(self):
        seconds = hang_seconds()
        if not seconds:
            yield
            return
        breaker = breaker_for(self.alias)
        probe = breaker.enter()
        self.hung_up = False
        started = time.monotonic()
        try:
            with watchdog.watch(self, seconds):
                yield
        except (OperationalError, InterfaceError) as error:
            slow = time.monotonic() - started > SLOW_FAILURE_SECONDS
            if _is_timeout(error):
                breaker.timed_out(probe, error)
            elif _is_outage(error, self) and (slow or self.hung_up):
                breaker.failed(probe, error)
            elif probe:
                breaker.succeeded(probe)
            raise
        except BaseException:
            if probe:
                breaker.succeeded(probe)
            raise
        breaker.succeeded(probe)

    def _guard_execute(self, execute, sql, params, many, context):
        with self._guarded():
            return execute(sql, params, many, context)

    def connect(self):
        with self._guarded(), self.wrap_database_errors:
            return super().connect()

    def _commit(self):
        with self._guarded():
            return super()._commit()

    def _rollback(self):
        with self._guarded():
            return super()._rollback()

    def is_usable(self):
        """Django's health check of a reused connection, under the same guard: a check that
        hangs trips the breaker, so the reconnect that follows fails at once."""
        seconds = hang_seconds()
        if not seconds:
            return super().is_usable()
        breaker = breaker_for(self.alias)
        if breaker.open_until:
            return False
        self.hung_up = False
        with watchdog.watch(self, seconds):
            usable = super().is_usable()
        if not usable and self.hung_up:
            breaker.failed(False, "the health check of a connection hung")
        return usable
