"""Progress of a running import, readable by the web process while the worker's transaction is open.

The import runs in one transaction, so a progress column on the job would stay invisible until
the end. A small JSON file next to the uploads is visible at once to every process on the host
(the uploads themselves must already be shared between web and worker).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def report(job_id: int, *, done: int, total: int, phase: str) -> None:
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "phase": phase, "at": time.time()}))
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def read(job_id: int) -> dict | None:
    try:
        return json.loads(_path(job_id).read_text())
    except (FileNotFoundError, ValueError):
        return None


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


def percent(done: int, total: int) -> int:
    if total <= 0:
        return 0
    return max(0, min(100, int(done * 100 / total)))
