#!/usr/bin/env bash
# The fault, load and backup/restore tests (docs/reliability.md), one command:
#   bash scripts/faults.sh                 # all of them, about 12 minutes
#   bash scripts/faults.sh -k redis        # one of them (pytest -k)
# Each test starts its own PostgreSQL cluster (initdb, as the postgres user), its own Redis, gunicorn
# and Celery on free loopback ports, and stops only those: the machine's shared services are not
# touched. Needs PostgreSQL's server binaries and redis-server (installed here when missing, as
# .ci/run does for its services). Traffic goes to 127.0.0.1 only and every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/pytest ] || bash scripts/setup.sh
# -s: each test prints its measured figures (the lines docs/reliability.md quotes).
exec .venv/bin/pytest -m faults --timeout 900 tests/reliability/test_faults.py tests/reliability/test_deploy.py -s -o log_cli=false "$@"
