#!/usr/bin/env bash
# Runs the whole product on the embedded default: web server, Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
# PORT moves the address; links in emails and feeds follow it (the worker reads the same URL).
export PORT="${PORT:-8000}"
export OPSPORTAL_BASE_URL="${OPSPORTAL_BASE_URL:-http://127.0.0.1:$PORT}"
bash scripts/setup.sh
# Loads the demo story into an empty database only: what people changed survives a restart.
.venv/bin/python manage.py seed_demo
echo
echo "OpsPortal is starting on $OPSPORTAL_BASE_URL/  (admin: $OPSPORTAL_BASE_URL/admin/)"
echo "Sign in as id-operator, id-lead, id-gr or admin with the password printed above."
echo "Emails are written to ${OPSPORTAL_VAR_DIR:-var}/mail/. Django's debug pages: DJANGO_DEBUG_PAGES=1 make run."
# honcho gives each process its own PORT counting up from -p: the web server gets ours.
exec .venv/bin/honcho -f Procfile.dev start -p "$PORT"
