"""Attainment of country goals: what each country reached of its quarter's targets.

Every figure is computed for a set of countries at once, in three set-based queries (goals,
external figures, and one for all the metrics held by the records), whatever the number of
countries. Each country's quarter is its own: bounds in its timezone (``goals.quarters``); one
``CASE`` on the country gives every row the bounds of its country's quarter.

The metrics, from the records (docs/goals.md says the same for the team):

- core influencers active: influencers marked core, in the Active stage, not erased. A level, not
  a flow: for the current quarter the count today; for a quarter that has ended, those of them who
  were core by its last day (``core_since`` on or before it, or unknown): stages keep no history.
- challenge views: views gained in the quarter, summed over the country's challenges: each
  challenge's latest metric snapshot captured before the quarter's end, minus its latest one
  captured before the quarter's start (zero when it had none); a correction never counts below 0.
- challenges launched: challenges live or ended whose start falls in the quarter.
- events held: events marked held whose start falls in the quarter.
- creators crossed over: influencers (not erased) whose ``crossed_over_on`` falls in the quarter.
- monthly active users, app-store chart rank: the latest external figure measured in the
  quarter, with its source. The rank's target is "at or better than": lower is better.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from challenges.models import Status as ChallengeStatus
from challenges.selectors import metric_before
from events.models import Event
from events.models import Status as EventStatus
from influencers.models import Influencer, Stage
from locales.models import Country
from opsportal.access import in_country

from .models import EXTERNAL_METRICS, LOWER_IS_BETTER, CountryGoal, ExternalFigure, Metric
from .quarters import Quarter

WEEK = dt.timedelta(days=7)


class Standing:
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    NOT_STARTED = "not_started"
    NO_FIGURE = "no_figure"

    LABELS = {
        REACHED: _("Reached"),
        ON_TRACK: _("On track"),
        BEHIND: _("Behind"),
        MISSED: _("Missed"),
        NOT_STARTED: _("Not started"),
        NO_FIGURE: _("No figure yet"),
    }


RECORD_SOURCES = {
    Metric.CORE_ACTIVE: _("Records: core influencers in the Active stage"),
    Metric.CHALLENGE_VIEWS: _("Records: challenge views gained in the quarter (metric snapshots)"),
    Metric.CHALLENGES_LAUNCHED: _("Records: challenges that went live in the quarter"),
    Metric.EVENTS_HELD: _("Records: events held in the quarter"),
    Metric.CROSSOVERS: _("Records: creators who crossed over in the quarter"),
}


@dataclass
class MetricAttainment:
    metric: str
    label: str
    target: int | None
    actual: int | None
    lower_is_better: bool
    from_records: bool
    source: str = ""
    measured_on: dt.date | None = None
    goal_id: int | None = None
    note: str = ""
    percent: int | None = None  # of the target reached (a rank: target ÷ rank), capped at 100 for bars
    expected: int | None = None  # where a linear pace through the quarter would be today
    pace_per_week: int | None = None  # what the rest of the quarter needs each week to reach it
    standing: str | None = None

    @property
    def standing_label(self):
        return Standing.LABELS.get(self.standing, "")

    @property
    def bar(self) -> int:
        return min(100, self.percent or 0)

    @property
    def expected_bar(self) -> int | None:
        if self.expected is None or not self.target:
            return None
        return min(100, round(100 * self.expected / self.target))

    def as_dict(self) -> dict:
        return {
            "metric": self.metric,
            "label": str(self.label),
            "target": self.target,
            "actual": self.actual,
            "percent": self.percent,
            "expected": self.expected,
            "pace_per_week": self.pace_per_week,
            "standing": self.standing,
            "lower_is_better": self.lower_is_better,
            "from_records": self.from_records,
            "source": str(self.source),
            "measured_on": self.measured_on.isoformat() if self.measured_on else None,
            "goal": self.goal_id,
            "note": self.note,
        }


@dataclass
class CountryAttainment:
    country: object
    quarter: Quarter
    elapsed: float  # share of the quarter gone, 0..1, in the country's time
    weeks_left: float
    metrics: list[MetricAttainment] = field(default_factory=list)

    @property
    def goals(self) -> list[MetricAttainment]:
        return [m for m in self.metrics if m.target is not None]

    def count(self, standing: str) -> int:
        return sum(1 for m in self.goals if m.standing == standing)

    @property
    def reached(self) -> int:
        return self.count(Standing.REACHED)

    @property
    def on_track(self) -> int:
        return self.count(Standing.REACHED) + self.count(Standing.ON_TRACK)

    @property
    def behind(self) -> int:
        return self.count(Standing.BEHIND) + self.count(Standing.MISSED)

    def by_metric(self) -> dict[str, MetricAttainment]:
        return {m.metric: m for m in self.metrics}


def current_quarter(country, now: dt.datetime | None = None) -> Quarter:
    return Quarter.of(timezone.localdate(now or timezone.now(), timezone=country.zone))


# --- the queries -----------------------------------------------------------------------------


def _narrow(queryset: QuerySet, countries: list) -> QuerySet:
    """One country: its rows; several: the active scope (rows of other countries get no bounds)."""
    return in_country(queryset, countries[0]) if len(countries) == 1 else queryset


def _by_zone(countries: list) -> dict[str, list[int]]:
    by_zone: dict[str, list[int]] = defaultdict(list)
    for country in countries:
        by_zone[country.timezone].append(country.pk)
    return by_zone


def _bounds(countries: list, quarter: Quarter, now: dt.datetime) -> tuple[Case, Case]:
    """Two expressions: the start and end (UTC) of each row's country's quarter, the end no later
    than ``now`` (figures as of then); NULL for rows of other countries."""
    if len(countries) == 1:  # the dashboard's case: plain values compile faster than a CASE
        start, end = quarter.bounds(countries[0].timezone)
        return Value(start, output_field=DateTimeField()), Value(min(end, now), output_field=DateTimeField())
    starts, ends = [], []
    for zone, ids in _by_zone(countries).items():
        start, end = quarter.bounds(zone)
        starts.append(When(country_id__in=ids, then=Value(start)))
        ends.append(When(country_id__in=ids, then=Value(min(end, now))))
    return Case(*starts, output_field=DateTimeField()), Case(*ends, output_field=DateTimeField())


def _days(countries: list, quarter: Quarter, now: dt.datetime) -> tuple[Case, Case]:
    """The first and last day (local dates) of each row's country's quarter, the last no later than today there."""
    if len(countries) == 1:
        today = timezone.localdate(now, timezone=countries[0].zone)
        return Value(quarter.first_day, output_field=DateField()), Value(
            min(quarter.last_day, today), output_field=DateField()
        )
    firsts, lasts = [], []
    for zone, ids in _by_zone(countries).items():
        today = timezone.localdate(now, timezone=ZoneInfo(zone))
        firsts.append(When(country_id__in=ids, then=Value(quarter.first_day)))
        lasts.append(When(country_id__in=ids, then=Value(min(quarter.last_day, today))))
    return Case(*firsts, output_field=DateField()), Case(*lasts, output_field=DateField())


def _count_per_country(queryset: QuerySet) -> Subquery:
    """A scalar subquery: the rows of ``queryset`` in the outer country. ``COUNT(*)``, not of the key:
    a count that names no column can be answered from an index alone (the partial ones)."""
    return Subquery(
        queryset.filter(country_id=OuterRef("pk")).order_by().values("country_id").annotate(n=Count("*")).values("n"),
        output_field=IntegerField(),
    )


def views_gained(start, end) -> QuerySet:
    """A subquery for a country row: the views its challenges gained between ``start`` and ``end``
    (expressions of the outer row), each challenge's latest count before ``end`` less its latest
    before ``start`` (none: 0), never below 0.

    The cached totals answer for most challenges without reading a snapshot: ``views`` is the
    latest count (``metrics_at`` its moment) and no snapshot predates ``metrics_since``. So a
    challenge whose last snapshot is before ``start``, or whose first is after ``end``, gained
    nothing in the quarter; one whose last is before ``end`` has ``views`` there; one whose first
    is in the quarter started from 0. Only the rest (a challenge running across a bound, or one
    whose ``metrics_since`` is not known) probes the snapshots, as every challenge did before: at
    10x that was 40,000 probes and 400 ms for Indonesia's 20,000 challenges. A challenge without a
    snapshot in the quarter gains its latest before ``end`` less the same latest: 0, as it should.
    """
    known = Q(metrics_since__isnull=False)
    return (
        Challenge.objects.filter(country_id=OuterRef("pk"))
        .alias(q_start=start, q_end=end)
        .filter(Q(metrics_since__isnull=True) | Q(metrics_at__gte=F("q_start"), metrics_since__lt=F("q_end")))
        .alias(
            at_end=Case(
                When(known & Q(metrics_at__lt=F("q_end")), then=F("views")),
                default=metric_before(OuterRef("q_end")),
                output_field=BigIntegerField(),
            ),
            at_start=Case(
                When(metrics_since__gte=F("q_start"), then=Value(0)),
                default=Coalesce(metric_before(OuterRef("q_start")), 0),
                output_field=BigIntegerField(),
            ),
        )
        .order_by()
        .values("country_id")
        .annotate(gain=Sum(Greatest(F("at_end") - F("at_start"), 0)))
        .values("gain")
    )


def record_figures(countries: list, quarter: Quarter, *, now: dt.datetime) -> dict[str, dict[int, int]]:
    """Metric → country id → figure, for the metrics the records hold.

    One query for all metrics and countries: each metric is a subquery per country row, so the
    page pays for one round trip and one compilation, not one per metric.
    """
    if not countries:
        return {}
    start, end = _bounds(countries, quarter, now)
    first_day, last_day = _days(countries, quarter, now)

    core = Influencer.objects.filter(is_core=True, stage=Stage.ACTIVE, erased_at=None)
    ended = [c for c in countries if timezone.localdate(now, timezone=c.zone) > quarter.last_day]
    if len(ended) == len(countries):
        # A past quarter everywhere (one country: the page's case): a plain date, which the
        # partial index on core active rows compares by ``core_since``.
        core = core.filter(Q(core_since__isnull=True) | Q(core_since__lte=quarter.last_day))
    elif ended:
        # A past quarter: those who were core by its last day (or since an unknown day).
        ended_last_day = Case(
            When(country_id__in=[c.pk for c in ended], then=Value(quarter.last_day)), output_field=DateField()
        )
        core = core.alias(ended_on=ended_last_day).filter(
            Q(ended_on__isnull=True) | Q(core_since__isnull=True) | Q(core_since__lte=F("ended_on"))
        )

    gained = views_gained(start, end)
    launched = (
        Challenge.objects.filter(status__in=[ChallengeStatus.LIVE, ChallengeStatus.ENDED])
        .alias(q_start=start, q_end=end)
        .filter(starts_at__gte=F("q_start"), starts_at__lt=F("q_end"))
    )
    held = (
        Event.objects.filter(status=EventStatus.HELD)
        .alias(q_start=start, q_end=end)
        .filter(starts_at__gte=F("q_start"), starts_at__lt=F("q_end"))
    )
    crossed = (
        Influencer.objects.filter(erased_at=None)
        .alias(first_day=first_day, last_day=last_day)
        .filter(crossed_over_on__gte=F("first_day"), crossed_over_on__lte=F("last_day"))
    )
    per_metric = {
        Metric.CORE_ACTIVE: _count_per_country(core),
        Metric.CHALLENGE_VIEWS: Subquery(gained, output_field=BigIntegerField()),
        Metric.CHALLENGES_LAUNCHED: _count_per_country(launched),
        Metric.EVENTS_HELD: _count_per_country(held),
        Metric.CROSSOVERS: _count_per_country(crossed),
    }
    rows = (
        Country.objects.filter(pk__in=[c.pk for c in countries])
        .annotate(**{f"m_{metric}": Coalesce(figure, 0) for metric, figure in per_metric.items()})
        .values("pk", *(f"m_{metric}" for metric in per_metric))
    )
    figures: dict[str, dict[int, int]] = {metric: {} for metric in per_metric}
    for row in rows:
        for metric in per_metric:
            figures[metric][row["pk"]] = row[f"m_{metric}"]
    return figures


def external_figures(countries: list, quarter: Quarter, *, now: dt.datetime) -> dict[tuple[int, str], ExternalFigure]:
    """(country id, metric) → the latest external figure measured in the quarter (by ``now``). One query."""
    if not countries:
        return {}
    first_day, last_day = _days(countries, quarter, now)
    rows = (
        _narrow(ExternalFigure.objects.all(), countries)
        .alias(first_day=first_day, last_day=last_day)
        .filter(measured_on__gte=F("first_day"), measured_on__lte=F("last_day"))
        # The newest of each country's metric: a window, which SQLite runs too (not DISTINCT ON).
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("country_id"), F("metric")],
                order_by=[F("measured_on").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
        .select_related("entered_by")
    )
    return {(row.country_id, row.metric): row for row in rows}


def quarter_goals(countries: list, quarter: Quarter) -> QuerySet:
    return _narrow(CountryGoal.objects.filter(year=quarter.year, quarter=quarter.quarter), countries)


# --- attainment ------------------------------------------------------------------------------


def _progress(country, quarter: Quarter, now: dt.datetime) -> tuple[float, float]:
    """(share of the quarter gone, weeks left) in the country's time."""
    start, end = quarter.bounds(country.zone)
    if now <= start:
        return 0.0, (end - start) / WEEK
    if now >= end:
        return 1.0, 0.0
    return (now - start) / (end - start), (end - now) / WEEK


