"""A country's weekly figures, from aggregate queries.

Every number is computed in the database (subqueries, aggregates, window functions); Python only
shapes the few rows a report shows. A country's report therefore costs the same number of queries
whether it has one challenge or ten thousand snapshots: ``COUNTRY_QUERIES`` is pinned by a test.
The result is plain JSON (dates as ISO strings) so it can be stored on ``WeeklyReport.data``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from challenges.models import Challenge, ChallengeMetricSnapshot
from challenges.models import Status as ChallengeStatus
from challenges.selectors import metric_before
from events.models import Event, EventTask
from events.models import Status as EventStatus
from events.selectors import cold_partners
from goals.selectors import report_scorecard
from influencers.models import OWN_PLATFORM, FollowerSnapshot, Influencer, PlatformAccount
from influencers.selectors import cold_influencers
from locales.models import (
    Country,
    CulturalMomentOccurrence,
)
from opsportal.access import in_country

from .figure_rows import LIST_LIMIT, SHORT_LIST
from .figure_rows import iso as _iso
from .figure_rows import with_total as _with_total
from .government_figures import government_figures
from .weeks import WeekBounds, week_bounds

METRICS = ("views", "videos", "likes", "shares")
TOP_MOVERS = 5
CHART_CHALLENGES = 5
DATA_VERSION = 1
# Queries one country's figures cost, whatever the data (see tests/opsportal/test_reports_figures.py).
COUNTRY_QUERIES = 22  # 19, and 3 for the quarter's goals (goals.selectors)


def _pct(current: int, previous: int) -> float | None:
    """Week-over-week change in percent; None when last week had nothing to compare with."""
    if not previous:
        return None
    return round((current - previous) * 100.0 / previous, 1)


# --- Challenges ---------------------------------------------------------------------
def _metric_before(metric: str, moment: dt.datetime):
    """The challenge's cumulative ``metric`` at ``moment``: its last snapshot before then, or 0."""
    return Coalesce(metric_before(moment, metric), 0, output_field=BigIntegerField())


def _challenges(country: Country, b: WeekBounds) -> QuerySet:
    """Challenges live at some point of the week."""
    qs = in_country(Challenge.objects.all(), country).filter(status__in=[ChallengeStatus.LIVE, ChallengeStatus.ENDED])
    qs = qs.filter(Q(starts_at__lt=b.end) | Q(starts_at__isnull=True))
    return qs.filter(Q(ends_at__gte=b.start) | Q(ends_at__isnull=True))


def challenges_in_week(country: Country, b: WeekBounds) -> QuerySet:
    """Challenges live at some point of the week, with each metric gained this week and last week."""
    qs = _challenges(country, b)
    at = {}
    for metric in METRICS:
        at[f"{metric}_end"] = _metric_before(metric, b.end)
        at[f"{metric}_start"] = _metric_before(metric, b.start)
        at[f"{metric}_prev"] = _metric_before(metric, b.prev_start)
    gains = {}
    for metric in METRICS:
        gains[f"{metric}_gained"] = F(f"{metric}_end") - F(f"{metric}_start")
        gains[f"{metric}_prev_gained"] = F(f"{metric}_start") - F(f"{metric}_prev")
    return qs.annotate(**at).annotate(**gains)


