"""Exchange rates from a file (a bank's table, a finance sheet): no internet needed.

A rate has no country: anyone who may write rates (finance.edit in some country: a lead, HQ with
a finance grant, an administrator) may import them. Matched by currency + reporting currency +
day: a row for a day already known updates its rate and source.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from budgets.models import ExchangeRate, reporting_currency
from budgets.services import exchange_rate_save
from imports import parsing
from imports.kinds.base import Column, Outcome, RowByRowKind, RowError, RowProblems, Run, collect, differences
from opsportal.access import Perm


def _currency(value) -> str:
    text = parsing.clean_text(value).upper()
    if len(text) != 3 or not text.isalpha():
        raise parsing.CellError(_("Use a three-letter ISO 4217 code such as IDR."))
    return text


def _rate(value) -> Decimal:
    text = parsing.clean_text(value).replace(" ", "")
    try:
        number = Decimal(text)  # 0.0000739262: a plain decimal first (the money parser reads dots as thousands)
    except InvalidOperation:
        number = parsing.parse_decimal(value)
    if number <= 0:
        raise parsing.CellError(_("A rate is more than zero."))
    return number


class ExchangeRateKind(RowByRowKind):
    name = "exchange_rates"
    label = _l("Exchange rates")
    model = ExchangeRate
    perm = Perm.FINANCE_EDIT
    natural_key = _l("currency + reporting currency + valid on")
    columns = [
        Column("currency", _l("Currency"), aliases=("from", "code", "mata_uang", "ccy"), required=True, example="IDR"),
        Column(
            "reporting_currency",
            _l("Reporting currency"),
            aliases=("to", "into", "target"),
            help=_l("Blank: the reporting currency (USD)."),
            example="USD",
        ),
        Column(
            "rate",
            _l("Rate"),
            aliases=("value", "kurs", "mid", "mid_rate"),
            help=_l("What one unit of the currency is worth in the reporting currency."),
            example="0.0000739262",
        ),
        Column(
            "per_unit",
            _l("Units per reporting unit"),
            aliases=("units_per_usd", "per_usd", "idr_per_usd"),
            help=_l("Or the other way round: how many units buy one of the reporting currency (13527)."),
            example="13527",
        ),
        Column(
            "valid_on", _l("Valid on"), aliases=("date", "day", "tanggal", "as_of"), required=True, example="2017-12-01"
        ),
        Column(
            "source",
            _l("Source"),
            aliases=("sumber", "bank", "reference"),
            required=True,
            example="Bank Indonesia JISDOR",
        ),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        if not run.access.can(Perm.FINANCE_EDIT):
            raise RowError(None, _("You may not import exchange rates."))
        clean, problems = collect(
            values,
            {
                "currency": _currency,
                "reporting_currency": _currency,
                "rate": _rate,
                "per_unit": _rate,
                "valid_on": lambda v: parsing.parse_date(v, day_first=False),
                "source": lambda v: parsing.clean_text(v, max_length=200),
            },
        )
        for name in ("currency", "valid_on", "source"):
            if name not in clean and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        per_unit = clean.pop("per_unit", None)
        if "rate" not in clean and per_unit is not None:
            clean["rate"] = (Decimal(1) / per_unit).quantize(Decimal("0.0000000001"))
        if "rate" not in clean and not any(p[0] in ("rate", "per_unit") for p in problems):
            problems.append(("rate", _("Fill the rate or the units per reporting unit.")))
        if problems:
            raise RowProblems(problems)
        clean.setdefault("reporting_currency", reporting_currency())
        key = (clean["currency"], clean["reporting_currency"], clean["valid_on"])
        label = f"{key[0]}→{key[1]} {key[2]:%Y-%m-%d}"
        rate = ExchangeRate.objects.filter(currency=key[0], reporting_currency=key[1], valid_on=key[2]).first()
        if rate is None:
            exchange_rate_save(ExchangeRate(**clean), by=run.user)
            run.seen[key] = number
            run.record("exchange_rate", "create")
            return Outcome.CREATE, label
        changes = differences(rate, {k: v for k, v in clean.items() if k in ("rate", "source")})
        duplicate = self.check_duplicate(run, key, number, rate, changes, label)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, label
        for name, (_old, new) in changes.items():
            setattr(rate, name, new)
        exchange_rate_save(rate, by=run.user)
        run.record("exchange_rate", "update")
        return Outcome.UPDATE, f"{label}: " + ", ".join(sorted(changes))
