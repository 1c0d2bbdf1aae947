"""Money from a file: exchange rates (a bank's table) and budget lines (a finance sheet).

A rate has no country: anyone who may write rates (finance.edit in some country: a lead, HQ with
a finance grant, an administrator) may import them. Matched by currency + reporting currency +
day: a row for a day already known updates its rate and source.

A budget line belongs to one event (by name, and its start day when two share a name) or one
challenge (by hashtag) of the row's country, where the importer holds finance.edit. Matched by
that record + category + description: a row for a line already known updates its amounts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models.functions import Lower, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from budgets.models import BudgetLine, Category, ExchangeRate, reporting_currency
from budgets.services import budget_line_save, exchange_rate_save
from challenges.models import Challenge
from events.models import Event
from imports import parsing
from imports.kinds.base import Column, RowByRowKind, RowError, RowProblems, Run, collect
from imports.kinds.challenges import COUNTRY
from opsportal.access import Perm, in_country
from opsportal.l10n import country_name


def currency_code(value) -> str:
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
                "currency": currency_code,
                "reporting_currency": currency_code,
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
        return self.create_or_update(
            run,
            number,
            key,
            label,
            rate,
            build=lambda: ExchangeRate(**clean),
            values={k: v for k, v in clean.items() if k in ("rate", "source")},
            save=exchange_rate_save,
            counter="exchange_rate",
        )


# --- budget lines -----------------------------------------------------------------------------

CATEGORY_ALIASES = {
    "tempat": "venue",
    "sewa_tempat": "venue",
    "location": "venue",
    "produksi": "production",
    "creator": "creators",
    "influencers": "creators",
    "kreator": "creators",
    "transport": "travel",
    "perjalanan": "travel",
    "promotion": "marketing",
    "ads": "marketing",
    "promosi": "marketing",
    "lainnya": "other",
    "misc": "other",
}


def find_event(country, name: str, day) -> Event:
    """The country's event of that name (and start day, in the country's time, when given)."""
    events = in_country(Event.objects.annotate(name_lower=Lower("name")).filter(name_lower=name.lower()), country)
    if day is not None:
        events = events.annotate(local_day=TruncDate("starts_at", tzinfo=country.zone)).filter(local_day=day)
    found = list(events.order_by("starts_at", "pk")[:2])
    if not found:
        raise RowError(
            "event", _("No event %(name)s in %(country)s.") % {"name": name, "country": country_name(country)}
        )
    if len(found) > 1:
        raise RowError("event_date", _("Several events are called %(name)s: give the start day.") % {"name": name})
    return found[0]


def find_challenge(country, value) -> Challenge:
    tag = parsing.parse_hashtag(value)
    challenges = Challenge.objects.annotate(hashtag_lower=Lower("hashtag")).filter(hashtag_lower=tag.lower())
    found = in_country(challenges, country).first()
    if found is None:
        raise parsing.CellError(
            _("No challenge #%(tag)s in %(country)s.") % {"tag": tag, "country": country_name(country)}
        )
    return found


class BudgetLineKind(RowByRowKind):
    name = "budget_lines"
    label = _l("Budget lines")
    model = BudgetLine
    perm = Perm.FINANCE_EDIT
    natural_key = _l("country + event or challenge + category + description (case-insensitive)")
    columns = [
        COUNTRY,
        Column(
            "event",
            _l("Event"),
            aliases=("event_name", "acara", "nama_acara"),
            help=_l("The event's name; or fill the challenge instead."),
            example="Djakarta Warehouse Project",
        ),
        Column(
            "event_date",
            _l("Event start day"),
            aliases=("event_starts_on", "event_day", "tanggal_acara"),
            help=_l("Only when two events share the name."),
        ),
        Column(
            "challenge",
            _l("Challenge"),
            aliases=("hashtag", "challenge_hashtag", "tagar"),
            help=_l("The challenge's hashtag; or fill the event instead."),
        ),
        Column(
            "category",
            _l("Category"),
            aliases=("kategori", "type", "cost_type"),
            required=True,
            help=_l("venue, production, creators, travel, marketing or other."),
            example="venue",
        ),
        Column("description", _l("Description"), aliases=("item", "line", "keterangan", "uraian"), example="Booth"),
        Column("planned", _l("Planned"), aliases=("budget", "plan", "anggaran", "rencana"), example="500000000"),
        Column("actual", _l("Actual"), aliases=("spent", "realisasi", "actual_spend"), help=_l("Blank until known.")),
        Column(
            "currency",
            _l("Currency"),
            aliases=("mata_uang", "ccy"),
            help=_l("Blank: the event's (or the country's) currency."),
            example="IDR",
        ),
        Column("spent_on", _l("Spent on"), aliases=("paid_on", "date", "tanggal_bayar")),
        Column("note", _l("Note"), aliases=("notes", "catatan", "remarks")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)

        def day(value):
            return parsing.parse_date(value, day_first=country.dates_day_first)

        clean, problems = collect(
            values,
            {
                "event": lambda v: parsing.clean_text(v, max_length=200),
                "event_date": day,
                "challenge": lambda v: find_challenge(country, v),
                "category": lambda v: parsing.parse_choice(v, Category.choices, CATEGORY_ALIASES),
                "description": lambda v: parsing.clean_text(v, max_length=200),
                "planned": parsing.parse_money,
                "actual": parsing.parse_money,
                "currency": currency_code,
                "spent_on": day,
                "note": parsing.clean_text,
            },
        )
        if "category" not in clean and not any(p[0] == "category" for p in problems):
            problems.append(("category", _("Required.")))
        event_name, event_day = clean.pop("event", None), clean.pop("event_date", None)
        challenge = clean.pop("challenge", None)
        if event_name and challenge is not None:
            problems.append(("event", _("A budget line belongs to one event or one challenge: fill one of them.")))
        elif not event_name and challenge is None and not any(p[0] in ("event", "challenge") for p in problems):
            problems.append(("event", _("Name the event or the challenge the line belongs to.")))
        if problems:
            raise RowProblems(problems)
        record = find_event(country, event_name, event_day) if event_name else challenge
        field = "event" if event_name else "challenge"
        clean.setdefault("description", "")
        key = (field, record.pk, clean["category"], clean["description"].lower())
        label = f"{record}: {Category(clean['category']).label} {clean['description']}".strip()
        line = (
            BudgetLine.objects.annotate(description_lower=Lower("description"))
            .filter(**{field: record}, category=clean["category"], description_lower=key[3])
            .order_by("pk")
            .first()
        )
        return self.create_or_update(
            run,
            number,
            key,
            label,
            line,
            build=lambda: BudgetLine(**{field: record}, **clean),
            values={k: v for k, v in clean.items() if k not in ("category", "description")},
            save=budget_line_save,
            counter="budget_line",
        )
