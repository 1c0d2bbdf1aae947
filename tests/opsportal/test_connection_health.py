"""A reused connection's health check polls its socket (opsportal.postgresql): the server is asked
only when the socket has something to say, and a connection the server ended is replaced."""

import select
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.postgresql(reason="the backend is PostgreSQL's"),
    # Outside the test's transaction: a connection inside one is checked by asking the server.
    pytest.mark.django_db(transaction=True),
]


@contextmanager
def _other_connection():
    """A second connection to the test database, as Django makes one (autocommit)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            yield cursor
    finally:
        other.close()


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _count_server_checks(monkeypatch) -> list:
    """Cursors opened on the raw connection from now on (Django's check opens one for SELECT 1)."""
    opened = []
    cursor = connection.connection.cursor

    def counted(*args, **kwargs):
        opened.append("cursor")
        return cursor(*args, **kwargs)

    monkeypatch.setattr(connection.connection, "cursor", counted)
    return opened


def _wait_readable(timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not select.select([connection.connection.pgconn.socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the server said nothing"


def test_an_idle_connection_is_usable_without_a_round_trip(monkeypatch):
    assert type(connections["default"]).__module__ == "opsportal.postgresql.base"
    _pid()
    sent = _count_server_checks(monkeypatch)
    assert connection.is_usable()
    assert sent == []


def test_a_connection_the_server_ended_is_found_and_replaced():
    before = _pid()
    with _other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [before])
    _wait_readable()
    assert not connection.is_usable()
    # What Django does at a request's first query with CONN_HEALTH_CHECKS.
    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()
    assert _pid() != before


def test_a_socket_with_something_to_say_is_checked_with_the_server(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("LISTEN opsportal_health_check")
    with _other_connection() as other:
        other.execute("NOTIFY opsportal_health_check")
    _wait_readable()
    sent = _count_server_checks(monkeypatch)
    assert connection.is_usable()
    assert sent == ["cursor"]
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