def challenge_figures(country: Country, b: WeekBounds) -> dict[str, Any]:
    qs = challenges_in_week(country, b)
    ended_q = Q(ends_at__gte=b.start, ends_at__lt=b.end)
    aggregates = {"live": Count("pk", filter=~ended_q), "ended": Count("pk", filter=ended_q)}
    for metric in METRICS:
        # The sums repeat the subqueries instead of naming the annotations: Django cannot aggregate
        # over annotations built on other annotations without losing their columns.
        end, start, prev = (_metric_before(metric, moment) for moment in (b.end, b.start, b.prev_start))
        aggregates[f"{metric}_gained"] = Coalesce(Sum(end - start), 0, output_field=BigIntegerField())
        aggregates[f"{metric}_prev_gained"] = Coalesce(Sum(start - prev), 0, output_field=BigIntegerField())
    totals = _challenges(country, b).aggregate(**aggregates)  # query 1

    row_fields = ["pk", "hashtag", "title", "status", "target_views", "target_videos"]
    row_fields += [f"{m}_gained" for m in METRICS] + [f"{m}_prev_gained" for m in METRICS]
    row_fields += ["views_end", "videos_end", "views_start"]
    movers = list(qs.order_by("-views_gained", "hashtag").values(*row_fields)[:TOP_MOVERS])  # query 2
    ended = list(qs.filter(ended_q).order_by("-views_end", "hashtag").values(*row_fields)[:LIST_LIMIT])  # 3

    def shape(row: dict) -> dict:
        return {
            "id": row["pk"],
            "hashtag": row["hashtag"],
            "title": row["title"],
            "status": row["status"],
            **{f"{m}_gained": row[f"{m}_gained"] for m in METRICS},
            "views_prev_gained": row["views_prev_gained"],
            "views_change_pct": _pct(row["views_gained"], row["views_prev_gained"]),
            "views_total": row["views_end"],
            "videos_total": row["videos_end"],
            "target_views": row["target_views"],
            "target_videos": row["target_videos"],
            "views_attainment_pct": round(row["views_end"] * 100.0 / row["target_views"], 1)
            if row["target_views"]
            else None,
            "videos_attainment_pct": round(row["videos_end"] * 100.0 / row["target_videos"], 1)
            if row["target_videos"]
            else None,
        }

    top_ids = qs.order_by("-views_gained", "hashtag").values("pk")[:CHART_CHALLENGES]
    daily = _daily_views(b, top_ids, movers[:CHART_CHALLENGES])  # query 4
    return {
        "live": totals["live"],
        "ended": totals["ended"],
        "gained": {m: totals[f"{m}_gained"] for m in METRICS},
        "previous": {m: totals[f"{m}_prev_gained"] for m in METRICS},
        "change_pct": {m: _pct(totals[f"{m}_gained"], totals[f"{m}_prev_gained"]) for m in METRICS},
        "top_movers": [shape(r) for r in movers],
        "ended_list": [shape(r) for r in ended],
        "daily_views": daily,
    }


def _daily_views(b: WeekBounds, top_ids: QuerySet, top: list[dict]) -> dict[str, list[list]]:
    """Views gained per local day for the top challenges: {"#tag": [[date, views], ...]}.

    The challenges are chosen by a subquery (not a list of ids) so the query runs, and is
    counted, even in a week without any.
    """
    rows = (
        ChallengeMetricSnapshot.objects.filter(
            challenge_id__in=top_ids, captured_at__gte=b.start, captured_at__lt=b.end
        )
        .annotate(day=TruncDate("captured_at", tzinfo=b.tz))
        .values("challenge_id", "day")
        .annotate(views=Max("views"))
        .order_by()
    )
    # Views are cumulative: a day's gain is its last count minus the previous day's (or the week's start).
    end_of_day: dict[int, dict[dt.date, int]] = {row["pk"]: {} for row in top}
    for row in rows:
        end_of_day.setdefault(row["challenge_id"], {})[row["day"]] = row["views"]
    series = {}
    for row in top:
        previous = row["views_start"]
        points = []
        for day in b.days():
            value = end_of_day[row["pk"]].get(day)
            if value is None:
                points.append([day.isoformat(), 0])
                continue
            points.append([day.isoformat(), max(value - previous, 0)])
            previous = value
        series[f"#{row['hashtag']}"] = points
    return series


