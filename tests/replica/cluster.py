"""A real streaming replica on loopback, and the report and export tests run against it.

    .venv/bin/python -m tests.replica.cluster [more pytest arguments, e.g. -k lag]   (scripts/replica.sh)

Starts a primary PostgreSQL cluster and a second one made from it by ``pg_basebackup -R`` (a hot
standby streaming the primary's WAL), both on free loopback ports with the fault tests' helpers
(tests/reliability/stack.py), then runs pytest with ``DATABASE_URL`` on the primary and
``DATABASE_REPLICA_URL`` on the standby, and stops both clusters whatever happens. pytest creates
its test database on the primary; the standby replays it, and the replica alias reads it there
(``TEST: MIRROR`` keeps the standby's host and port and takes the test database's name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The helpers import the test suite's conftest, which needs Django's settings (no database is
# opened here): the plain defaults do.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsportal.settings")

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402

from tests.reliability.stack import ROOT, OwnPostgres, term_stops_cleanly  # noqa: E402

# The report and export tests, the router's, and the ones that need a real standby (marker
# ``replica``, left out of every other run by pyproject's addopts).
TESTS = [
    "tests/replica",
    "tests/opsportal/test_db_router.py",
    "tests/opsportal/test_reports_indonesia.py",
    "tests/opsportal/test_reports_views.py",
    "tests/opsportal/test_reports_schedule.py",
    "tests/opsportal/test_reports_hq_fresh_install.py",
    "tests/exports",
]


class OwnStandby(OwnPostgres):
    """A hot standby of ``primary``: its base backup, then the primary's WAL as it is written."""

    def init_from(self, primary: OwnPostgres) -> None:
        self.dir.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        # -R writes primary_conninfo and standby.signal; -X stream copies the WAL made meanwhile.
        self._run(str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(self.dir / "data"), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        self.start()


def main(args: list[str]) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="opsportal-replica-"))
    primary, standby = OwnPostgres(workdir), OwnStandby(workdir)
    with term_stops_cleanly():
        try:
            primary.init()
            standby.init_from(primary)
            env = {
                **os.environ,
                "DATABASE_URL": primary.url,
                "DATABASE_REPLICA_URL": standby.url,  # the same database, on the standby's port
            }
            env.pop("DJANGO_SETTINGS_MODULE", None)
            print(f"primary on port {primary.port}, streaming replica on port {standby.port}", flush=True)
            selected = ["-m", "replica or not faults", *TESTS]
            command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "--create-db", *selected, *args]
            return subprocess.run(command, cwd=ROOT, env=env).returncode
        finally:
            standby.destroy()
            primary.destroy()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except pytest.skip.Exception as skipped:  # no PostgreSQL server binaries on a laptop
        print(f"skipped: {skipped}")
        sys.exit(0)
