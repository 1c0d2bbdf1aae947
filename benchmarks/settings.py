"""Settings for serving the benchmark: the project's own, plus the baseline views' URLs."""

import datetime as _dt

import opsportal.timecheck as _timecheck
from opsportal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# bench_api posts its batches into a range ahead of the seeded data (so every row is new and
# every cached total moves) and deletes them afterwards; the server it starts (and only that
# one) accepts dates that far ahead.
_timecheck.FUTURE_SLACK = _dt.timedelta(days=800)
