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

from opsportal.uploads import check_upload

from . import signals
from .models import SIGNED_FILE_KINDS, SIGNED_FILE_MAX_BYTES, Agreement, Deliverable, Payment, Status

SIGNED_FILE_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}

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

    Signing without a signing date stamps today in the agreement's country, whichever door
    (the portal, the API, the admin: only the portal has the country's zone active).
    """
    previous = agreement.status
    check_status_move(agreement, previous, status)
    if status == Status.SIGNED and agreement.signed_on is None:
        agreement.signed_on = today or timezone.localdate(timezone=agreement.country.zone)
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
    country's; payments follow the agreement's currency. A signed file newly attached (by any
    door: the portal form, the admin, the API's ``signed-file/``) is checked by its content and
    stored under a name that ends as the content is; the file it replaces is deleted.
    """
    old_file = ""
    if agreement.pk is not None:
        old_file = Agreement._base_manager.filter(pk=agreement.pk).values_list("signed_file", flat=True).first() or ""
    _check_new_signed_file(agreement)
    agreement = _save(agreement, by=by, status=status)
    if old_file and old_file != (agreement.signed_file.name or ""):
        # The replaced file is nobody's any more (its name was unique): do not keep a copy of a
        # signed contract nobody can reach. Removed only once the new state is committed.
        storage = agreement.signed_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return agreement


def _check_new_signed_file(agreement: Agreement) -> None:
    upload = agreement.signed_file
    if not upload or getattr(upload, "_committed", True):
        return  # none, or the one already stored
    try:
        kind = check_upload(upload.file, kinds=SIGNED_FILE_KINDS, max_bytes=SIGNED_FILE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"signed_file": error.error_list}) from None
    upload.name = f"signed.{SIGNED_FILE_EXTENSIONS[kind]}"


def _save(agreement: Agreement, *, by, status: str | None) -> Agreement:
    if status:
        agreement.status = status
    # "usd" from any door is USD (as budget lines and exchange rates take it).
    agreement.currency = (agreement.currency or "").strip().upper()
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


@transaction.atomic
def agreement_set_signed_file(agreement: Agreement, upload, *, by=None) -> Agreement:
    """Attach the signed agreement (or remove it, with ``upload=None``) after checking the file.

    The file is checked by its content (``opsportal.uploads``: PDF, PNG or JPEG, 10 MB at most,
    nothing that only claims to be one) before anything is stored; a refusal is a ValidationError
    on ``signed_file``. The stored name is unguessable and ends as the content is, whatever the
    uploader called it. A paid or cancelled agreement still takes its signed file.
    """
    agreement.signed_file = upload  # checked, named and the old one removed by agreement_save
    return agreement_save(agreement, by=by)


def _check_open(agreement: Agreement) -> None:
    if agreement.status in (Status.PAID, Status.CANCELLED):
        raise ValidationError(
            _("This agreement is %(status)s: it cannot change.") % {"status": agreement.get_status_display()}
        )


# --- deliverables -----------------------------------------------------------------------


@transaction.atomic
def deliverable_save(deliverable: Deliverable, *, by=None) -> Deliverable:
    """Create or update a deliverable of an open agreement.

    A delivered agreement takes no new deliverable (it would be delivered with one still owed);
    its deliverables may still be corrected.
    """
    _check_open(deliverable.agreement)
    if deliverable.pk is None:
        if deliverable.agreement.status == Status.DELIVERED:
            raise ValidationError(_("This agreement is delivered: it takes no new deliverable."))
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
    """Remove a deliverable of an agreement that is neither paid nor cancelled."""
    _check_open(deliverable.agreement)
    deliverable.delete()


# --- payments --------------------------------------------------------------------------------


@transaction.atomic
def payment_save(payment: Payment, *, by=None) -> Payment:
    """Create or update a payment in the agreement's currency.

    An agreement that is delivered becomes paid once its paid payments cover the fee. A payment
    is not recorded on a cancelled agreement, nor beyond the fee. Once the agreement is paid, its
    payments keep their amounts and paid dates (a reference or a due date may still be corrected),
    so a paid agreement stays covered by its payments.
    """
    agreement = Agreement._base_manager.select_for_update().get(pk=payment.agreement_id)
    payment.agreement = agreement
    if agreement.status == Status.CANCELLED:
        raise ValidationError(_("This agreement is cancelled: no payment can be recorded."))
    if agreement.status == Status.PAID and payment.pk is None:
        raise ValidationError(_("This agreement is already paid."))
    # What is stored now, read once: a paid agreement's payments keep their amounts and dates,
    # and a payment newly paid is announced.
    stored = None
    if payment.pk is not None:
        stored = Payment._base_manager.filter(pk=payment.pk).values("amount", "paid_on").first()
    else:
        payment.created_by = by if getattr(by, "pk", None) else None
    if agreement.status == Status.PAID and stored:
        if stored["amount"] != payment.amount:
            raise ValidationError({"amount": _("This agreement is paid: its payments keep their amounts.")})
        if stored["paid_on"] != payment.paid_on:
            raise ValidationError({"paid_on": _("This agreement is paid: its payments keep their paid dates.")})
    was_paid = bool(stored and stored["paid_on"] is not None)
    payment.currency = agreement.currency
    if payment.amount is not None and payment.amount <= 0:
        # The table's constraint says it too, but without naming the field.
        raise ValidationError({"amount": _("The amount must be above zero.")})
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


def payment_mark_paid(payment: Payment, *, by=None, today: dt.date | None = None) -> Payment:
    """Mark a payment paid on the agreement's country's date (a payment already paid keeps its
    date): the same day whichever door or zone asks."""
    if payment.paid_on is None:
        payment.paid_on = today or timezone.localdate(timezone=payment.agreement.country.zone)
        payment_save(payment, by=by)
    return payment


@transaction.atomic
def payment_delete(payment: Payment, *, by=None) -> None:
    """Remove a payment that is not paid yet, of an agreement that is not paid.

    Money that went out stays on the record (it is the agreement's spend): a paid payment
    entered by mistake is corrected, or its paid date cleared first, and then removed.
    """
    if payment.agreement.status == Status.PAID:
        raise ValidationError(_("This agreement is paid: its payments stay."))
    if Payment._base_manager.filter(pk=payment.pk, paid_on__isnull=False).exists():
        raise ValidationError(_("This payment is paid: clear its paid date first if it was entered by mistake."))
    payment.delete()


def payment_may_be_removed(payment: Payment) -> bool:
    """Whether ``payment_delete`` would accept this payment (for the portal's buttons)."""
    return payment.paid_on is None and payment.agreement.status != Status.PAID


def deliverable_may_change(deliverable: Deliverable) -> bool:
    """Whether ``deliverable_save`` and ``deliverable_delete`` accept changes to this deliverable."""
    return deliverable.agreement.status not in (Status.PAID, Status.CANCELLED)


@transaction.atomic
def agreement_delete(agreement: Agreement, *, by=None) -> None:
    """Only a draft goes away; a signed agreement is cancelled instead (its trail stays)."""
    if agreement.status != Status.DRAFT:
        raise ValidationError({"status": _("Only a draft agreement can be deleted; cancel it instead.")})
    agreement.delete()
