import logging
import os

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsportal.settings")

log = logging.getLogger(__name__)


def survive_closed_broker_connection() -> None:
    """Keep the worker alive when Redis goes away while it holds unacknowledged messages.

    kombu 5.7.0's Redis transport restores a closing channel's unacknowledged messages by
    opening a new client, but by then ``Connection._close`` may have detached the transport
    (``transport.client is None``): ``_connparams`` raises AttributeError('hostname'), which is
    not a connection error, and the worker stops with "Unrecoverable error" (issue 19: twice out
    of twice with 30 and 56 unacked countdown tasks; tests/reliability/test_faults.py reproduces
    it). Nothing can be written to a Redis that is away anyway: the messages stay in Redis's
    unacked index and ``restore_visible`` hands them out again after ``visibility_timeout``, and
    whatever Redis lost is re-sent from PostgreSQL by the outbox and webhook sweeps.
    """
    try:
        from kombu.transport import redis as kombu_redis
    except ImportError:  # pragma: no cover - redis is a runtime dependency
        return
    original = kombu_redis.QoS.restore_unacked
    if getattr(original, "opsportal_patched", False):
        return

    def restore_unacked(self, client=None):
        if client is None and getattr(self.channel.connection, "client", None) is None:
            log.warning(
                "broker connection closed: %s unacknowledged message(s) stay in Redis and are "
                "redelivered after the visibility timeout",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return original(self, client)

    restore_unacked.opsportal_patched = True
    kombu_redis.QoS.restore_unacked = restore_unacked


survive_closed_broker_connection()


class CountryScopedTask(Task):
    """Every task runs in the system scope (every country): its queries on country-scoped
    models would otherwise raise (opsportal.scope.ScopeError). A task acting for someone
    narrows with their Access explicitly."""

    def __call__(self, *args, **kwargs):
        from opsportal.scope import system_scope

        with system_scope():
            return super().__call__(*args, **kwargs)


app = Celery("opsportal", task_cls=CountryScopedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    from opsportal.logs import attach_request_id

    attach_request_id(headers=headers)


@signals.task_prerun.connect
def _adopt_request_id(task=None, **kwargs):
    from opsportal.logs import adopt_request_id

    adopt_request_id(task=task)


@signals.worker_ready.connect
def _worker_heartbeat(sender=None, **kwargs):
    from opsportal.models.heartbeat import beat

    try:
        beat("worker", detail=str(getattr(sender, "hostname", "")))
    except Exception:  # noqa: BLE001 - a worker starting during a database outage still starts
        log.warning("could not record the worker heartbeat", exc_info=True)
