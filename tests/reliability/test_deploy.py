"""Deploys under load (scripts/deploy_check.py): gunicorn with 2 workers over SQLite, clients
requesting back to back. Run: ``bash scripts/faults.sh -k deploy``.

- HUP (reload) with 8 clients: no error; the longest request under 1 s (a timing target, asserted
  with OPSPORTAL_TIMING_TARGETS=1: see tests/reliability/stack.py).
- TERM (stop) with 32 clients, 4x the 8 threads, so most requests wait in the listen queue: every
  request sent before TERM is answered and none sent after is reset (they are refused instead).
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.reliability.stack import ROOT, timing_target

pytestmark = [pytest.mark.faults]


def test_term_resets_no_queued_request_and_a_hup_stalls_under_a_second():
    spec = importlib.util.spec_from_file_location("deploy_check", ROOT / "scripts" / "deploy_check.py")
    deploy_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(deploy_check)
    report = deploy_check.main("draining", "preload")
    print(f"\nDeploy: {report}")
    hup, term = report["hup"], report["term"]
    assert hup["errors"] == 0
    timing_target(hup["stall_s"] < 1.0, "a HUP stalls requests under 1 s", hup)
    assert term["before_term"] > 8  # requests really were queued when TERM arrived
    assert term["before_term_answered"] == term["before_term"]
    assert term["reset"] == 0
