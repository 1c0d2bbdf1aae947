"""Logging: a timestamp and a level on every line, JSON lines when asked, one access line per request.

- ``LOG_FORMAT=json`` writes one JSON object a line (for a log shipper); the default is text.
- Every request gets a request id (the proxy's ``X-Request-ID`` when it is a sane token, else a
  new one), echoed in the response and written on every line logged while it runs, including
  the lines of the Celery tasks it enqueues (carried in the task message's headers).
- A refused request (4xx) is the access line alone: status, path, user. Django's own
  "Forbidden"/"Not Found" records are dropped, and their tracebacks with them.
- A database or broker outage (answered 503, opsportal.availability) is one line, not a traceback.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("opsportal_request_id", default="-")

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
TASK_HEADER = "opsportal_request_id"
access_log = logging.getLogger("opsportal.access")

# Attributes every LogRecord has; anything else on a record is an ``extra`` worth writing.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Stamps the current request (or task) id on every record, for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class QuietRefusalsFilter(logging.Filter):
    """Drops what the access line already says, and shortens outage errors to one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name in ("django.request", "django.server"):
            status = getattr(record, "status_code", None)
            if status is not None and status < 500:
                return False  # the access line names the status, path and user
        if record.name == "kombu.connection" and str(record.msg).startswith("No hostname was supplied"):
            # The embedded filesystem broker has no host; kombu warns on every connection clone.
            return False
        if record.exc_info and record.exc_info[1] is not None:
            from opsportal.availability import unavailable_error

            service = unavailable_error(record.exc_info[1])
            if service:
                error = record.exc_info[1]
                detail = f"{type(error).__name__}: {error}".replace("\n", " ")
                record.msg = f"{record.getMessage()} -> 503 ({service} unavailable: {detail})"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING dict for settings: the same handlers for the web, the worker and beat."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "quiet_refusals": {"()": QuietRefusalsFilter},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id", "quiet_refusals"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # gunicorn's own lines go through the same handler (gunicorn.conf.py), so they
            # carry a timestamp and a level too; its access log is replaced by ours.
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def _user_label(request) -> str:
    user = getattr(request, "user", None)
    # Only read a user already loaded: evaluating the lazy user here would hit the database
    # for anonymous requests, and during an outage would fail again.
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or type(wrapped).__name__ == "object" or not getattr(wrapped, "is_authenticated", False):
        return "-"
    if getattr(wrapped, "is_token", False):
        return f"token:{wrapped.token.pk}"
    return getattr(wrapped, "username", "") or str(getattr(wrapped, "pk", "-"))


class AccessLogMiddleware:
    """One line per request: method, path, status, duration, user, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SANE_ID.match(incoming) else new_request_id()
        request.request_id = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            status = response.status_code
            level = logging.ERROR if status >= 500 and status != 503 else logging.INFO
            access_log.log(
                level,
                "%s %s %s",
                request.method,
                request.get_full_path()[:500],
                status,
                extra={
                    "method": request.method,
                    "path": request.path[:500],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": _user_label(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


# --- Celery: the request id travels with the task -----------------------------------------
def attach_request_id(headers: dict | None = None, **kwargs) -> None:
    """before_task_publish: stamp the current request id on the outgoing task message."""
    rid = request_id_var.get()
    if headers is not None and rid != "-":
        headers.setdefault(TASK_HEADER, rid)


def adopt_request_id(task=None, **kwargs) -> None:
    """task_prerun: a task's log lines carry the request id of the request that enqueued it."""
    request = getattr(task, "request", None)
    rid = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    request_id_var.set(rid or f"task-{getattr(request, 'id', None) or new_request_id()}")