# --- Influencers ------------------------------------------------------------------
def influencer_figures(country: Country, b: WeekBounds) -> dict[str, Any]:
    people = in_country(Influencer.objects.all(), country).filter(erased_at__isnull=True)
    counts = people.aggregate(  # query 5
        core=Count("pk", filter=Q(is_core=True) & (Q(core_since__isnull=True) | Q(core_since__lt=b.end_date))),
        new_core=Count("pk", filter=Q(is_core=True, core_since__gte=b.start_date, core_since__lt=b.end_date)),
        total=Count("pk"),
        added=Count("pk", filter=Q(created_at__gte=b.start, created_at__lt=b.end)),
    )

    # Pipeline moves: each historical version in the week against the version before it.
    history = Influencer.history.model
    before = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date")
        .values("stage")[:1]
    )
    moves = (
        history.objects.filter(country_id=country.pk, history_date__gte=b.start, history_date__lt=b.end)
        .exclude(history_type="-")
        .annotate(from_stage=Subquery(before))
        .filter(Q(from_stage__isnull=True) | ~Q(from_stage=F("stage")))
        .values("from_stage", "stage")
        .annotate(n=Count("history_id"))
        .order_by("-n", "stage")
    )
    pipeline = [{"from": row["from_stage"] or "", "to": row["stage"], "count": row["n"]} for row in moves]  # 6

    snapshots = FollowerSnapshot.objects.filter(account=OuterRef("pk"))
    in_week = snapshots.filter(date__gte=b.start_date, date__lt=b.end_date)
    at_end = Subquery(snapshots.filter(date__lt=b.end_date).order_by("-date").values("followers")[:1])
    at_start = Coalesce(
        Subquery(snapshots.filter(date__lt=b.start_date).order_by("-date").values("followers")[:1]),
        Subquery(in_week.order_by("date").values("followers")[:1]),
    )
    gains = (
        in_country(PlatformAccount.objects.all(), country)
        .filter(influencer__erased_at__isnull=True)
        .filter(Exists(in_week))
        .annotate(f_end=at_end, f_start=at_start)
        .annotate(gain=F("f_end") - F("f_start"))
        .filter(gain__gt=0)
        .annotate(rank=Window(RowNumber(), partition_by=[F("platform")], order_by=[F("gain").desc(), F("pk")]))
        .filter(rank__lte=3)
        .order_by("platform", "rank")
        .values("platform", "handle", "influencer_id", "influencer__name", "gain", "f_end")
    )
    top_gains: dict[str, list] = {}
    for row in gains:  # query 7: at most three rows per platform
        top_gains.setdefault(row["platform"], []).append(
            {
                "influencer_id": row["influencer_id"],
                "name": row["influencer__name"],
                "handle": row["handle"],
                "gain": row["gain"],
                "followers": row["f_end"],
            }
        )

    # A shared relationship crossed over with its profile: the home record's accounts.
    holder = Coalesce(OuterRef("profile_id"), OuterRef("pk"))
    accounts = PlatformAccount.objects.filter(influencer_id=holder).order_by("-followers")
    crossovers = (
        people.filter(crossed_over_on__gte=b.start_date, crossed_over_on__lt=b.end_date)
        .annotate(
            own=Subquery(accounts.filter(platform=OWN_PLATFORM).values("followers")[:1]),
            other=Subquery(accounts.exclude(platform=OWN_PLATFORM).values("followers")[:1]),
            other_platform=Subquery(accounts.exclude(platform=OWN_PLATFORM).values("platform")[:1]),
        )
        .order_by("-own", "name")
        .values("pk", "name", "crossed_over_on", "own", "other", "other_platform")[:LIST_LIMIT]
    )
    return {
        **counts,
        "pipeline": pipeline,
        "top_gains": top_gains,
        "crossovers": [  # query 8
            {
                "id": row["pk"],
                "name": row["name"],
                "on": _iso(row["crossed_over_on"]),
                "own_followers": row["own"] or 0,
                "other_followers": row["other"] or 0,
                "other_platform": row["other_platform"] or "",
            }
            for row in crossovers
        ],
    }


# --- Events -----------------------------------------------------------------------
def _event_row(row: dict) -> dict:
    return {
        "id": row["pk"],
        "name": row["name"],
        "city": row["city"],
        "kind": row["kind"],
        "status": row["status"],
        "starts_at": _iso(row["starts_at"]),
        "attendance": row["attendance"],
        "expected_attendance": row["expected_attendance"],
    }


def event_figures(country: Country, b: WeekBounds) -> dict[str, Any]:
    events = in_country(Event.objects.all(), country).exclude(status=EventStatus.CANCELLED)
    fields = ("pk", "name", "city", "kind", "status", "starts_at", "attendance", "expected_attendance")
    held = list(
        _with_total(
            events.filter(starts_at__gte=b.start, starts_at__lt=b.end),
            total_attendance=Sum("attendance"),
        )
        .order_by("starts_at", "pk")
        .values(*fields, "total_rows", "total_attendance")[:LIST_LIMIT]
    )  # query 9
    upcoming = list(
        _with_total(events.filter(starts_at__gte=b.end, starts_at__lt=b.end + dt.timedelta(days=14)))
        .order_by("starts_at", "pk")
        .values(*fields, "total_rows")[:LIST_LIMIT]
    )  # query 10
    overdue = list(
        _with_total(
            in_country(EventTask.objects.all(), country)
            .filter(done_at__isnull=True, due_on__lt=b.end_date)
            .exclude(event__status=EventStatus.CANCELLED)
        )
        .order_by("due_on", "pk")
        .values(
            "pk",
            "title",
            "due_on",
            "event_id",
            "event__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "total_rows",
        )[:SHORT_LIST]
    )  # query 11
    return {
        "held_count": held[0]["total_rows"] if held else 0,
        "attendance": (held[0]["total_attendance"] or 0) if held else 0,
        "held": [_event_row(r) for r in held],
        "upcoming_count": upcoming[0]["total_rows"] if upcoming else 0,
        "upcoming": [_event_row(r) for r in upcoming],
        "overdue_tasks_count": overdue[0]["total_rows"] if overdue else 0,
        "overdue_tasks": [
            {
                "id": r["pk"],
                "title": r["title"],
                "due_on": _iso(r["due_on"]),
                "event_id": r["event_id"],
                "event": r["event__name"],
                "assignee": " ".join(filter(None, [r["assignee__first_name"], r["assignee__last_name"]]))
                or r["assignee__username"]
                or "",
            }
            for r in overdue
        ],
    }


