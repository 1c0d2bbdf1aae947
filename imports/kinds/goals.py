"""Figures from outside (monthly active users, app-store chart rank), with their source: the
analytics export or the chart screenshot's link, one row per country, metric and day."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from goals.models import ExternalFigure, ExternalMetric
from goals.services import external_figure_save
from imports import parsing
from imports.kinds.base import Column, Outcome, RowByRowKind, RowProblems, Run, collect, differences
from imports.kinds.challenges import COUNTRY
from opsportal.access import in_country

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
        if figure is None:
            figure = ExternalFigure(country=country, metric=metric, measured_on=day, **clean)
            external_figure_save(figure, by=run.user)
            run.seen[key] = number
            run.record("external_figure", "create")
            return Outcome.CREATE, label
        changes = differences(figure, clean)
        duplicate = self.check_duplicate(run, key, number, figure, changes, label)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, label
        for name, (_old, new) in changes.items():
            setattr(figure, name, new)
        external_figure_save(figure, by=run.user)
        run.record("external_figure", "update")
        return Outcome.UPDATE, f"{label}: " + ", ".join(sorted(changes))
