#!/usr/bin/env bash
# Sets up the checkout like scripts/run.sh and runs the whole test suite.
# DATABASE_URL picks the database (SQLite under var/ when unset; CI uses PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-auto}" "$@"
