from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.scope import CountryScopedManager


class Notification(models.Model):
    """An entry in a person's portal inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    country = models.ForeignKey(
        "locales.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class ReminderDelivery(models.Model):
    """One reminder to one person for one occasion: the unique key makes sending idempotent."""

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
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # When the outbox sweeper looks at this row again: a retry's time, or the end of a send's lease.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_outbox_sweep")]

    def __str__(self) -> str:
        return self.key


class Milestone(models.Model):
    """Something worth announcing that happened once: an influencer's crossover, a challenge
    reaching its view target. The unique key is what makes the announcement (inbox, email,
    webhook) happen once per crossing, whichever door or batch brought the numbers, and however
    often they are replayed or corrected afterwards."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    country = models.ForeignKey(
        "locales.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(_("announced at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.key
