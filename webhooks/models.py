"""Integrations subscribe to record events; every delivery attempt is logged."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped
from opsportal.models.outbox import DeliveryStatus, OutboxRow  # noqa: F401  (DeliveryStatus: imported from here by the app)
from opsportal.scope import CountryScopedManager

SECRET_PREFIX = "whsec_"


class EventType(models.TextChoices):
    CHALLENGE_WENT_LIVE = "challenge.went_live", _("Challenge went live")
    INFLUENCER_ONBOARDED = "influencer.onboarded", _("Influencer onboarded")
    INFLUENCER_CROSSED_OVER = "influencer.crossed_over", _("Influencer crossed over to our platform")
    CHALLENGE_TARGET_REACHED = "challenge.target_reached", _("Challenge reached its view target")
    INCIDENT_OPENED = "incident.opened", _("Regulatory incident opened")
    REPORT_SENT = "report.sent", _("Weekly report sent")
    AGREEMENT_CREATED = "agreement.created", _("Creator agreement created")
    AGREEMENT_STATUS_CHANGED = "agreement.status_changed", _("Creator agreement's status changed")
    PAYMENT_PAID = "payment.paid", _("Creator payment paid")
    REQUEST_RECEIVED = "regulator_request.received", _("Regulator request received")
    REQUEST_CLOSED = "regulator_request.closed", _("Regulator request closed")
    GOAL_SET = "goal.set", _("Country goal set")


# Confidential: delivered only to subscriptions allowed government events, in listed countries.
GOVERNMENT_EVENTS = frozenset({EventType.INCIDENT_OPENED, EventType.REQUEST_RECEIVED, EventType.REQUEST_CLOSED})
# Money (fees, payments): only to subscriptions allowed finance events, in listed countries, whose
# owner holds finance.view there (the same rule as government events, with the finance right).
FINANCE_EVENTS = frozenset({EventType.AGREEMENT_CREATED, EventType.AGREEMENT_STATUS_CHANGED, EventType.PAYMENT_PAID})


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class WebhookSubscription(TimeStamped):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where OpsPortal POSTs each event."))
    # Kept in clear: it must sign every delivery. Shown once when made or rotated.
    secret = models.CharField(_("signing secret"), max_length=100, default=generate_secret)
    event_types = models.JSONField(_("event types"), default=list, help_text=_("Which events to receive."))
    countries = models.ManyToManyField(
        "opsportal.Country",
        verbose_name=_("countries"),
        blank=True,
        related_name="+",
        help_text=_("Events of these countries only. Empty: every country (never government events)."),
    )
    allow_government = models.BooleanField(
        _("government events"),
        default=False,
        help_text=_("Confidential: regulatory incidents and regulator requests of the listed countries."),
    )
    allow_finance = models.BooleanField(
        _("finance events"),
        default=False,
        help_text=_("Money: creator agreements and payments of the listed countries."),
    )
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    # Whose rights bound what it receives; neither for one made by an administrator.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    owner_token = models.ForeignKey(
        "opsportal.ApiToken",
        verbose_name=_("owner API token"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_enabled(self) -> bool:
        return self.active and self.disabled_at is None


class ApiDeliveryStatus(models.TextChoices):
    """A delivery's status as the API has always shown it (``DeliverySerializer``).

    The rows keep the outbox's one ``DeliveryStatus``: ``pending`` is a queued (or sending) row
    not yet attempted before, ``retrying`` one attempted before, ``succeeded`` a sent one.
    """

    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class WebhookDelivery(OutboxRow):
    """One event for one subscription, with the outcome of its latest attempt: an outbox row.

    Status, attempts, last error, next attempt and ``sent_at`` (the API's ``delivered_at``) are
    the outbox core's fields (``opsportal.models.outbox.OutboxRow``).
    """

    # Read by the access module (by model, not by import) to keep these rows for government roles.
    GOVERNMENT_EVENTS = GOVERNMENT_EVENTS
    FINANCE_EVENTS = FINANCE_EVENTS  # likewise for finance roles

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(_("event type"), max_length=40, choices=EventType.choices, db_index=True)
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("payload"), default=dict)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    attempt_log = models.JSONField(
        _("attempts log"), default=list, blank=True, help_text=_("Each attempt: when, response code, error.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["subscription", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_outbox_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription} ({self.get_status_display()})"
