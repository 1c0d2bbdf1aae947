"""Celery tasks: thin wrappers that load an id and call the delivery service."""

from celery import shared_task

from opsportal.audit import audit_context
from opsportal.db import Door

from . import services


# Named as before the app left opsportal/: queued messages and the beat schedule carry the names.
@shared_task(
    name="opsportal.webhooks.tasks.deliver_webhook", bind=True, max_retries=None, acks_late=True, ignore_result=True
)
def deliver_webhook(self, delivery_id: int) -> str:
    """Send one delivery; on failure re-queue itself with exponential backoff.

    The number of attempts is bounded by the service (it logs each one), not by Celery.
    """
    with audit_context(Door.TASK):
        outcome = services.attempt_delivery(delivery_id)
        # Eager mode (development, tests) has no broker to hold a countdown: try again at once
        # (Celery's eager retry would otherwise raise into the caller). Attempts stay bounded.
        while outcome.retry_in is not None and self.request.is_eager:
            outcome = services.attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="opsportal.webhooks.tasks.requeue_stuck_webhook_deliveries", ignore_result=True)
def requeue_stuck_webhook_deliveries() -> int:
    """Periodic safety net: queue again the deliveries whose task never ran."""
    ids = list(services.stuck_deliveries())
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)