def judge(item: MetricAttainment, elapsed: float, weeks_left: float) -> MetricAttainment:
    """Percent, expected-by-today, pace needed and standing of one metric (in place)."""
    target, actual = item.target, item.actual
    if target is None:
        return item
    if actual is None:
        item.standing = Standing.NOT_STARTED if elapsed == 0 else Standing.NO_FIGURE
        return item
    if item.lower_is_better:
        item.percent = 100 if actual <= target else round(100 * target / actual)
        reached = actual <= target
    else:
        item.percent = round(100 * actual / target) if target else 0
        item.expected = round(target * elapsed)
        reached = actual >= target
        if not reached and weeks_left > 0:
            # Less than a week left: all that is missing is this week's pace.
            item.pace_per_week = math.ceil((target - actual) / max(weeks_left, 1.0))
    if reached:
        item.standing = Standing.REACHED
    elif elapsed >= 1:
        item.standing = Standing.MISSED
    elif elapsed == 0:
        item.standing = Standing.NOT_STARTED
    elif item.lower_is_better:
        item.standing = Standing.BEHIND
    else:
        item.standing = Standing.ON_TRACK if actual >= (item.expected or 0) else Standing.BEHIND
    return item


def attainment(countries, quarter: Quarter, *, now: dt.datetime | None = None) -> list[CountryAttainment]:
    """Each country's goals for ``quarter`` beside the figures reached, in the order given.

    ``countries`` are those the caller may read (the scope decides which rows exist). Every metric
    is listed, with or without a target. Three queries, whatever the countries.
    """
    now = now or timezone.now()
    countries = list(countries)
    if not countries:
        return []
    goals = {(g.country_id, g.metric): g for g in quarter_goals(countries, quarter)}
    records = record_figures(countries, quarter, now=now)
    outside = external_figures(countries, quarter, now=now)
    result = []
    for country in countries:
        elapsed, weeks_left = _progress(country, quarter, now)
        entry = CountryAttainment(country=country, quarter=quarter, elapsed=elapsed, weeks_left=weeks_left)
        for metric in Metric:
            goal = goals.get((country.pk, metric.value))
            item = MetricAttainment(
                metric=metric.value,
                label=metric.label,
                target=goal.target if goal else None,
                actual=None,
                lower_is_better=metric in LOWER_IS_BETTER,
                from_records=metric not in EXTERNAL_METRICS,
                goal_id=goal.pk if goal else None,
                note=goal.note if goal else "",
            )
            if metric in EXTERNAL_METRICS:
                figure = outside.get((country.pk, metric.value))
                if figure is not None:
                    item.actual, item.source, item.measured_on = figure.value, figure.source, figure.measured_on
            else:
                item.actual = records[metric].get(country.pk, 0)
                item.source = RECORD_SOURCES[metric]
            entry.metrics.append(judge(item, elapsed, weeks_left))
        result.append(entry)
    return result


