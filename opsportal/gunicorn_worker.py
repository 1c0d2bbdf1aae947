"""gunicorn's gthread worker with a stop that resets no queued connection (issue 19).

On TERM gunicorn's master closes its copy of the listening socket and tells the workers to stop;
each stops accepting, finishes what it holds and closes its copy. The last close destroys the
socket, and the kernel resets every connection still waiting in its listen queue: clients whose
request was already sent (measured: 8 resets under 8 clients, 24 under 32).

This worker closes the door before it empties the room. When no process but the workers holds the
listener any more (a stop; not a HUP reload, a recycled worker or a USR2 upgrade, where the master
or a new master keeps the socket and nothing is reset), it:

1. optionally keeps serving for ``GUNICORN_DRAIN_SECONDS`` while ``/readyz`` answers 503
   ``draining``, so a load balancer that polls it stops sending (default 0: the balancer is taken
   out first, docs/operations.md);
2. attaches a drop-everything socket filter to the listener: new connection attempts (SYNs) are
   dropped, so nothing more enters the queue (the client retries its SYN after a second and is
   then refused: no request was sent, a balancer retries it elsewhere);
3. accepts everything already queued and serves it, then closes.

Linux only (``SO_ATTACH_FILTER``); elsewhere it behaves as the stock gthread worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import threading
import time
from pathlib import Path

from gunicorn.workers.gthread import ThreadWorker

SO_ATTACH_FILTER = 26  # <asm-generic/socket.h>
_draining = threading.Event()


def draining() -> bool:
    """True in a web worker that is stopping (its /readyz answers 503)."""
    return _draining.is_set()


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def refuse_new_connections(listener: socket.socket) -> bool:
    """Drop every packet that reaches ``listener`` from now on (classic BPF: ``ret #0``).

    Connections already in its accept queue stay there to be accepted. True if attached.
    """
    program = (_SockFilter * 1)(_SockFilter(0x06, 0, 0, 0))  # BPF_RET | BPF_K, accept 0 bytes
    fprog = _SockFprog(1, program)
    try:
        listener.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, bytes(fprog))
    except OSError:
        return False
    return True


def holds(pid: int, inodes: set[int]) -> bool:
    """Whether process ``pid`` has one of these sockets (by inode) open."""
    targets = {f"socket:[{inode}]" for inode in inodes}
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") in targets:
                return True
    return False


def others_hold(listener: socket.socket) -> bool:
    """Whether a process other than this worker and its fellow workers has this listening socket
    open: the master on a HUP reload or when a worker recycles itself, a new master after a USR2
    binary upgrade. gunicorn's master closes its listeners before it sends TERM for a stop, so
    False means the socket dies with the workers. Unknown (no /proc) counts as held: the stock path.
    """
    inodes = {os.fstat(listener.fileno()).st_ino}
    me, master = os.getpid(), os.getppid()
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return True
    for pid in pids:
        if pid == me:
            continue
        if pid != master:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == master:
                    continue  # a fellow worker: it stops too
            except (OSError, ValueError, IndexError):
                continue  # gone, or another user's process (which cannot hold our socket)
        if holds(pid, inodes):
            return True
    return False


# How long a stop waits for the worker it starts to take the queue in (a preloaded fork boots in
# well under a second; without preload the app's import takes a few).
BOOT_WAIT_SECONDS = 10.0


def keep_a_worker_for_the_stop(arbiter) -> None:
    """Make the master's graceful stop leave the listen queue to a worker.

    The master closes its listeners first, then sends TERM; the workers take in what is queued
    (``DrainingThreadWorker``). But if every worker has just left (each reached ``max_requests``
    and the master has not replaced them yet: seen in ``scripts/deploy_check.py`` with fast
    recycling, 32 of 32 queued requests reset), the master's close is the last one and the kernel
    resets the queue. So at a stop the master first checks that some worker still holds the
    listener, and otherwise starts one and waits for its first heartbeat (it serves from then on).
    Called from ``when_ready`` (gunicorn.conf.py) on the master's arbiter.
    """
    stop = arbiter.stop

    def stop_leaving_the_queue_to_a_worker(graceful=True):
        if graceful and arbiter.LISTENERS:
            try:
                _ensure_a_worker_holds_the_listeners(arbiter)
            except Exception:  # noqa: BLE001 - never let the guard keep the server from stopping
                arbiter.log.warning("Could not check the workers before stopping", exc_info=True)
        stop(graceful)

    arbiter.stop = stop_leaving_the_queue_to_a_worker


def _ensure_a_worker_holds_the_listeners(arbiter) -> None:
    arbiter.reap_workers()  # forget the workers that have exited
    inodes = {os.fstat(listener.fileno()).st_ino for listener in arbiter.LISTENERS}
    if any(holds(pid, inodes) for pid in list(arbiter.WORKERS)):
        return
    arbiter.log.info("No worker holds the listener at the stop: starting one to take the queue in")
    pid = arbiter.spawn_worker()  # the child never returns here
    heartbeat = arbiter.WORKERS[pid].tmp
    first = heartbeat.last_update()
    deadline = time.monotonic() + BOOT_WAIT_SECONDS
    while heartbeat.last_update() == first and time.monotonic() < deadline:
        time.sleep(0.01)


class DrainingThreadWorker(ThreadWorker):
    drain_seconds = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "0"))

    def _socket_dies_with_us(self) -> bool:
        return bool(self.sockets) and not any(others_hold(s) for s in self.sockets)

    def handle_exit(self, sig, frame):
        if _draining.is_set():
            return
        if not self.alive:
            # Already on its way out (max_requests reached) when the stop came. With every worker
            # recycling at that moment nobody else takes the queue in, and the kernel resets it
            # when the last copy of the listener closes (seen in CI: 32 of 32 queued requests
            # reset). So a leaving worker takes it in too, at once: its loop may be past the
            # point where it would have. Its thread pool serves them before the process exits.
            if not getattr(self, "_stopping", False) and self._socket_dies_with_us():
                self._stopping = True
                with contextlib.suppress(OSError, RuntimeError):  # the pool may be shut already
                    self._take_in_the_queue()
            return
        stopping = self._socket_dies_with_us()
        if not stopping or self.drain_seconds <= 0:
            self._stopping = stopping
            super().handle_exit(sig, frame)
            return
        self._stopping = True
        _draining.set()
        self.log.info("Draining for %.1f s before stopping", self.drain_seconds)
        timer = threading.Timer(self.drain_seconds, super().handle_exit, args=(sig, frame))
        timer.daemon = True
        timer.start()

    def set_accept_enabled(self, enabled):
        if not enabled and not self.alive and getattr(self, "_stopping", False):
            self._take_in_the_queue()
        super().set_accept_enabled(enabled)

    def _take_in_the_queue(self) -> None:
        """Close the door (filter), then accept every connection already queued."""
        for listener in self.sockets:
            sock = getattr(listener, "sock", listener)
            if not refuse_new_connections(sock):
                continue
            sock.setblocking(False)
            taken, started = 0, time.monotonic()
            # Bounded: after the filter nothing new arrives; the backlog caps the count anyway.
            while time.monotonic() - started < 5:
                before = self.nr_conns
                self.accept(listener)
                if self.nr_conns == before:
                    break
                taken += 1
            if taken:
                self.log.info("Took %d queued connection(s) before closing the listener", taken)
