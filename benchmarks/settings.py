"""Settings for serving the benchmark: the project's own, plus the baseline views' URLs."""

from opsportal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
