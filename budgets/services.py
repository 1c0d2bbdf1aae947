"""Writes on budget lines and exchange rates, shared by every door (portal, API, admin, import).

Each service validates the whole record (``full_clean``: non-negative amounts, an ISO currency,
one event or one challenge) and saves it in one transaction; django-simple-history keeps the
audit trail (who, which door, which token) like every other record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsportal.references import OTHER_COUNTRY_RECORD

from .models import BudgetLine, ExchangeRate, reporting_currency


def _record_field(line: BudgetLine) -> str:
    return "event" if line.event_id else "challenge"


def _default_currency(line: BudgetLine) -> str:
    if line.event_id:
        return line.event.currency or line.event.country.currency
    return line.challenge.country.currency


@transaction.atomic
def budget_line_save(line: BudgetLine, *, by=None) -> BudgetLine:
    """Add or change a budget line of one event or one challenge, in that record's country.

    The line takes its country from its record; a line already placed in a country cannot move
    to another country's record (the same words as for any record of another country, so the
    refusal does not confirm the record exists). A new line's currency defaults to the event's
    (or the challenge's country's)."""
    if bool(line.event_id) == bool(line.challenge_id):
        raise ValidationError({"event": _("A budget line belongs to one event or one challenge.")})
    field = _record_field(line)
    record = line.event if line.event_id else line.challenge
    if line.pk is not None:
        stored_country = BudgetLine._base_manager.filter(pk=line.pk).values_list("country_id", flat=True).first()
        if stored_country is not None and stored_country != record.country_id:
            raise ValidationError({field: OTHER_COUNTRY_RECORD})
    elif line.country_id and line.country_id != record.country_id:
        raise ValidationError({field: OTHER_COUNTRY_RECORD})
    line.country_id = record.country_id
    if not line.currency:
        line.currency = _default_currency(line)
    line.currency = line.currency.upper()
    if line.pk is None and getattr(by, "pk", None):
        line.created_by = by
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_delete(line: BudgetLine, *, by=None) -> None:
    line.delete()


@transaction.atomic
def exchange_rate_save(rate: ExchangeRate, *, by=None) -> ExchangeRate:
    """Add or change a dated rate (one per currency, reporting currency and day).

    A rate from a currency to itself means nothing (its figures need no rate) and is refused."""
    rate.currency = (rate.currency or "").upper()
    rate.reporting_currency = (rate.reporting_currency or reporting_currency()).upper()
    if rate.currency and rate.currency == rate.reporting_currency:
        raise ValidationError({"currency": _("Figures in the reporting currency need no rate.")})
    if rate.rate is not None and rate.rate <= 0:
        raise ValidationError({"rate": _("A rate is more than zero.")})
    if rate.pk is None and getattr(by, "pk", None):
        rate.created_by = by
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def exchange_rate_delete(rate: ExchangeRate, *, by=None) -> None:
    rate.delete()
