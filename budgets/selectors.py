"""Reads for budgets: planned vs actual per record, creator spend, cost per thousand views, and
HQ's totals in one reporting currency. Set-based: a constant number of queries per call,
whatever the number of lines, records or rates.

Converting money. A figure's date is its line's ``spent_on``, else its event's or challenge's
start (else the day the line was written). The rate used is the latest one on or before that
date; a figure with no such rate is *not* counted as zero: it is left out of the totals and
listed in ``missing``, which every page shows.

Creator spend. Budget lines of the category "creators" count, plus whatever the registered
providers return (``register_spend_provider``): the agreements app plugs its paid payments in
there at ``AppConfig.ready`` without this app importing it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DateField, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate

from challenges.selectors import views_gained

from .models import BudgetLine, Category, ExchangeRate, reporting_currency

CENT = Decimal("0.01")


@dataclass(frozen=True)
class SpendQuery:
    """Which spend to read: these events' and these challenges'; both None: all of the active scope
    (HQ's overview). Countries come from the scope, never from a filter here."""

    event_ids: frozenset[int] | None = None
    challenge_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Spend:
    """An amount of money for one event or challenge, in its own currency, on its own date."""

    country_id: int
    category: str
    currency: str
    day: dt.date
    planned: Decimal | None = None
    actual: Decimal | None = None
    event_id: int | None = None
    challenge_id: int | None = None
    source: str = "budget"  # "budget" for budget lines; a provider names its own (e.g. "payments")


SpendProvider = Callable[[SpendQuery], Iterable[Spend]]
_PROVIDERS: list[SpendProvider] = []


def register_spend_provider(provider: SpendProvider) -> None:
    """Count another app's spend in (creator payments): ``provider(query)`` returns ``Spend`` rows,
    read in the active scope, in a constant number of queries."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_spend_provider(provider: SpendProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


# --- reading the lines ------------------------------------------------------------------------


def budget_lines(queryset: QuerySet | None = None) -> QuerySet:
    """Budget lines with their figure's date (``day``) for conversion."""
    queryset = BudgetLine.objects.all() if queryset is None else queryset
    return queryset.annotate(
        day=Coalesce(
            "spent_on",
            TruncDate("event__starts_at"),
            TruncDate("challenge__starts_at"),
            Cast("created_at", DateField()),
        )
    )


def _filtered(query: SpendQuery) -> QuerySet:
    """The lines of the query's events or challenges (either)."""
    lines = BudgetLine.objects.all()
    records = Q()
    if query.event_ids is not None:
        records |= Q(event_id__in=query.event_ids)
    if query.challenge_ids is not None:
        records |= Q(challenge_id__in=query.challenge_ids)
    if query.event_ids is not None or query.challenge_ids is not None:
        lines = lines.filter(records)
    return lines


def spend(query: SpendQuery) -> list[Spend]:
    """Every amount the query covers: budget lines (summed per record, category, currency and
    day: one query) and the providers' rows."""
    rows = (
        budget_lines(_filtered(query))
        .order_by()
        .values("country_id", "event_id", "challenge_id", "category", "currency", "day")
        .annotate(planned_sum=Sum("planned"), actual_sum=Sum("actual"))
    )
    items = [
        Spend(
            country_id=row["country_id"],
            event_id=row["event_id"],
            challenge_id=row["challenge_id"],
            category=row["category"],
            currency=row["currency"],
            day=row["day"],
            planned=row["planned_sum"],
            actual=row["actual_sum"],
        )
        for row in rows
    ]
    for provider in _PROVIDERS:
        items.extend(provider(query))
    return items


# --- rates ------------------------------------------------------------------------------------


@dataclass
class Rates:
    """The rates of some currencies into the reporting currency, looked up by date in memory."""

    target: str
    by_currency: dict[str, list[ExchangeRate]] = field(default_factory=dict)  # ascending valid_on

    def for_day(self, currency: str, day: dt.date) -> ExchangeRate | None:
        rates = self.by_currency.get(currency) or []
        index = bisect.bisect_right([r.valid_on for r in rates], day)
        return rates[index - 1] if index else None


def rates_for(currencies: Iterable[str], *, until: dt.date | None = None, target: str | None = None) -> Rates:
    """The rates of ``currencies`` into ``target`` (the reporting currency), on or before ``until``: one query."""
    target = target or reporting_currency()
    wanted = {c for c in currencies if c != target}
    found = Rates(target=target)
    if not wanted:
        return found
    rows = ExchangeRate.objects.filter(currency__in=wanted, reporting_currency=target).select_related("created_by")
    if until is not None:
        rows = rows.filter(valid_on__lte=until)
    for rate in rows.order_by("currency", "valid_on"):
        found.by_currency.setdefault(rate.currency, []).append(rate)
    return found


# What a page shows of a rate it used (``budgets/_rates_used.html``) and converts with.
RATE_FIELDS = ("currency", "reporting_currency", "rate", "valid_on", "source")


def rates_for_spend(items: Iterable[Spend], *, target: str | None = None) -> Rates:
    """The rates ``items`` convert at, into ``target`` (the reporting currency): one query.

    Per currency, only the rates from the latest one on or before its earliest figure's date up to
    its latest figure's date: no figure can pick any other (``Rates.for_day`` takes the latest on
    or before the figure's date). An event page read all two years of daily rates and built a
    model instance for each (1,460 rows, about 12 ms of the page) to use a handful."""
    target = target or reporting_currency()
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for item in items:
        if item.currency == target:
            continue
        first, last = spans.get(item.currency, (item.day, item.day))
        spans[item.currency] = (min(first, item.day), max(last, item.day))
    found = Rates(target=target)
    if not spans:
        return found
    window = Q()
    for currency, (first, last) in spans.items():
        floor = (
            ExchangeRate.objects.filter(currency=currency, reporting_currency=target, valid_on__lte=first)
            .order_by("-valid_on")
            .values("valid_on")[:1]
        )
        since = Coalesce(Subquery(floor), Value(first), output_field=DateField())
        window |= Q(currency=currency, valid_on__gte=since, valid_on__lte=last)
    rows = ExchangeRate.objects.filter(window, reporting_currency=target).only(*RATE_FIELDS)
    for rate in rows.order_by("currency", "valid_on"):
        found.by_currency.setdefault(rate.currency, []).append(rate)
    return found


def rate_for(currency: str, day: dt.date, *, target: str | None = None) -> ExchangeRate | None:
    """The rate a figure of ``currency`` dated ``day`` uses: the latest on or before it."""
    return (
        ExchangeRate.objects.filter(
            currency=currency, reporting_currency=target or reporting_currency(), valid_on__lte=day
        )
        .order_by("-valid_on")
        .first()
    )


@dataclass
class Missing:
    currency: str
    day: dt.date
    planned: Decimal
    actual: Decimal


@dataclass
class Total:
    """Planned and actual spend in the reporting currency, with the rates used and what was left out."""

    currency: str
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    rates: dict[int, ExchangeRate] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)

    @property
    def rates_used(self) -> list[ExchangeRate]:
        return sorted(self.rates.values(), key=lambda r: (r.currency, r.valid_on))

    @property
    def complete(self) -> bool:
        return not self.missing

    def add(self, item: Spend, rates: Rates) -> None:
        planned, actual = item.planned or Decimal(0), item.actual or Decimal(0)
        if item.currency == self.currency:
            self.planned += planned
            self.actual += actual
            return
        rate = rates.for_day(item.currency, item.day)
        if rate is None:
            self.missing.append(Missing(item.currency, item.day, planned, actual))
            return
        self.rates[rate.pk] = rate
        self.planned += (planned * rate.rate).quantize(CENT, ROUND_HALF_UP)
        self.actual += (actual * rate.rate).quantize(CENT, ROUND_HALF_UP)


