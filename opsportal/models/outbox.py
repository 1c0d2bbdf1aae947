"""The outbox rows: what every message to send (an email, a webhook delivery) records of its sending.

``OutboxRow`` holds the fields the core (``opsportal.outbox``) reads and writes, with the one
``DeliveryStatus``; each channel's row adds its own (an email's key and recipient, a webhook's
subscription and attempt log).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class OutboxRow(models.Model):
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the outbox sweep looks at this row again: a retry's time, or the end of a lease (a worker
    # sending it, or a task already handed to the broker).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class ReminderDelivery(OutboxRow):
    """One email to one person for one occasion: the unique key makes sending idempotent."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # An address outside the staff (a country's extra report recipients); people get their current email.
    to_email = models.EmailField(_("address"), blank=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_outbox_sweep")]

    def __str__(self) -> str:
        return self.key
