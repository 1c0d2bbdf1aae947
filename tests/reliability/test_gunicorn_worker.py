"""The kernel behaviour the stopping web worker relies on (opsportal.gunicorn_worker): once the
drop filter is on a listener, a connection already queued can still be accepted and answered,
and a new one never enters the queue (so closing the listener afterwards resets nobody)."""

from __future__ import annotations

import socket
import sys

import pytest

from opsportal.gunicorn_worker import master_holds, refuse_new_connections

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_ATTACH_FILTER is Linux's")


def test_a_filtered_listener_keeps_its_queue_and_admits_no_new_connection():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        address = listener.getsockname()
        queued = socket.create_connection(address, timeout=2)
        queued.sendall(b"ping")

        assert refuse_new_connections(listener)
        late = socket.socket()
        late.settimeout(0.3)
        with pytest.raises(OSError):  # the SYN is dropped: no handshake, nothing queued
            late.connect(address)
        late.close()

        listener.settimeout(2)
        accepted, _peer = listener.accept()
        assert accepted.recv(4) == b"ping"
        accepted.sendall(b"pong")
        assert queued.recv(4) == b"pong"
        accepted.close()
        queued.close()
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_a_listener_only_this_process_holds_is_not_the_masters():
    # The test process's parent (the shell or pytest-xdist's controller) does not hold it.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        assert master_holds(listener) is False