def total(items: Iterable[Spend], rates: Rates | None = None) -> Total:
    items = list(items)
    rates = rates or rates_for_spend(items)
    result = Total(currency=rates.target)
    for item in items:
        result.add(item, rates)
    return result


# --- pages ------------------------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: str
    label: str
    currency: str
    planned: Decimal
    actual: Decimal | None


@dataclass
class Budget:
    """One event's or challenge's budget: its lines, planned vs actual per category, the total."""

    lines: list[BudgetLine]
    categories: list[CategoryRow]
    total: Total
    creator_spend: Total
    provided: list[Spend]  # rows the providers added (creator payments)


def _by_category(items: list[Spend]) -> list[CategoryRow]:
    sums: dict[tuple[str, str], list] = {}
    for item in items:
        row = sums.setdefault((item.category, item.currency), [Decimal(0), None])
        row[0] += item.planned or Decimal(0)
        if item.actual is not None:
            row[1] = (row[1] or Decimal(0)) + item.actual
    labels = dict(Category.choices)
    order = list(labels)
    return [
        CategoryRow(category, labels.get(category, category), currency, planned, actual)
        for (category, currency), (planned, actual) in sorted(
            sums.items(), key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, kv[0][1])
        )
    ]


def _budget(query: SpendQuery, lines: QuerySet) -> Budget:
    items = spend(query)
    rates = rates_for_spend(items)
    creators = [i for i in items if i.category == Category.CREATORS]
    return Budget(
        lines=list(budget_lines(lines).select_related("country").order_by("category", "pk")),
        categories=_by_category(items),
        total=total(items, rates),
        creator_spend=total(creators, rates),
        provided=[i for i in items if i.source != "budget"],
    )


