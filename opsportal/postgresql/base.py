"""Django's PostgreSQL backend, with a health check that does not ask the server.

With ``CONN_HEALTH_CHECKS`` Django checks a reused connection at each request's first query by
sending ``SELECT 1``: a round trip of 0.1 ms on loopback, which an API page of 2.5 ms pays on top
of its own queries. A connection the server has ended (a restart, ``pg_terminate_backend``, an
idle timeout) has had its socket closed, and the server says so first: the socket turns readable.
An idle connection in good order has nothing to read. So the socket is polled without waiting;
only when it has something to say (a closed socket, an error, a notification) is the server asked
with ``SELECT 1`` as Django does. A connection lost without a word (a network cut) is not found
this way, nor by ``SELECT 1`` before its TCP timeout.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

from .operations import DatabaseOperations


def _has_something_to_read(fd: int) -> bool:
    """Whether the socket is readable (or closed), without waiting. ``poll`` where there is one:
    ``select`` refuses descriptors past 1,023."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
            return False
        if conn.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()  # within a transaction: ask the server, as Django does
        try:
            quiet = not _has_something_to_read(conn.pgconn.socket)
        except psycopg.Error:
            return False  # libpq has no socket: the connection is lost
        except (OSError, ValueError):
            quiet = False  # the socket cannot be polled here: ask the server
        return quiet or super().is_usable()
