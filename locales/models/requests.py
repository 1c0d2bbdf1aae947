"""Requests from a regulator or a court on a clock: takedowns, data requests, restrictions.

Government-relations records (``GOVERNMENT_MODELS``): only those with ``government.view`` in the
country read them, by any door.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.db import TimeStamped, audit_history
from opsportal.models import Country
from opsportal.scope import CountryScopedManager

from .government import GovernmentCommitment, GovernmentContact, RegulatoryIncident


class RequestKind(models.TextChoices):
    TAKEDOWN = "takedown", _("Content takedown")
    DATA = "data", _("Data request")
    AGE = "age", _("Age restriction")
    FEATURE = "feature", _("Feature restriction")
    OTHER = "other", pgettext_lazy("kind of regulator request", "Other")


class RequestChannel(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Government portal")
    PHONE = "phone", _("Phone")
    COURT_ORDER = "court_order", _("Court order")
    MEETING = "meeting", _("Meeting")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    COMPLIED = "complied", _("Complied")
    CONTESTED = "contested", _("Contested")
    CLOSED = "closed", pgettext_lazy("status of a regulator request", "Closed")

    @classmethod
    def open_values(cls) -> tuple[str, ...]:
        return (cls.RECEIVED, cls.IN_PROGRESS)

    @classmethod
    def answered_values(cls) -> tuple[str, ...]:
        return (cls.ANSWERED, cls.COMPLIED, cls.CONTESTED, cls.CLOSED)


class RegulatorRequest(TimeStamped):
    """A request that must be answered by a deadline (the country's default hours after it came)."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="regulator_requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices, default=RequestKind.TAKEDOWN)
    authority = models.CharField(_("from"), max_length=200, help_text=_("The regulator, court or ministry."))
    contact = models.ForeignKey(
        GovernmentContact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulator_requests",
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=RequestChannel.choices, default=RequestChannel.LETTER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("Their file number."))
    summary = models.TextField(_("what they ask"), blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    deadline = models.DateTimeField(
        _("deadline"),
        db_index=True,
        blank=True,
        help_text=_("Leave empty for the country's default number of hours after it was received."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED, db_index=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulator_requests",
    )
    incident = models.ForeignKey(
        RegulatoryIncident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulator_requests",
    )
    commitment = models.ForeignKey(
        GovernmentCommitment,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulator_requests",
    )
    outcome = models.TextField(_("what was done"), blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("regulator request")
        verbose_name_plural = _("regulator requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("received_at")),
                name="regulator_request_deadline_after_received",
                violation_error_message=_("The deadline cannot be before the request was received."),
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("received_at")),
                name="regulator_request_answered_after_received",
                violation_error_message=_("A request cannot be answered before it was received."),
            ),
        ]

    def __str__(self) -> str:
        label = self.reference or self.authority
        return f"{self.get_kind_display()} · {label}"

    @property
    def is_open(self) -> bool:
        return self.status in RequestStatus.open_values()

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < (now or timezone.now())

    @property
    def on_time(self) -> bool | None:
        """Answered before the deadline; None while open."""
        if self.answered_at is None or self.deadline is None:
            return None
        return self.answered_at <= self.deadline

    def clean(self):
        errors = {}
        if self.received_at and self.deadline and self.deadline < self.received_at:
            errors["deadline"] = _("The deadline cannot be before the request was received.")
        if self.received_at and self.answered_at and self.answered_at < self.received_at:
            errors["answered_at"] = _("A request cannot be answered before it was received.")
        if errors:
            raise ValidationError(errors)
        from opsportal.references import validate_references

        # The handler is on this country's team with a government role; the contact, incident and
        # commitment are this country's.
        validate_references(self)


class ItemAction(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    REMOVED = "removed", _("Removed")
    RESTRICTED = "restricted", _("Restricted")
    KEPT = "kept", _("Kept")
    DATA_PROVIDED = "data_provided", _("Data provided")


class RequestItem(TimeStamped):
    """One thing the request names (a video, an account, a URL) and what was done with it."""

    request = models.ForeignKey(
        RegulatorRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="items"
    )
    target = models.CharField(_("item"), max_length=500, help_text=_("A URL, a handle or a video id."))
    action = models.CharField(_("what was done"), max_length=16, choices=ItemAction.choices, default=ItemAction.PENDING)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("request item")
        verbose_name_plural = _("request items")

    def __str__(self) -> str:
        return self.target
