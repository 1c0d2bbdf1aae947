#!/usr/bin/env bash
# Prepares a checkout: virtual environment, pinned requirements, compiled translations,
# static files and migrations. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Some machines' pip configuration names package folders that don't exist; pip warns once per
  # package. Those lines are noise, so they are dropped (pip's own exit status still counts).
  quiet() { "$@" 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; }; }
  quiet .venv/bin/pip install -q --upgrade pip
  quiet .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
mkdir -p var
.venv/bin/python manage.py migrate --no-input -v0
