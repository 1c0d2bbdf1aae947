"""HQ's cross-country report: every country side by side, read from the stored country reports.

The country reports already hold each week's figures; HQ reads a handful of keys out of their JSON
in one query (the chart bytes stay in the database), so 150 countries cost two queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models.fields.json import KT

from locales.models import Country
from reports.models import WeeklyReport

from .figures import DATA_VERSION

# Column → path in a country report's data.
COLUMNS = {
    "live": "challenges__live",
    "ended": "challenges__ended",
    "views_gained": "challenges__gained__views",
    "videos_gained": "challenges__gained__videos",
    "views_previous": "challenges__previous__views",
    "core": "influencers__core",
    "new_core": "influencers__new_core",
    "events_held": "events__held_count",
    "attendance": "events__attendance",
    "overdue_tasks": "events__overdue_tasks_count",
}
GOVERNMENT_COLUMNS = {
    "interactions": "government__interactions",
    "open_incidents": "government__open_incidents_count",
    "overdue_contacts": "government__overdue_contacts_count",
}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def hq_figures(week: str) -> dict[str, Any]:
    columns = {**COLUMNS, **GOVERNMENT_COLUMNS}
    stored = {
        row["country_id"]: row
        for row in WeeklyReport.objects.filter(week=week, country__isnull=False).values(
            "country_id", **{name: KT(f"data__{path}") for name, path in columns.items()}
        )
    }
    rows = []
    for country in Country.objects.order_by("name").values("pk", "code", "name"):
        figures = stored.get(country["pk"])
        row = {"id": country["pk"], "code": country["code"], "name": country["name"], "available": bool(figures)}
        # A country without a report has no figures (None), never zeros: it was not measured.
        for name in columns:
            row[name] = _int(figures[name]) if figures else None
        previous = row["views_prev_gained"] = row.pop("views_previous")
        gained = row["views_gained"]
        row["views_change_pct"] = round((gained - previous) * 100.0 / previous, 1) if previous else None
        rows.append(row)
    reported = [row for row in rows if row["available"]]
    totals = {name: sum(row[name] for row in reported) for name in columns if name != "views_previous"}
    rows.sort(key=lambda r: (not r["available"], -(r["views_gained"] or 0), r["name"]))
    return {
        "version": DATA_VERSION,
        "week": week,
        "countries": rows,
        "totals": totals,
        "missing": [row["name"] for row in rows if not row["available"]],
        "has_data": any(row["available"] for row in rows),
    }
