#!/usr/bin/env python
"""Take the README's portal screenshots into docs/screenshots/ (needs Chromium and PostgreSQL or SQLite).

.venv/bin/python scripts/screenshots.py
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    env = {**os.environ, "OPSPORTAL_SCREENSHOTS": "1"}
    command = [sys.executable, "-m", "pytest", "tests/browser/test_screenshots.py", "-q", "-p", "no:randomly"]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))
