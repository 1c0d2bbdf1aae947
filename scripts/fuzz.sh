#!/usr/bin/env bash
# schemathesis over every API operation against the portal's own schema (docs/reliability.md):
#   bash scripts/fuzz.sh                      # 30 examples per operation
#   FUZZ_EXAMPLES=100 bash scripts/fuzz.sh
#   FUZZ_SERVICES=own bash scripts/fuzz.sh    # on a PostgreSQL and Redis of its own (CI)
# Serves the seeded demo data with gunicorn (DJANGO_DEBUG=0) on a free loopback port, over a
# throw-away SQLite database (or, with FUZZ_SERVICES=own, its own PostgreSQL cluster and Redis on
# free ports, stopped at the end) unless FUZZ_DATABASE_URL names an existing one (it is migrated and
# seeded, and the fuzzer writes into it: never point it at real data). The token reads and writes every demo country, government data
# included, with a raised throttle. schemathesis lives in its own virtualenv (var/fuzz-venv):
# its dependencies stay out of the application's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCHEMATHESIS_VERSION=4.32.5
FUZZ_VENV=${FUZZ_VENV:-$ROOT/var/fuzz-venv}
if [ ! -x "$FUZZ_VENV/bin/schemathesis" ]; then
  python3 -m venv "$FUZZ_VENV"
  "$FUZZ_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x .venv/bin/python ] || bash scripts/setup.sh

work=$(mktemp -d /tmp/opsportal-fuzz.XXXXXX)
chmod 755 "$work"
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "${pg_ctl:-}" ]; then $as_postgres "$pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export OPSPORTAL_VAR_DIR=$work/var
export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="fuzz-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 API_THROTTLE_RATE=1000000/min
export CELERY_TASK_ALWAYS_EAGER=1 LOG_LEVEL=WARNING
unset CACHE_URL CELERY_BROKER_URL
if [ "${FUZZ_SERVICES:-}" = own ]; then
  # CI: a PostgreSQL cluster and a Redis of its own on free loopback ports (as the fault tests).
  bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  pg_ctl=$bin/pg_ctl
  as_postgres=""
  if [ "$(id -u)" = 0 ]; then as_postgres="runuser -u postgres --"; mkdir -p "$work/pg" && chown postgres "$work/pg"; fi
  pg_port=$(free_port)
  $as_postgres "$bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 >/dev/null
  $as_postgres "$pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  $as_postgres "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres opsportal_fuzz
  export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/opsportal_fuzz
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  pids+=($!)
  export CACHE_URL=redis://127.0.0.1:$redis_port/1
else
  export DATABASE_URL=${FUZZ_DATABASE_URL:-sqlite:///$work/db.sqlite3}
fi

.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo >/dev/null
key=$(.venv/bin/python manage.py create_api_token --name "fuzz-$$" --countries ID,TH,MY,KH,VN,JP \
  --scopes read,write,government,finance | tail -1)
.venv/bin/python manage.py spectacular --file "$work/schema.yaml"

port=$(free_port)
.venv/bin/python -m gunicorn opsportal.wsgi -c gunicorn.conf.py --workers 2 --bind "127.0.0.1:$port" \
  >"$work/gunicorn.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done

status=0
"$FUZZ_VENV/bin/schemathesis" run "$work/schema.yaml" --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --max-examples "${FUZZ_EXAMPLES:-30}" --workers 2 --seed "${FUZZ_SEED:-19}" \
  --request-timeout 30 --no-color "$@" || status=$?
echo "5xx lines in the server log: $(grep -c '" 5[0-9][0-9]\| 5[0-9][0-9]$' "$work/gunicorn.log" || true)"
exit $status
