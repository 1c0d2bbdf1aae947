"""Writes on creator agreements, deliverables and payments, shared by every door.

The status moves draft → signed → delivered → paid, and to cancelled from any but paid; the
moves are this module's rule whichever door asks (portal buttons and forms, API, admin). Every
write validates first and saves inside one transaction; history rows name the door.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import Agreement, Deliverable, Payment, Status

ALLOWED_MOVES: dict[str, set[str]] = {
    Status.DRAFT: {Status.SIGNED, Status.CANCELLED},
    Status.SIGNED: {Status.DELIVERED, Status.CANCELLED},
    Status.DELIVERED: {Status.PAID, Status.CANCELLED},
    Status.PAID: set(),
    Status.CANCELLED: set(),
}


def next_statuses(agreement: Agreement) -> list[str]:
    """The statuses the agreement may move to now, in the order of ``Status``."""
    return [s for s in Status.values if s in ALLOWED_MOVES.get(agreement.status, set())]


def paid_total(agreement: Agreement) -> Decimal:
    """What has been paid on the agreement (payments with a paid date)."""
    if agreement.pk is None:
        return Decimal("0")
    total = Payment.objects.filter(agreement=agreement, paid_on__isnull=False).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def _has_open_deliverables(agreement: Agreement) -> bool:
    return agreement.pk is not None and agreement.deliverables.filter(delivered_at__isnull=True).exists()


def check_status_move(agreement: Agreement, old: str, new: str) -> None:
    """Raise a ValidationError on ``status`` when the move is not allowed now."""
    if new == old:
        return
    if new not in Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": new}})
    if new not in ALLOWED_MOVES.get(old, set()):
        raise ValidationError(
            {
                "status": _("An agreement cannot move from %(old)s to %(new)s.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )
    if new == Status.DELIVERED and _has_open_deliverables(agreement):
        raise ValidationError({"status": _("Mark every deliverable as delivered first.")})
    if new == Status.PAID and paid_total(agreement) < agreement.fee:
        raise ValidationError({"status": _("The payments made do not cover the fee yet.")})


@transaction.atomic
def agreement_change_status(agreement: Agreement, status: str, *, by=None, today: dt.date | None = None) -> Agreement:
    """Move an agreement along draft → signed → delivered → paid (or to cancelled, except once paid).

    Signing without a signing date stamps today.
    """
    previous = agreement.status
    check_status_move(agreement, previous, status)
    if status == Status.SIGNED and agreement.signed_on is None:
        agreement.signed_on = today or timezone.localdate()
    agreement.status = status
    agreement.full_clean()
    agreement.save()
    if status != previous:
        signals.agreement_status_changed.send(Agreement, agreement=agreement, previous=previous)
    return agreement


@transaction.atomic
def agreement_save(agreement: Agreement, *, by=None, status: str | None = None) -> Agreement:
    """Create or update an agreement after validating it.

    A new agreement starts as a draft; a status that differs from the stored one moves through
    ``agreement_change_status``'s guards, whatever door set it. The currency defaults to the
    country's; payments follow the agreement's currency.
    """
    if status:
        agreement.status = status
    if not agreement.currency and agreement.country_id:
        agreement.currency = agreement.country.currency
    if agreement.pk is None:
        agreement.created_by = by if getattr(by, "pk", None) else None
        if agreement.status != Status.DRAFT:
            raise ValidationError({"status": _("A new agreement starts as a draft.")})
        agreement.full_clean()
        agreement.save()
        signals.agreement_created.send(Agreement, agreement=agreement)
        return agreement
    stored = Agreement._base_manager.filter(pk=agreement.pk).values_list("status", "currency").get()
    if stored[0] in (Status.PAID, Status.CANCELLED) and agreement.status == stored[0]:
        # A closed agreement keeps its terms; notes and the signed file may still be added.
        closed = Agreement._base_manager.get(pk=agreement.pk)
        for name in ("fee", "currency", "influencer_id", "challenge_id", "event_id"):
            if getattr(closed, name) != getattr(agreement, name):
                raise ValidationError({"status": _("A paid or cancelled agreement's terms cannot change.")})
    new_status = agreement.status
    if new_status != stored[0]:
        agreement.status = stored[0]
        agreement.full_clean()
        return agreement_change_status(agreement, new_status, by=by)
    agreement.full_clean()
    agreement.save()
    if agreement.currency != stored[1]:
        Payment.objects.filter(agreement=agreement).update(currency=agreement.currency)
    return agreement


def _check_open(agreement: Agreement) -> None:
    if agreement.status in (Status.PAID, Status.CANCELLED):
        raise ValidationError(
            _("This agreement is %(status)s: it cannot change.") % {"status": agreement.get_status_display()}
        )


# --- deliverables -----------------------------------------------------------------------


@transaction.atomic
def deliverable_save(deliverable: Deliverable, *, by=None) -> Deliverable:
    """Create or update a deliverable of an open agreement."""
    _check_open(deliverable.agreement)
    if deliverable.pk is None:
        deliverable.created_by = by if getattr(by, "pk", None) else None
    deliverable.hashtag = (deliverable.hashtag or "").strip().lstrip("#")
    deliverable.full_clean()
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_mark_delivered(deliverable: Deliverable, delivered: bool = True, *, by=None) -> Deliverable:
    """Mark a deliverable delivered (now) or not; an agreement still signed accepts it."""
    if deliverable.agreement.status not in (Status.DRAFT, Status.SIGNED):
        raise ValidationError(_("Only a draft or signed agreement's deliverables change."))
    if delivered and deliverable.delivered_at is None:
        deliverable.delivered_at = timezone.now()
    elif not delivered:
        deliverable.delivered_at = None
    deliverable.save(update_fields=["delivered_at", "updated_at"])
    return deliverable


@transaction.atomic
def deliverable_delete(deliverable: Deliverable, *, by=None) -> None:
    _check_open(deliverable.agreement)
    deliverable.delete()


# --- payments --------------------------------------------------------------------------------


@transaction.atomic
def payment_save(payment: Payment, *, by=None) -> Payment:
    """Create or update a payment in the agreement's currency.

    An agreement that is delivered becomes paid once its paid payments cover the fee. A payment
    is not recorded on a cancelled agreement, nor beyond the fee.
    """
    agreement = Agreement._base_manager.select_for_update().get(pk=payment.agreement_id)
    payment.agreement = agreement
    if agreement.status == Status.CANCELLED:
        raise ValidationError(_("This agreement is cancelled: no payment can be recorded."))
    if agreement.status == Status.PAID and payment.pk is None:
        raise ValidationError(_("This agreement is already paid."))
    if payment.pk is None:
        payment.created_by = by if getattr(by, "pk", None) else None
        was_paid = False
    else:
        was_paid = Payment._base_manager.filter(pk=payment.pk, paid_on__isnull=False).exists()
    payment.currency = agreement.currency
    if payment.amount is not None:
        others = Payment.objects.filter(agreement=agreement).exclude(pk=payment.pk).aggregate(t=Sum("amount"))["t"] or 0
        if others + payment.amount > agreement.fee:
            raise ValidationError({"amount": _("The payments would exceed the fee.")})
    payment.full_clean()
    payment.save()
    if payment.paid_on is not None and not was_paid:
        signals.payment_paid.send(Payment, payment=payment)
    if agreement.status == Status.DELIVERED and paid_total(agreement) >= agreement.fee:
        agreement_change_status(agreement, Status.PAID, by=by)
    return payment


@transaction.atomic
def payment_delete(payment: Payment, *, by=None) -> None:
    if payment.agreement.status == Status.PAID:
        raise ValidationError(_("This agreement is paid: its payments stay."))
    payment.delete()


@transaction.atomic
def agreement_delete(agreement: Agreement, *, by=None) -> None:
    """Only a draft goes away; a signed agreement is cancelled instead (its trail stays)."""
    if agreement.status != Status.DRAFT:
        raise ValidationError({"status": _("Only a draft agreement can be deleted; cancel it instead.")})
    agreement.delete()
