"""Country goals from a file: the quarter's targets (one row per country, quarter and metric),
set by a lead (``goals.edit``); and figures from outside (monthly active users, app-store chart
rank), with their source: the analytics export or the chart screenshot's link, one row per
country, metric and day."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from goals.models import QUARTER_MESSAGE, CountryGoal, ExternalFigure, ExternalMetric, Metric
from goals.services import external_figure_save, goal_save
from imports import parsing
from imports.kinds.base import Column, RowByRowKind, RowProblems, Run, collect
from imports.kinds.challenges import COUNTRY
from opsportal.access import Perm, in_country

METRIC_ALIASES = {
    "mau": "monthly_active_users",
    "monthly_active": "monthly_active_users",
    "active_users": "monthly_active_users",
    "pengguna_aktif_bulanan": "monthly_active_users",
    "rank": "chart_rank",
    "chart": "chart_rank",
    "app_store_rank": "chart_rank",
    "peringkat": "chart_rank",
}


class ExternalFigureKind(RowByRowKind):
    name = "external_figures"
    label = _l("Figures from outside")
    model = ExternalFigure
    natural_key = _l("country + metric + day measured")
    columns = [
        COUNTRY,
        Column(
            "metric",
            _l("Metric"),
            aliases=("figure", "kpi", "metrik"),
            required=True,
            help=_l("monthly_active_users (MAU) or chart_rank."),
            example="monthly_active_users",
        ),
        Column(
            "measured_on",
            _l("Measured on"),
            aliases=("date", "day", "as_of", "tanggal"),
            required=True,
            example="31/08/2018",
        ),
        Column("value", _l("Value"), aliases=("figure_value", "count", "nilai"), required=True, example="12000000"),
        Column(
            "source",
            _l("Source"),
            aliases=("from", "link", "url", "sumber"),
            required=True,
            example="https://analytics.example.com/mau/2018-08",
        ),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)
        clean, problems = collect(
            values,
            {
                "metric": lambda v: parsing.parse_choice(v, ExternalMetric.choices, METRIC_ALIASES),
                "measured_on": lambda v: parsing.parse_date(v, day_first=country.dates_day_first),
                "value": parsing.parse_count,
                "source": lambda v: parsing.clean_text(v, max_length=500),
            },
        )
        for name in ("metric", "measured_on", "value", "source"):
            if not clean.get(name) and clean.get(name) != 0 and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if problems:
            raise RowProblems(problems)
        metric, day = clean.pop("metric"), clean.pop("measured_on")
        key = (country.pk, metric, day)
        label = f"{ExternalMetric(metric).label} {day.isoformat()}"
        figure = in_country(ExternalFigure.objects.filter(metric=metric, measured_on=day), country).first()
        return self.create_or_update(
            run,
            number,
            key,
            label,
            figure,
            build=lambda: ExternalFigure(country=country, metric=metric, measured_on=day, **clean),
            values=clean,
            save=external_figure_save,
            counter="external_figure",
        )


# --- goal targets ------------------------------------------------------------------------------

GOAL_METRIC_ALIASES = {
    **METRIC_ALIASES,
    "core": "core_active",
    "core_influencers": "core_active",
    "active_core": "core_active",
    "views": "challenge_views",
    "challenge_view": "challenge_views",
    "challenges": "challenges_launched",
    "launched": "challenges_launched",
    "events": "events_held",
    "offline_events": "events_held",
    "crossover": "crossovers",
    "crossed_over": "crossovers",
}
_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*)?q?([1-4])(?:\s*[-/ ]?\s*(\d{4}))?$", re.IGNORECASE)


def _quarter(value) -> tuple[int | None, int]:
    """``3``, ``Q3``, ``2018-Q3`` or ``Q3 2018`` → (year or None, quarter)."""
    text = parsing.clean_text(value).replace(".0", "")
    match = _QUARTER.match(text)
    if not match:
        raise parsing.CellError(str(QUARTER_MESSAGE))
    year = match.group(1) or match.group(3)
    return (int(year) if year else None), int(match.group(2))


def _year(value) -> int:
    year = parsing.parse_count(value)
    if not 2000 <= year <= 2100:
        raise parsing.CellError(_("Give a year between 2000 and 2100."))
    return year


class GoalKind(RowByRowKind):
    name = "goals"
    label = _l("Country goals (targets)")
    model = CountryGoal
    perm = Perm.GOALS_EDIT
    natural_key = _l("country + year + quarter + metric")
    columns = [
        COUNTRY,
        Column("year", _l("Year"), aliases=("tahun",), help=_l("Or in the quarter: 2018-Q3."), example="2018"),
        Column(
            "quarter",
            _l("Quarter"),
            aliases=("q", "kuartal", "triwulan", "period"),
            required=True,
            help=_l("1 to 4, Q3, or 2018-Q3."),
            example="Q3",
        ),
        Column(
            "metric",
            _l("Metric"),
            aliases=("goal", "kpi", "metrik", "target_metric"),
            required=True,
            help=_l(
                "core_active, challenge_views, challenges_launched, events_held, crossovers, "
                "monthly_active_users or chart_rank."
            ),
            example="core_active",
        ),
        Column(
            "target",
            _l("Target"),
            aliases=("goal_value", "sasaran", "value"),
            required=True,
            help=_l("1 or more; for the chart rank, the rank to reach or beat."),
            example="100",
        ),
        Column("note", _l("Note"), aliases=("notes", "catatan", "comment")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)
        clean, problems = collect(
            values,
            {
                "year": _year,
                "quarter": _quarter,
                "metric": lambda v: parsing.parse_choice(v, Metric.choices, GOAL_METRIC_ALIASES),
                "target": parsing.parse_count,
                "note": lambda v: parsing.clean_text(v, max_length=300),
            },
        )
        if "quarter" in clean:
            in_quarter, clean["quarter"] = clean["quarter"]
            if in_quarter is not None and clean.setdefault("year", in_quarter) != in_quarter:
                problems.append(("quarter", _("The quarter's year differs from the year column.")))
        for name in ("year", "quarter", "metric", "target"):
            if clean.get(name) is None and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if problems:
            raise RowProblems(problems)
        year, quarter, metric = clean.pop("year"), clean.pop("quarter"), clean.pop("metric")
        key = (country.pk, year, quarter, metric)
        label = f"{Metric(metric).label} {year} Q{quarter}"
        goal = in_country(CountryGoal.objects.filter(year=year, quarter=quarter, metric=metric), country).first()
        return self.create_or_update(
            run,
            number,
            key,
            label,
            goal,
            build=lambda: CountryGoal(country=country, year=year, quarter=quarter, metric=metric, **clean),
            values=clean,
            save=goal_save,
            counter="country_goal",
        )
