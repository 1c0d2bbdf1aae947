"""HQ's overview: every country side by side, for those who compare markets (HQ viewers and
administrators). A fixed number of grouped queries whatever the number of countries.

Without a country chosen, they land here rather than on the first country alphabetically
(which may well be empty)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import reporting_currency
from budgets.selectors import spend_by_country
from challenges.metrics import gain_baseline
from challenges.models import Challenge, Status
from events.models import Event, EventTask
from events.selectors import overdue
from goals.models import Metric
from goals.quarters import Quarter
from goals.selectors import attainment, quarters_around
from influencers.followers import growth_baseline
from influencers.models import Influencer, InfluencerInteraction, PlatformAccount
from influencers.selectors import new_core_count
from locales.models import RegulatorRequest, RegulatoryIncident
from locales.models.government import IncidentStatus
from locales.selectors import request_figures
from opsportal.access import Perm
from opsportal.db_router import Reads, heavy_reads
from opsportal.l10n import country_name
from opsportal.models.markets import local_date
from opsportal.portal.mixins import SESSION_KEY, portal_render, portal_view, user_countries

WEEK = 7
EVENTS_AHEAD_DAYS = 30

# Column key → (heading, default direction: True for largest first)
COLUMNS = {
    "name": (_("Country"), False),
    "live": (_("Live challenges"), True),
    "views_week": (_("Views this week"), True),
    "core": (_("Core influencers"), True),
    "core_new": (_("New core this week"), True),
    "follower_gain": (_("Core followers gained this week"), True),
    "events_ahead": (_("Events in the next 30 days"), True),
    "overdue": (_("Overdue work"), True),
    "incidents": (_("Open incidents"), True),
    "requests_overdue": (_("Regulator requests past their deadline"), True),
    "requests_on_time": (_("Regulator requests answered on time"), True),
}
# Columns only government-relations readers see (HQ with the government grant, administrators).
GOVERNMENT_COLUMNS = frozenset({"incidents", "requests_overdue", "requests_on_time"})


def is_hq(access) -> bool:
    """Reads every country: an HQ viewer or an administrator."""
    return access.country_ids(Perm.VIEW) is None


def _by_country(queryset, **aggregates) -> dict[int, dict]:
    return {row.pop("cid"): row for row in queryset.values(cid=F("country_id")).annotate(**aggregates).order_by()}


def overview_rows(access, countries, *, now: dt.datetime | None = None) -> list[dict]:
    now = now or timezone.now()

    live = Challenge.objects.filter(status=Status.LIVE)
    live_counts = _by_country(live, n=Count("pk"))
    views_week: dict[int, int] = defaultdict(int)
    recent = Challenge.objects.filter(Q(status=Status.LIVE) | Q(ends_at__gte=now - dt.timedelta(days=WEEK)))
    for cid, views, baseline in recent.annotate(baseline=gain_baseline(WEEK, now=now)).values_list(
        "country_id", "views", "baseline"
    ):
        if isinstance(baseline, str):  # SQLite hands JSON back as text
            baseline = json.loads(baseline)
        views_week[cid] += max(0, views - ((baseline or {}).get("views") or 0))

    # Day-based figures count by each country's own day, as its dashboard does.
    zones = {country.timezone for country in countries}
    core = Influencer.objects.filter(is_core=True, erased_at=None).alias(
        week_ago=local_date("country__timezone", now=now, days=-WEEK, zones=zones)
    )
    core_counts = _by_country(core, n=Count("pk"), new=new_core_count(F("week_ago")))
    gains = {
        row["cid"]: row["gain"] or 0
        for row in PlatformAccount.objects.filter(influencer__is_core=True, influencer__erased_at=None)
        .alias(week_ago=local_date("influencer__country__timezone", now=now, days=-WEEK, zones=zones))
        .annotate(base=growth_baseline(cutoff=OuterRef("week_ago")))
        .values(cid=F("influencer__country_id"))
        .annotate(gain=Sum(F("followers") - F("base")))
        .order_by()
    }
    events = _by_country(
        Event.objects.filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=EVENTS_AHEAD_DAYS)),
        n=Count("pk"),
    )
    overdue_work: dict[int, int] = defaultdict(int)
    tasks = EventTask.objects.alias(local_today=local_date("event__country__timezone", now=now, zones=zones))
    for row in (
        overdue(tasks, today=F("local_today")).values(cid=F("event__country_id")).annotate(n=Count("pk")).order_by()
    ):
        overdue_work[row["cid"]] += row["n"]
    follow_ups = InfluencerInteraction.objects.alias(
        local_today=local_date("influencer__country__timezone", now=now, zones=zones)
    )
    for row in (
        follow_ups.filter(follow_up_done=False, next_follow_up_on__lt=F("local_today"))
        .values(cid=F("influencer__country_id"))
        .annotate(n=Count("pk"))
        .order_by()
    ):
        overdue_work[row["cid"]] += row["n"]
    government_ids = access.country_ids(Perm.GOVERNMENT_VIEW)
    incidents = _by_country(
        access.scope(RegulatoryIncident.objects.exclude(status=IncidentStatus.RESOLVED), Perm.GOVERNMENT_VIEW),
        n=Count("pk"),
    )
    requests = request_figures(access.scope(RegulatorRequest.objects.all(), Perm.GOVERNMENT_VIEW), now=now)

    rows = []
    for country in countries:
        government = government_ids is None or country.pk in government_ids
        rows.append(
            {
                "country": country,
                "name": country_name(country),  # in the reader's language, sorted as read
                "live": live_counts.get(country.pk, {}).get("n", 0),
                "views_week": views_week.get(country.pk, 0),
                "core": core_counts.get(country.pk, {}).get("n", 0),
                "core_new": core_counts.get(country.pk, {}).get("new", 0),
                "follower_gain": gains.get(country.pk, 0),
                "events_ahead": events.get(country.pk, {}).get("n", 0),
                "overdue": overdue_work.get(country.pk, 0),
                "incidents": incidents.get(country.pk, {}).get("n", 0) if government else None,
                "requests_overdue": requests.get(country.pk, {}).get("overdue", 0) if government else None,
                "requests_on_time": requests.get(country.pk, {}).get("rate") if government else None,
                "requests_answered": requests.get(country.pk, {}).get("answered", 0) if government else None,
                "requests_on_time_n": requests.get(country.pk, {}).get("on_time", 0) if government else None,
            }
        )
    return rows


def _spend_rows(access, rows: list[dict]) -> list[dict] | None:
    """Each country's planned and actual spend in the reporting currency, with the rates used
    and the figures left out for want of a rate; only for finance viewers (None otherwise), only
    the countries where they hold finance.view (the scope keeps the rest out). Two queries."""
    if not access.can(Perm.FINANCE_VIEW):
        return None
    totals = spend_by_country()
    return [
        {"country": row["country"], "total": totals[row["country"].pk]} for row in rows if row["country"].pk in totals
    ]


def sort_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    key = sort.lstrip("-")
    if key not in COLUMNS:
        key, sort = "views_week", "-views_week"
    descending = sort.startswith("-")
    if key == "name":
        ordered = sorted(rows, key=lambda r: r["name"].casefold(), reverse=descending)
    else:
        # Countries without the figure (incidents they may not see) go last either way.
        known = [r for r in rows if r[key] is not None]
        unknown = [r for r in rows if r[key] is None]
        sign = -1 if descending else 1
        ordered = sorted(known, key=lambda r: (sign * r[key], r["name"].casefold())) + unknown
    return ordered, ("-" if descending else "") + key


# The goals comparison: column key → heading (every metric sorts by the share of its target reached).
GOAL_COLUMNS = {
    "name": _("Country"),
    "on_track": _("Goals on track or reached"),
    "behind": _("Goals behind or missed"),
    **{metric.value: metric.label for metric in Metric},
}


def goal_rows(countries, quarter: Quarter) -> list[dict]:
    """Every country's attainment of the quarter's goals, side by side (goals.selectors: 3 queries)."""
    rows = []
    for entry in attainment(countries, quarter):
        by_metric = entry.by_metric()
        rows.append(
            {
                "country": entry.country,
                "name": country_name(entry.country),
                "set": len(entry.goals),
                "on_track": entry.on_track,
                "behind": entry.behind,
                "metrics": [by_metric[m.value] for m in Metric],
                **{m.value: by_metric[m.value].percent for m in Metric},
            }
        )
    return rows


def sort_goal_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    key = sort.lstrip("-")
    if key not in GOAL_COLUMNS:
        key, sort = "on_track", "-on_track"
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r["name"].casefold(), reverse=descending), sort
    known = [r for r in rows if r[key] is not None]
    unknown = [r for r in rows if r[key] is None]  # no goal for that metric: last either way
    sign = -1 if descending else 1
    return sorted(known, key=lambda r: (sign * r[key], r["name"].casefold())) + unknown, sort


def goal_columns(sort: str, params: dict) -> list[dict]:
    columns = []
    for key, label in GOAL_COLUMNS.items():
        current = sort.lstrip("-") == key
        if current:
            next_sort = key if sort.startswith("-") else f"-{key}"
        else:
            next_sort = key if key == "name" else f"-{key}"
        query = {**params, "gsort": next_sort}
        columns.append(
            {
                "key": key,
                "label": label,
                "query": "&".join(f"{k}={v}" for k, v in query.items()),
                "aria_sort": ("descending" if sort.startswith("-") else "ascending") if current else "none",
            }
        )
    return columns


@portal_view
def hq_overview(request):
    if not is_hq(request.access):
        raise PermissionDenied
    countries = user_countries(request)
    now_quarter = Quarter.of(timezone.now().astimezone(dt.UTC).date())
    quarter = Quarter.parse(request.GET.get("year"), request.GET.get("quarter")) or now_quarter
    # Every country's figures: on the read replica when configured and caught up (opsportal.db_router).
    with heavy_reads(Reads.PAGE):
        rows = overview_rows(request.access, countries)
        spend = _spend_rows(request.access, rows)
        quarter_goals = goal_rows(countries, quarter)
    rows, sort = sort_rows(rows, request.GET.get("sort", "-views_week"))
    government = request.access.can(Perm.GOVERNMENT_VIEW)
    columns = []
    for key, (label, largest_first) in COLUMNS.items():
        if key in GOVERNMENT_COLUMNS and not government:
            continue
        current = sort.lstrip("-") == key
        if current:
            next_sort = key if sort.startswith("-") else f"-{key}"
        else:
            next_sort = f"-{key}" if largest_first else key
        direction = ("descending" if sort.startswith("-") else "ascending") if current else "none"
        columns.append(
            {
                "key": key,
                "label": label,
                "next": next_sort,
                "aria_sort": direction,
                "default": f"-{key}" if largest_first else key,
            }
        )
    totals = {
        key: sum(r[key] or 0 for r in rows)
        for key in COLUMNS
        if key not in ("name", "requests_on_time") and (key not in GOVERNMENT_COLUMNS or government)
    }
    if government:  # a rate is not summed: every answer of every country, on time or not
        answered = sum(r["requests_answered"] or 0 for r in rows)
        on_time = sum(r["requests_on_time_n"] or 0 for r in rows)
        totals["requests_on_time"] = round(100 * on_time / answered) if answered else None
    # The goals of the chosen quarter (the current one in UTC, as HQ spans every timezone).
    goals, goal_sort = sort_goal_rows(quarter_goals, request.GET.get("gsort", "-on_track"))
    params = {"sort": sort, "year": quarter.year, "quarter": quarter.quarter}
    return portal_render(
        request,
        "portal/hq_overview.html",
        {
            "nav": "hq",
            "rows": rows,
            "columns": columns,
            "totals": totals,
            "sort": sort,
            "government": government,
            "spend": spend,
            "reporting_currency": reporting_currency(),
            "chosen": request.session.get(SESSION_KEY),
            "quarter": quarter,
            "current_quarter": now_quarter,
            "quarters": quarters_around(now_quarter),
            "goal_rows": goals,
            "goal_sort": goal_sort,
            "goal_columns": goal_columns(goal_sort, params),
        },
    )