def event_budget(event) -> Budget:
    """The event page's budget: 3 queries (lines summed, rates, lines listed) plus the providers'."""
    return _budget(SpendQuery(event_ids=frozenset({event.pk})), BudgetLine.objects.filter(event=event))


def challenge_budget(challenge) -> Budget:
    return _budget(SpendQuery(challenge_ids=frozenset({challenge.pk})), BudgetLine.objects.filter(challenge=challenge))


def creator_spend(*, challenge_ids: Iterable[int] = (), event_ids: Iterable[int] = ()) -> dict[tuple[str, int], Total]:
    """What creators cost per record (``("challenge", id)`` or ``("event", id)``), in the reporting
    currency: budget lines of the category "creators" plus the providers' rows (paid payments)."""
    query = SpendQuery(event_ids=frozenset(event_ids), challenge_ids=frozenset(challenge_ids))
    items = [i for i in spend(query) if i.category == Category.CREATORS]
    rates = rates_for_spend(items)
    result: dict[tuple[str, int], Total] = {}
    for item in items:
        key = ("event", item.event_id) if item.event_id else ("challenge", item.challenge_id)
        result.setdefault(key, Total(currency=rates.target)).add(item, rates)
    return result


@dataclass
class CostPerMille:
    """Actual spend in the reporting currency per thousand views gained (None: no views gained, or
    a figure without a rate, named in ``spend.missing``)."""

    spend: Total
    views_gained: int
    value: Decimal | None


def cost_per_thousand_views(challenges: Iterable) -> dict[int, CostPerMille]:
    """Per challenge: actual spend (lines and providers, converted) / views gained × 1000.
    Figures without a rate are left out and listed in ``spend.missing``. Constant queries."""
    ids = frozenset(getattr(c, "pk", c) for c in challenges)
    items = spend(SpendQuery(challenge_ids=ids))
    rates = rates_for_spend(items)
    totals = {pk: Total(currency=rates.target) for pk in ids}
    for item in items:
        if item.challenge_id in totals:
            totals[item.challenge_id].add(Spend(**{**item.__dict__, "planned": None}), rates)
    gained = views_gained(ids)
    return {pk: cost_per_mille(spent, gained.get(pk, 0)) for pk, spent in totals.items()}


def cost_per_mille(spent: Total, views: int) -> CostPerMille:
    """``spent``'s actual spend per thousand of ``views`` (a challenge page passes its budget's
    total, already summed and converted, rather than summing it again)."""
    # A spend with figures left out for want of a rate gives no figure rather than a wrong one.
    value = (spent.actual * 1000 / views).quantize(CENT, ROUND_HALF_UP) if views and spent.complete else None
    return CostPerMille(spent, views, value)


def spend_by_country() -> dict[int, Total]:
    """HQ's overview: each country's planned and actual spend in the reporting currency (every
    country of the active scope), naming the rates used and the figures left out for want of
    one. Two queries whatever the size, plus the providers'."""
    items = spend(SpendQuery())
    rates = rates_for_spend(items)
    result: dict[int, Total] = defaultdict(lambda: Total(currency=rates.target))
    for item in items:
        result[item.country_id].add(item, rates)
    return dict(result)


def exchange_rate_list(queryset: QuerySet | None = None) -> QuerySet:
    queryset = ExchangeRate.objects.all() if queryset is None else queryset
    return queryset.select_related("created_by").order_by("currency", "-valid_on", "pk")
