"""The kernel behaviour the stopping web worker relies on (opsportal.gunicorn_worker): once the
drop filter is on a listener, a connection already queued can still be accepted and answered,
and a new one never enters the queue (so closing the listener afterwards resets nobody)."""

from __future__ import annotations

import socket
import sys

import pytest

from opsportal.gunicorn_worker import others_hold, refuse_new_connections

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


def test_a_listener_only_this_process_holds_is_held_by_no_other():
    # Neither the test process's parent (the shell or pytest-xdist's controller) nor any other
    # process holds it: a stopping worker in this position attaches the filter.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        assert others_hold(listener) is False


def test_a_listener_a_child_process_also_holds_is_held_by_another():
    import subprocess

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        child = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, pass_fds=[listener.fileno()]
        )
        try:
            assert others_hold(listener) is True
        finally:
            child.stdin.close()
            child.wait(timeout=10)
