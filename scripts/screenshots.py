#!/usr/bin/env python
"""Take the README's portal screenshots into docs/screenshots/ (needs Chromium and PostgreSQL or SQLite).

.venv/bin/python scripts/screenshots.py              # all, including dashboard-id/th/ja.png
.venv/bin/python scripts/screenshots.py --languages  # only the dashboard in each language
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = "tests/browser/test_screenshots.py"
LANGUAGES = "tests/browser/test_languages.py::test_language_screenshots"

if __name__ == "__main__":
    env = {**os.environ, "OPSPORTAL_SCREENSHOTS": "1"}
    targets = [LANGUAGES] if "--languages" in sys.argv[1:] else [PAGES, LANGUAGES]
    command = [sys.executable, "-m", "pytest", *targets, "-q", "-p", "no:randomly"]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))