def country_attainment(country, quarter: Quarter | None = None, *, now: dt.datetime | None = None) -> CountryAttainment:
    now = now or timezone.now()
    return attainment([country], quarter or current_quarter(country, now), now=now)[0]


def goal_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("country")


def external_figure_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("country", "entered_by")


def quarters_around(quarter: Quarter, before: int = 4, after: int = 2) -> list[Quarter]:
    """The quarters a switcher offers: a year back, two ahead."""
    found = [quarter]
    q = quarter
    for _i in range(before):
        q = q.previous
        found.insert(0, q)
    q = quarter
    for _i in range(after):
        q = q.next
        found.append(q)
    return found


def report_scorecard(country, moment: dt.datetime) -> dict | None:
    """The goals of the quarter ``moment`` falls in (country time), as of ``moment``, as plain
    data for a weekly report (kept as JSON): None when the quarter has no goal. 3 queries."""
    quarter = current_quarter(country, moment)
    entry = attainment([country], quarter, now=moment)[0]
    if not entry.goals:
        return None
    return {
        "year": quarter.year,
        "quarter": quarter.quarter,
        "elapsed_pct": round(entry.elapsed * 100),
        "weeks_left": round(entry.weeks_left, 1),
        "metrics": [m.as_dict() for m in entry.goals],
    }
