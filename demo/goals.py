"""Country goals of the story: Indonesia's 2018 quarters (over 100 core influencers; the
multi-person frame challenge's 53 million views in a week as Q1's views target), external
monthly-active-user figures with their source, and this quarter's goals for the dashboards."""

from __future__ import annotations

import datetime as dt

from goals.models import CountryGoal, ExternalFigure, Metric
from goals.quarters import Quarter

from .base import Seeder

D = dt.date
ANALYTICS = "Demo: app analytics monthly report (illustrative figures)"
CHART = "Demo: app-store top free chart, screenshot kept by the team (illustrative)"

# (country, year, quarter, metric, target, note)
STORY_GOALS = [
    ("ID", 2018, 1, Metric.CORE_ACTIVE, 60, "Build the core group before Ramadan"),
    ("ID", 2018, 1, Metric.CHALLENGE_VIEWS, 50_000_000, "The multi-person frame challenge alone brought 53M in a week"),
    ("ID", 2018, 1, Metric.CHALLENGES_LAUNCHED, 4, ""),
    ("ID", 2018, 2, Metric.CORE_ACTIVE, 80, ""),
    ("ID", 2018, 2, Metric.CROSSOVERS, 10, "Creators with more followers here than on Instagram"),
    ("ID", 2018, 3, Metric.CORE_ACTIVE, 100, "More than 100 core influencers"),
    ("ID", 2018, 3, Metric.MONTHLY_ACTIVE_USERS, 10_000_000, "Recover after the July ban"),
    ("ID", 2018, 3, Metric.CHART_RANK, 1, "Back to the top of the chart after the ban"),
    ("ID", 2018, 4, Metric.CORE_ACTIVE, 110, ""),
    ("ID", 2018, 4, Metric.EVENTS_HELD, 3, "Talent exchanges and the DWP season"),
]

# (country, metric, day, value, source)
STORY_FIGURES = [
    ("ID", Metric.MONTHLY_ACTIVE_USERS, D(2018, 6, 30), 8_500_000, ANALYTICS),
    ("ID", Metric.MONTHLY_ACTIVE_USERS, D(2018, 7, 31), 9_200_000, ANALYTICS),
    ("ID", Metric.MONTHLY_ACTIVE_USERS, D(2018, 8, 31), 11_400_000, ANALYTICS),
    ("ID", Metric.CHART_RANK, D(2018, 7, 2), 1, CHART),
    ("ID", Metric.CHART_RANK, D(2018, 7, 20), 3, CHART),
]

# This quarter's goals (whatever today is), so the dashboards and the HQ overview show progress.
# (country, metric, target, note)
CURRENT_GOALS = [
    ("ID", Metric.CORE_ACTIVE, 100, "Keep more than 100 core influencers active"),
    ("ID", Metric.CHALLENGE_VIEWS, 60_000_000, ""),
    ("ID", Metric.CHALLENGES_LAUNCHED, 4, ""),
    ("ID", Metric.EVENTS_HELD, 2, ""),
    ("ID", Metric.MONTHLY_ACTIVE_USERS, 15_000_000, ""),
    ("ID", Metric.CHART_RANK, 1, ""),
    ("TH", Metric.CORE_ACTIVE, 30, ""),
    ("TH", Metric.CHALLENGE_VIEWS, 20_000_000, "Songkran stickers and the imitation challenge"),
    ("TH", Metric.CHALLENGES_LAUNCHED, 3, ""),
    ("TH", Metric.CROSSOVERS, 3, ""),
    ("TH", Metric.CHART_RANK, 3, ""),
]
# (country, metric, days before today, value, source)
CURRENT_FIGURES = [
    ("ID", Metric.MONTHLY_ACTIVE_USERS, 5, 12_800_000, ANALYTICS),
    ("ID", Metric.CHART_RANK, 2, 2, CHART),
    ("TH", Metric.CHART_RANK, 3, 4, CHART),
]


def seed_goals(seeder: Seeder, countries: dict, users: dict) -> None:
    leads = {"ID": users.get("id-lead"), "TH": users.get("th-lead")}
    current = Quarter.of(seeder.today)
    goals = [(code, y, q, m, t, n) for code, y, q, m, t, n in STORY_GOALS]
    goals += [(code, current.year, current.quarter, m, t, n) for code, m, t, n in CURRENT_GOALS]
    for code, year, quarter, metric, target, note in goals:
        if code not in countries:
            continue
        seeder.ensure(
            CountryGoal,
            {"country": countries[code], "year": year, "quarter": quarter, "metric": metric.value},
            {"target": target, "note": note, "created_by": leads.get(code)},
            at=dt.datetime.combine(Quarter(year, quarter).first_day, dt.time(3), tzinfo=dt.UTC)
            if Quarter(year, quarter).first_day <= seeder.today
            else None,
        )
    figures = list(STORY_FIGURES)
    figures += [(code, m, seeder.day(-days), value, source) for code, m, days, value, source in CURRENT_FIGURES]
    for code, metric, day, value, source in figures:
        if code not in countries:
            continue
        seeder.ensure(
            ExternalFigure,
            {"country": countries[code], "metric": metric.value, "measured_on": day},
            {"value": value, "source": source, "entered_by": leads.get(code), "created_by": leads.get(code)},
        )
