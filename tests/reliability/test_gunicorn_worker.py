"""The kernel behaviour the stopping web worker relies on (opsportal.gunicorn_worker): once the
drop filter is on a listener, a connection already queued can still be accepted and answered,
and a new one never enters the queue (so closing the listener afterwards resets nobody)."""

from __future__ import annotations

import contextlib
import socket
import sys

import pytest

from opsportal.gunicorn_worker import others_hold, refuse_new_connections

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_ATTACH_FILTER is Linux's")


@contextlib.contextmanager
def _listener_with_a_queued_request(request: bytes):
    """A loopback listener with one connection waiting in its queue, ``request`` already sent."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        queued = socket.create_connection(listener.getsockname(), timeout=2)
        if request:
            queued.sendall(request)
        yield listener, queued


@contextlib.contextmanager
def _another_process(holding: socket.socket | None = None):
    """A process that waits on its stdin, with ``holding``'s descriptor open in it if given."""
    import subprocess

    fds = [holding.fileno()] if holding is not None else []
    waiting = [sys.executable, "-c", "import sys; sys.stdin.read()"]
    child = subprocess.Popen(waiting, stdin=subprocess.PIPE, pass_fds=fds)
    try:
        yield child
    finally:
        child.stdin.close()
        child.wait(timeout=10)


def test_a_filtered_listener_keeps_its_queue_and_admits_no_new_connection():
    with _listener_with_a_queued_request(b"ping") as (listener, queued):
        address = listener.getsockname()

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
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with _another_process(holding=listener):
            assert others_hold(listener) is True


def _recycling_worker(listener, submitted: list):
    """A web worker whose loop is already on its way out (max_requests reached), as gunicorn
    leaves it: not alive, still holding the listener and its thread pool."""
    import logging
    from concurrent.futures import Future
    from types import SimpleNamespace

    from opsportal.gunicorn_worker import DrainingThreadWorker

    worker = DrainingThreadWorker.__new__(DrainingThreadWorker)
    worker.alive, worker.sockets, worker.nr_conns, worker.cfg = False, [listener], 0, None
    worker.log = logging.getLogger("tests.gunicorn_worker")
    worker.tpool = SimpleNamespace(submit=lambda handle, conn: submitted.append(conn) or Future())
    return worker


def test_a_worker_recycling_when_the_stop_comes_takes_the_queue_in():
    """Both workers recycling as TERM came (seen in CI): nobody took the queue in, and 32 queued
    requests were reset. Now the leaving worker takes it in and closes the door."""
    import signal

    with _listener_with_a_queued_request(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n") as (listener, queued):
        address = listener.getsockname()
        submitted: list = []
        worker = _recycling_worker(listener, submitted)

        worker.handle_exit(signal.SIGTERM, None)

        assert worker.nr_conns == 1 and len(submitted) == 1  # accepted, handed to the pool
        late = socket.socket()
        late.settimeout(0.3)
        with pytest.raises(OSError):  # and nothing new enters the queue
            late.connect(address)
        late.close()
        submitted[0].sock.close()
        queued.close()


def test_a_worker_recycling_on_a_reload_leaves_the_queue_to_the_others():
    """A HUP or a plain recycle: the master keeps the listener, the queue is not at risk."""
    import signal

    with _listener_with_a_queued_request(b"") as (listener, queued), _another_process(holding=listener):
        submitted: list = []
        worker = _recycling_worker(listener, submitted)
        worker.handle_exit(signal.SIGHUP, None)
        assert worker.nr_conns == 0 and submitted == []
        queued.close()


class _Heartbeat:
    """A worker's heartbeat file as the master reads it: it moves once the worker's loop runs."""

    def __init__(self, beats_after: int):
        self.reads, self.beats_after = 0, beats_after

    def last_update(self) -> float:
        self.reads += 1
        return 1.0 if self.reads <= self.beats_after else 2.0


class _Master:
    """What the stop guard uses of gunicorn's arbiter: its listeners, workers, reaping, spawning."""

    def __init__(self, listener, worker_pids):
        import logging
        from types import SimpleNamespace

        self.LISTENERS, self.log, self.calls = [listener], logging.getLogger("tests.gunicorn_master"), []
        self.WORKERS = {pid: SimpleNamespace(tmp=_Heartbeat(beats_after=1)) for pid in worker_pids}

    def reap_workers(self):
        self.calls.append("reap")

    def spawn_worker(self):
        from types import SimpleNamespace

        self.calls.append("spawn")
        self.WORKERS[-1] = SimpleNamespace(tmp=_Heartbeat(beats_after=3))  # boots after a few reads
        return -1

    def stop(self, graceful=True):
        self.calls.append(("stop", graceful))


def test_a_stop_with_no_worker_holding_the_listener_starts_one_first():
    """Both workers had just recycled and the master had not replaced them when TERM came
    (scripts/deploy_check.py with fast recycling: 32 of 32 queued requests reset in 2 runs of 6).
    The master now starts a worker and waits for its first heartbeat before closing its listener."""

    from opsportal.gunicorn_worker import keep_a_worker_for_the_stop

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with _another_process() as gone:  # a worker on its way out: the listener closed
            master = _Master(listener, [gone.pid])
            keep_a_worker_for_the_stop(master)
            master.stop()
    assert master.calls == ["reap", "spawn", ("stop", True)]
    assert master.WORKERS[-1].tmp.reads > 3  # it waited for the heartbeat to move


def test_a_stop_with_a_worker_holding_the_listener_starts_none():

    from opsportal.gunicorn_worker import keep_a_worker_for_the_stop

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with _another_process(holding=listener) as serving:
            master = _Master(listener, [serving.pid])
            keep_a_worker_for_the_stop(master)
            master.stop()
            master.stop(graceful=False)  # a quick stop (QUIT, INT) checks nothing
    assert master.calls == ["reap", ("stop", True), ("stop", False)]
