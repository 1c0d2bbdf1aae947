"""Reads for challenge pages: lists, trends, progress. Set-based, constant queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from opsportal.access import in_country
from opsportal.charts import Annotation

from .models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation, Status

TREND_METRICS = ("views", "videos", "likes", "shares")


def challenge_list(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("owner", "cultural_moment").order_by("-starts_at", "hashtag", "pk")


def challenge_detail_queryset() -> QuerySet:
    return Challenge.objects.select_related("country", "owner", "cultural_moment", "created_by")


def challenge_trend(challenge: Challenge) -> dict[str, list[tuple[dt.datetime, int]]]:
    """Every snapshot, one series per metric."""
    rows = ChallengeMetricSnapshot.objects.filter(challenge=challenge).order_by("captured_at")
    series: dict[str, list] = {metric: [] for metric in TREND_METRICS}
    for row in rows.values_list("captured_at", *TREND_METRICS):
        for index, metric in enumerate(TREND_METRICS, start=1):
            series[metric].append((row[0], row[index]))
    return series


def challenge_participants(challenge: Challenge) -> QuerySet:
    return (
        ChallengeParticipation.objects.filter(challenge=challenge)
        .select_related("influencer")
        .order_by("-video_views", "influencer__name")
    )


def challenge_progress(challenge: Challenge) -> list[dict]:
    """Progress against targets, as value/target/percent rows for the page.

    ``pct`` is the real attainment (53M of 30M is 177 %, a target beaten is news); ``bar`` is the
    same figure capped at 100 for the width of the progress bar, which cannot overflow its track.
    """
    rows = []
    for metric, target in (("views", challenge.target_views), ("videos", challenge.target_videos)):
        if target:
            value = getattr(challenge, metric) or 0
            pct = value * 100 // target
            rows.append({"metric": metric, "value": value, "target": target, "pct": pct, "bar": min(100, pct)})
    return rows


def daily_views(challenge_ids: list[int], since: dt.date, zone) -> dict[int, dict[dt.date, int]]:
    """Highest view count per challenge per local day since ``since`` (one grouped query).

    Read from the challenges' side: the few challenges by key, then each one's snapshots by its
    (challenge, captured_at) index. From the snapshots' side the scope's join to the challenges
    was costed per snapshot, and PostgreSQL planned two parallel workers for some 800 rows (their
    start-up about 10 ms of a 12 ms query; 2 ms without them)."""
    rows = (
        Challenge.objects.filter(
            pk__in=challenge_ids,
            snapshots__captured_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone),
        )
        .annotate(day=TruncDate("snapshots__captured_at", tzinfo=zone))
        .values("pk", "day")
        .annotate(views=Max("snapshots__views"))
        .order_by()
    )
    result: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        result[row["pk"]][row["day"]] = row["views"]
    return result


def live_challenges_with_change(country, *, days: int = 14, limit: int = 8, today: dt.date | None = None) -> list[dict]:
    """Live challenges with their daily views over ``days`` and the week-over-week gain."""
    zone = country.zone
    today = today or timezone.localdate(timezone=zone)
    # The top ``limit`` by key first, their rows and owners after: joined before the sort, every
    # live challenge's whole row and owner went through it (20,000 of them at 10x).
    top = in_country(Challenge.objects.filter(status=Status.LIVE), country).order_by("-views").values("pk")[:limit]
    challenges = list(
        in_country(Challenge.objects.filter(pk__in=top), country).select_related("owner").order_by("-views")
    )
    since = today - dt.timedelta(days=max(days, 14))
    per_day = daily_views([c.pk for c in challenges], since, zone)
    result = []
    for challenge in challenges:
        days_seen = per_day.get(challenge.pk, {})

        def views_on_or_before(day, days_seen=days_seen):
            earlier = [v for d, v in days_seen.items() if d <= day]
            return max(earlier) if earlier else 0

        now_views = views_on_or_before(today) or challenge.views
        week_ago = views_on_or_before(today - dt.timedelta(days=7))
        two_weeks_ago = views_on_or_before(today - dt.timedelta(days=14))
        this_week = now_views - week_ago
        last_week = week_ago - two_weeks_ago
        series = sorted((d, v) for d, v in days_seen.items() if d > today - dt.timedelta(days=days))
        result.append({"challenge": challenge, "this_week": this_week, "last_week": last_week, "series": series})
    return result


def trend_annotations(country, start: dt.date, end: dt.date, *, government: bool) -> list[Annotation]:
    """The reasons behind a spike on a country's time axis: events, cultural moments and,
    only for those allowed to see them, regulatory incidents."""
    from events.models import Event
    from locales.models import CulturalMomentOccurrence, RegulatoryIncident

    zone = country.zone
    notes = []
    events = (
        in_country(Event.objects.all(), country)
        .filter(starts_at__date__lte=end, ends_at__date__gte=start)
        .exclude(status="cancelled")
    )
    for event in events.only("name", "starts_at", "ends_at")[:20]:
        notes.append(Annotation(timezone.localtime(event.starts_at, zone).date(), event.name, "event"))
    occurrences = in_country(
        CulturalMomentOccurrence.objects.filter(starts_on__lte=end, ends_on__gte=start), country
    ).select_related("moment")
    for occ in occurrences[:20]:
        notes.append(Annotation(occ.starts_on, occ.moment.name, "moment", until=occ.ends_on))
    if government:
        incidents = (
            in_country(RegulatoryIncident.objects.all(), country)
            .filter(opened_at__date__lte=end)
            .exclude(resolved_at__date__lt=start)
        )
        for incident in incidents.only("title", "opened_at", "resolved_at")[:10]:
            resolved = timezone.localtime(incident.resolved_at, zone).date() if incident.resolved_at else None
            notes.append(
                Annotation(
                    timezone.localtime(incident.opened_at, zone).date(), incident.title, "incident", until=resolved
                )
            )
    return notes


def country_people(country, model=None) -> QuerySet:
    """Who can own a record (a challenge, by default) in the country: its team members whose role
    may edit it — the same rule the services enforce (``opsportal.references.validate_references``)."""
    from opsportal.references import possible_holders

    return possible_holders(country, model or Challenge)


def metric_before(moment, metric: str = "views") -> Subquery:
    """A subquery for a challenge row: its cumulative ``metric`` at ``moment``, i.e. its latest
    snapshot captured before then (NULL when it has none). ``moment`` is a datetime or an
    expression of the outer row (``OuterRef("starts_at")``). The one definition of "views at a
    moment" for the weekly report, the goals' views gained and the cost per thousand views."""
    latest = ChallengeMetricSnapshot.objects.filter(challenge=OuterRef("pk"), captured_at__lt=moment)
    return Subquery(latest.order_by("-captured_at").values(metric)[:1])


def challenge_views_gained(challenge: Challenge) -> int:
    """``views_gained`` of one challenge as its page shows it, read once per loaded instance: the
    page's budget section (cost per thousand views) and agreements section (paid spend per
    thousand views) both show it while rendering one response. Not for an instance kept across
    writes of snapshots: call ``views_gained`` then. The agreements section used to read it
    again only when something was paid, so the page ran 20 or 21 queries depending on the data."""
    if not hasattr(challenge, "_views_gained"):
        challenge._views_gained = views_gained([challenge.pk]).get(challenge.pk, 0)
    return challenge._views_gained


def views_gained(challenge_ids) -> dict[int, int]:
    """Views each challenge gained since it started: its latest count (the cached ``views``) less
    the last snapshot taken before its start (none: it started from zero). One query."""
    rows = Challenge.objects.filter(pk__in=list(challenge_ids)).annotate(
        baseline=Coalesce(metric_before(OuterRef("starts_at")), 0)
    )
    return {pk: max(0, (views or 0) - baseline) for pk, views, baseline in rows.values_list("pk", "views", "baseline")}
