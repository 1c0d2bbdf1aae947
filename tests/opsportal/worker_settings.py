"""Settings of the Celery worker subprocesses started by tests/opsportal/test_tasks_worker.py.

The project's settings, plus: the test's own queue and Redis key prefix (so parallel test runs on
one Redis never take each other's tasks), and short timings so retries and recoveries happen
within seconds instead of minutes.
"""

import os

from opsportal.settings import *  # noqa: F403
from opsportal.settings import DATABASES

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["OPSPORTAL_TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": f"{CELERY_TASK_DEFAULT_QUEUE}:",
    "visibility_timeout": 5,  # a task of a killed worker returns to the queue after 5 s
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
EMAIL_TIMEOUT = 20
OPSPORTAL_MAIL_RETRY_BASE = 1
OPSPORTAL_MAIL_STUCK_AFTER = 4
OPSPORTAL_MAIL_ENQUEUE_LEASE = 2
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
