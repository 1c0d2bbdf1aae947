"""Heavy reads on a read replica (``DATABASE_REPLICA_URL``), everything else on the primary.

Only code that says so reads from the replica: ``with heavy_reads(Reads.REPORT):`` around the
weekly report figures, exports, search and HQ's overview. Everywhere else, and for every write,
the router answers ``default``. Inside a transaction on the primary (a service that validates
before writing, a report refreshed under its row lock, a test's wrapping transaction) the reads
stay on the primary too: they must see what that transaction wrote.

Before the first heavy read, the replica must have replayed everything the primary had written
when the read began (its WAL position, ``pg_current_wal_lsn()`` on the primary, against
``pg_last_wal_replay_lsn()`` on the replica): a report then holds every record saved before it
was asked for, as if it had been read from the primary. A replica still behind after a bounded
wait (``OPSPORTAL_REPLICA_WAIT`` seconds for reports and exports, a quarter of a second at most
for a page) is skipped: the reads go to the primary, and the log says so. Never stale in silence.
For ``IMPATIENT_FOR`` seconds after such a fallback, blocks look once and do not wait.
"""

from __future__ import annotations

import contextvars
import enum
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger("opsportal.replica")

PRIMARY = "default"
REPLICA = "replica"
# A page waits at most this long for the replica before reading from the primary.
PAGE_WAIT = 0.25
# After a fallback, blocks starting within this many seconds check the replica once without
# waiting: 150 reports against a replica paused for an hour must not wait 5 s each.
IMPATIENT_FOR = 30.0
# Tables whose reads must always see the latest write, whatever the caller's context: the
# session (a page right after sign-in) and the sign-in lock-out counts.
ALWAYS_PRIMARY_APPS = frozenset({"sessions", "axes"})


class Reads(enum.StrEnum):
    """What a heavy read is for: reports and exports wait longer for the replica than a page."""

    REPORT = "report"
    EXPORT = "export"
    PAGE = "page"


@dataclass(frozen=True)
class Decision:
    alias: str  # where this context's reads go
    reason: str  # "no replica", "in a transaction", "caught up", "behind", "unreachable"
    waited: float = 0.0  # seconds spent waiting for the replica

    @property
    def fell_back(self) -> bool:
        """The replica was configured and usable in principle, yet the primary had to answer."""
        return self.reason in ("behind", "unreachable")


_impatient_until = 0.0  # monotonic time until which blocks do not wait (this process)

_reading_from: contextvars.ContextVar[Decision | None] = contextvars.ContextVar("opsportal_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def in_write_transaction() -> bool:
    """The primary's connection is inside ``atomic()``: its reads must see its own writes."""
    return connections[PRIMARY].in_atomic_block


def max_wait(purpose: Reads) -> float:
    configured = float(getattr(settings, "OPSPORTAL_REPLICA_WAIT", 5))
    return min(configured, PAGE_WAIT) if purpose == Reads.PAGE else configured


def primary_position() -> str:
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_behind(position: str) -> int:
    """Bytes of the primary's WAL up to ``position`` the replica has not replayed yet (0: it has
    them all). A server that is not replaying (not a standby) holds everything it ever will: 0."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT COALESCE(pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()), 0)::bigint", [position])
        return max(0, cursor.fetchone()[0])


def _decide(purpose: Reads) -> Decision:
    global _impatient_until
    if not replica_configured():
        return Decision(PRIMARY, "no replica")
    if in_write_transaction():
        return Decision(PRIMARY, "in a transaction")
    started = time.monotonic()
    deadline = started + (0.0 if started < _impatient_until else max_wait(purpose))
    pause = 0.01
    try:
        position = primary_position()
        while (behind := replica_behind(position)) > 0 and time.monotonic() < deadline:
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.2)
    except DatabaseError as error:
        # A replica that is down must not take reports, exports or search down with it.
        if REPLICA in connections:
            connections[REPLICA].close()  # reconnect next time rather than reuse a broken connection
        log.warning("replica unreachable, %s reads from the primary: %s", purpose, error)
        _impatient_until = time.monotonic() + IMPATIENT_FOR
        return Decision(PRIMARY, "unreachable", time.monotonic() - started)
    waited = time.monotonic() - started
    if behind:
        _impatient_until = time.monotonic() + IMPATIENT_FOR
        log.warning("replica %s bytes behind after waiting %.2f s, %s reads from the primary", behind, waited, purpose)
        return Decision(PRIMARY, "behind", waited)
    return Decision(REPLICA, "caught up", waited)


@contextmanager
def heavy_reads(purpose: Reads = Reads.REPORT):
    """Route this block's reads to the replica when it holds every write made before the block
    began; yields the ``Decision``. Nested blocks keep the outer block's decision."""
    outer = _reading_from.get()
    if outer is not None:
        yield outer
        return
    decision = _decide(purpose)
    token = _reading_from.set(decision)
    try:
        yield decision
    finally:
        _reading_from.reset(token)


def current_reads() -> Decision | None:
    return _reading_from.get()


class ReplicaRouter:
    """Django's router (installed only with ``DATABASE_REPLICA_URL``): writes and migrations on
    the primary; reads on the replica only inside ``heavy_reads`` when it was chosen there."""

    def db_for_read(self, model, **hints):
        decision = _reading_from.get()
        if decision is None or model._meta.app_label in ALWAYS_PRIMARY_APPS:
            # Explicit: a record read from the replica earlier must not pull its relations from there.
            return PRIMARY
        return decision.alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
