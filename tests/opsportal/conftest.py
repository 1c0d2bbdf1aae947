"""Real services for the outbox tests: an SMTP server on loopback, Redis, Celery worker processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordingHandler:
    """An aiosmtpd handler that keeps what it accepts and can misbehave on demand.

    - ``refuse_first``: answer the first N RCPT commands per address with 451 (try again later);
    - ``block_first``: hold the first MAIL command until ``release`` is set (a send in flight),
      signalling ``in_flight``; the connection is then dropped without accepting anything.
    """

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse_first = 0
        self.refused: dict[str, int] = {}
        self.block_first = False
        self.in_flight = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.block_first and not self.in_flight.is_set():
            self.in_flight.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.2 Shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            seen = self.refused.get(address, 0)
            if seen < self.refuse_first:
                self.refused[address] = seen + 1
                return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def received(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for rcpts, _content in self.messages:
                for rcpt in rcpts:
                    counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts

    def parsed(self):
        with self.lock:
            return [message_from_bytes(content) for _rcpts, content in self.messages]


@pytest.fixture
def smtp_server():
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        skip_or_fail("aiosmtpd is not installed")
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    try:
        controller.start()
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"cannot start an SMTP server on loopback: {error}")
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def redis_url():
    url = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Redis is not reachable at {url}: {error}")
    return url


class Workers:
    """Celery worker processes on the test database, each in its own process group."""

    def __init__(self, redis_url: str, smtp_url: str, database_url: str, tmp_path: Path):
        self.queue = f"opsportal-test-{uuid.uuid4().hex[:12]}"
        self.redis_url = redis_url
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.opsportal.worker_settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": redis_url,
            "EMAIL_URL": smtp_url,
            "OPSPORTAL_TEST_QUEUE": self.queue,
            "OPSPORTAL_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(ROOT),
        }
        self.processes: dict[str, tuple[subprocess.Popen, Path]] = {}
        from celery import Celery

        # The test's own producer: same broker, queue and key prefix as the workers.
        self.app = Celery("opsportal-test-producer", broker=redis_url)
        self.app.conf.broker_transport_options = {"global_keyprefix": f"{self.queue}:"}
        self.app.conf.task_default_queue = self.queue

    def start(self, name: str, timeout: float = 60) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "opsportal", "worker", "-Q", self.queue, "-n", f"{name}@%h",
            "-P", "prefork", "-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = (process, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"worker {name} exited at start:\n{log.read_text()[-4000:]}")
            if b" ready." in log.read_bytes():
                return process
            time.sleep(0.2)
        pytest.fail(f"worker {name} not ready after {timeout}s:\n{log.read_text()[-4000:]}")

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its pool: as if its machine died mid-task."""
        process, _log = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def send(self, task: str, *args) -> None:
        self.app.send_task(task, args=args, queue=self.queue)

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{log.read_text()[-3000:]}" for name, (_p, log) in self.processes.items())

    def stop(self) -> None:
        for name in self.processes:
            self.kill(name)  # before the test database is flushed; nothing of theirs needs to survive
        import redis

        client = redis.Redis.from_url(self.redis_url)
        keys = list(client.scan_iter(f"{self.queue}*"))
        if keys:
            client.delete(*keys)
        self.app.close()


@pytest.fixture
def celery_workers(transactional_db, redis_url, smtp_server, tmp_path):
    """Start real workers with ``celery_workers.start(name)``; they use this test's database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("worker tests need PostgreSQL: a worker process cannot share an in-memory test database")
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    database_url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    workers = Workers(redis_url, smtp_server.url, database_url, tmp_path)
    yield workers
    workers.stop()
