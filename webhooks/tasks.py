"""Celery tasks: thin wrappers that load an id and call the delivery service."""

from celery import shared_task

from opsportal.audit import audit_context
from opsportal.db import Door

from . import services

# Retries further off than this are left to the sweep (the row holds its next attempt time), as
# for email: a countdown longer than the broker's visibility timeout would be redelivered early.
LONGEST_COUNTDOWN = 5 * 60


# Named as before the app left opsportal/: queued messages and the beat schedule carry the names.
@shared_task(
    name="opsportal.webhooks.tasks.deliver_webhook", bind=True, max_retries=None, acks_late=True, ignore_result=True
)
def deliver_webhook(self, delivery_id: int) -> str:
    """Send one delivery; on a failure worth retrying soon, re-queue itself after the backoff.

    The number of attempts is bounded by the outbox (the row counts them), not by Celery.
    """
    with audit_context(Door.TASK):
        outcome = services.attempt_delivery(delivery_id)
        # Eager mode (development, tests) has no broker to hold a countdown: try again at once
        # (Celery's eager retry would otherwise raise into the caller). Attempts stay bounded.
        while outcome.retry_in is not None and self.request.is_eager:
            outcome = services.attempt_delivery(delivery_id)
    if outcome.retry_in is not None and outcome.retry_in <= LONGEST_COUNTDOWN:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="opsportal.webhooks.tasks.requeue_stuck_webhook_deliveries", ignore_result=True)
def requeue_stuck_webhook_deliveries() -> int:
    """Every minute (beat): the outbox sweep for webhooks; hands again the deliveries that are due
    (a retry's time has come, a task was lost, a worker died while sending)."""
    ids = list(services.sweep())
    for delivery_id in ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # noqa: BLE001 - the broker is away: the rows stay queued for the next sweep
            services.log.warning("Could not queue webhook delivery %s; the next sweep will", delivery_id)
            break
    return len(ids)
