"""Creator agreements and their payments: finance records (FINANCE_MODELS in opsportal/access.py).

An agreement with an influencer for a challenge, an event or a period: what they deliver, the fee,
the signed file, the payments. Read only where ``finance.view`` holds (leads, HQ with the finance
grant, tokens with the finance scope): the country scope drops every row for anyone else.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.db import TimeStamped, audit_history, validate_currency
from opsportal.scope import CountryScopedManager
from opsportal.uploads import UploadValidator

SIGNED_FILE_KINDS = frozenset({"pdf", "png", "jpeg"})
SIGNED_FILE_MAX_BYTES = 10 * 1024 * 1024


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    DELIVERED = "delivered", pgettext_lazy("agreement", "Delivered")  # not the webhook sense ("sent")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


def signed_file_path(instance, filename: str) -> str:
    # The uploader's name is a claim: keep only its extension, under a name nobody can guess.
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"agreements/{uuid.uuid4().hex}{ext}"


class Agreement(TimeStamped):
    """An agreement with a creator for a challenge, an event or a period."""

    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="agreements"
    )
    influencer = models.ForeignKey(
        "influencers.Influencer", verbose_name=_("influencer"), on_delete=models.PROTECT, related_name="agreements"
    )
    title = models.CharField(_("title"), max_length=200)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    fee = models.DecimalField(
        _("fee"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("The whole fee agreed."),
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency], blank=True)
    signed_file = models.FileField(
        _("signed file"),
        upload_to=signed_file_path,
        max_length=200,
        blank=True,
        validators=[UploadValidator(SIGNED_FILE_KINDS, SIGNED_FILE_MAX_BYTES)],
        help_text=_("The signed agreement: PDF, PNG or JPEG, 10 MB at most."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = audit_history(excluded_fields=["signed_file"])

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("creator agreement")
        verbose_name_plural = _("creator agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0),
                name="agreement_fee_not_negative",
                violation_error_message=_("The fee cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if not self.challenge_id and not self.event_id and not (self.starts_on and self.ends_on):
            errors["challenge"] = _("Name a challenge, an event, or a period (start and end).")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end cannot be before the start.")
        if self.fee is not None and self.fee < 0:
            errors["fee"] = _("The fee cannot be negative.")
        if errors:
            raise ValidationError(errors)
        from opsportal.references import validate_references

        # The influencer, challenge and event are of this country; the owner is on its team.
        validate_references(self)


class Deliverable(TimeStamped):
    """What the creator owes: e.g. three videos with a hashtag by a date."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="deliverables"
    )
    description = models.CharField(_("description"), max_length=300)
    hashtag = models.CharField(_("hashtag"), max_length=100, blank=True, help_text=_("Without the #."))
    videos_required = models.PositiveIntegerField(_("videos required"), default=0)
    due_on = models.DateField(_("due on"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return self.description


class Payment(TimeStamped):
    """A payment due, and paid once ``paid_on`` is set; in the agreement's currency."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency], blank=True, editable=False)
    due_on = models.DateField(_("due on"), db_index=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("e.g. the bank transfer's number")
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
