#!/usr/bin/env bash
# The read replica for real (docs/reliability.md, "Read replica"), one command:
#   bash scripts/replica.sh                # the report, export and replica tests, about 2 minutes
#   bash scripts/replica.sh -k paused      # one of them (pytest -k)
# Starts a primary PostgreSQL cluster and a streaming replica made from it with pg_basebackup, both
# on free loopback ports as the postgres user (tests/replica/cluster.py), runs the tests with
# DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica, and stops both. The
# machine's shared PostgreSQL is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
[ -x .venv/bin/pytest ] || bash scripts/setup.sh
exec .venv/bin/python -m tests.replica.cluster --timeout 600 "$@"