# --- Government relations (shown only to recipients with that role) ----------------
# --- Cultural moments ---------------------------------------------------------------
def moment_figures(country: Country, b: WeekBounds) -> list[dict]:
    def linked(model):
        return Coalesce(
            Subquery(
                model.objects.filter(cultural_moment=OuterRef("moment"))
                .order_by()
                .values("cultural_moment")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        )

    rows = (
        in_country(
            CulturalMomentOccurrence.objects.filter(
                ends_on__gte=b.end_date, starts_on__lt=b.end_date + dt.timedelta(days=60)
            ),
            country,
        )
        .annotate(challenges=linked(Challenge), events=linked(Event))
        .order_by("starts_on", "pk")
        .values(
            "pk", "moment_id", "moment__name", "moment__local_name", "starts_on", "ends_on", "challenges", "events"
        )[:LIST_LIMIT]
    )  # query 17
    return [
        {
            "id": r["moment_id"],
            "name": r["moment__name"],
            "local_name": r["moment__local_name"],
            "starts_on": _iso(r["starts_on"]),
            "ends_on": _iso(r["ends_on"]),
            "days_away": (r["starts_on"] - b.end_date).days,
            "challenges": r["challenges"],
            "events": r["events"],
        }
        for r in rows
    ]


# --- Relationships going cold -------------------------------------------------------
def relationship_figures(country: Country, b: WeekBounds) -> dict[str, Any]:
    """Influencers and partners not contacted for longer than the country's threshold at the end
    of the week: the rule of the weekly reminder digest and the dashboard."""
    people = list(
        _with_total(cold_influencers(country, now=b.end)).values("pk", "name", "last_touch", "total_rows")[:SHORT_LIST]
    )  # query 18
    partners = list(
        _with_total(cold_partners(country, now=b.end)).values("pk", "name", "last_touch", "total_rows")[:SHORT_LIST]
    )  # query 19
    return {
        "days": country.cold_after_days,
        "influencers_count": people[0]["total_rows"] if people else 0,
        "influencers": [{"id": r["pk"], "name": r["name"], "last_touch": _iso(r["last_touch"])} for r in people],
        "partners_count": partners[0]["total_rows"] if partners else 0,
        "partners": [{"id": r["pk"], "name": r["name"], "last_touch": _iso(r["last_touch"])} for r in partners],
    }


def country_figures(country: Country, week: str) -> dict[str, Any]:
    """Everything a country's weekly report says, computed in ``COUNTRY_QUERIES`` queries."""
    b = week_bounds(week, country.timezone)
    challenges = challenge_figures(country, b)
    influencers = influencer_figures(country, b)
    events = event_figures(country, b)
    government = government_figures(country, b)
    moments = moment_figures(country, b)
    relationships = relationship_figures(country, b)
    has_data = bool(
        challenges["live"]
        or challenges["ended"]
        or influencers["new_core"]
        or influencers["added"]
        or influencers["pipeline"]
        or influencers["top_gains"]
        or events["held_count"]
        or events["upcoming_count"]
        or events["overdue_tasks_count"]
        or moments
    )
    return {
        "version": DATA_VERSION,
        "country": {"id": country.pk, "code": country.code, "name": country.name, "timezone": country.timezone},
        "week": week,
        "first_day": b.start_date.isoformat(),
        "last_day": (b.end_date - dt.timedelta(days=1)).isoformat(),
        "has_data": has_data,
        "challenges": challenges,
        "influencers": influencers,
        "events": events,
        "government": government,
        "moments": moments,
        "relationships": relationships,
        # The quarter's goals as of the week's end (None without goals): computed by goals.selectors.
        "goals": report_scorecard(country, min(b.end, timezone.now())),
    }
