#!/usr/bin/env bash
# Runs the whole product on the embedded default: web server, Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py seed_demo
echo
echo "OpsPortal is starting on http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
echo "Sign in as id-operator, id-lead, id-gr or admin with the password printed above."
echo "Emails are written to var/mail/."
exec .venv/bin/honcho -f Procfile.dev start
