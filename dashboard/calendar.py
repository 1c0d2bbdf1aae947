"""Month and agenda views of a country's events, challenge windows, cultural moments,
task due dates and follow-ups, in the country's timezone (seven queries, whatever the month)."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Count, F, RowRange, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from challenges.models import Challenge
from events.models import Event, EventTask
from events.models import Status as EventStatus
from influencers.models import InfluencerInteraction
from locales.models import CulturalMomentOccurrence, GovernmentInteraction
from opsportal.access import Perm, in_country
from opsportal.portal.mixins import portal_render, portal_view, scoped

AGENDA_DAYS = 31
PER_DAY = 4  # items of each kind shown per day before "+N more"


def _days(start: dt.date, end: dt.date, low: dt.date, high: dt.date):
    day = max(start, low)
    while day <= min(end, high):
        yield day
        day += dt.timedelta(days=1)


def _day_window(function, day_expression, order: list[str]) -> Window:
    return Window(
        function,
        partition_by=[day_expression],
        order_by=[F(o) for o in order],
        frame=RowRange(start=None, end=None),
    )


def _capped(queryset, day_expression, order: list[str], per_day: int = PER_DAY) -> list:
    """The first ``per_day`` rows of each day, each carrying ``cal_day`` and its day's total
    ``cal_total``: one query (the total is a second window over the same partition).

    Both windows are spelled the same (the whole day as the frame, which the row number ignores),
    so PostgreSQL computes them in one pass over the sorted rows instead of two: 25 → 17 ms for
    a day of 20,000 challenges."""
    ranked = queryset.annotate(
        cal_day=day_expression,
        cal_rank=_day_window(RowNumber(), day_expression, order),
        cal_total=_day_window(Count("pk"), day_expression, order),
    ).filter(cal_rank__lte=per_day)
    return list(ranked)


# One day of the month per row, its first rows and its count each read by key: with the whole
# month ranked in one window, a day that holds 20,000 challenges was sorted whole (about 60 ms at
# 10x), where the index on (country, day's column) gives a day's first four and its count.
_PER_DAY_SQL = """
SELECT (d.day)::date, n.total, c.*
FROM generate_series(%s::timestamp, %s::timestamp, interval '1 day') AS d(day)
CROSS JOIN LATERAL (SELECT count(*) AS total FROM ({every}) AS e) AS n
CROSS JOIN LATERAL ({first}) AS c
"""


def _capped_by_day(queryset, field: str, low: dt.date, high: dt.date, zone, columns: list[str]) -> list:
    """``_capped`` for a datetime ``field`` on PostgreSQL: per local day from ``low`` to ``high``,
    the first ``PER_DAY`` rows by (``field``, pk) with ``columns`` read, and the day's count (one
    query). The rows are unsaved instances carrying ``cal_day`` and ``cal_total``, like
    ``_capped``'s; ``queryset`` is the scoped one, its WHERE kept inside each day's lookups."""
    day_start = RawSQL("(d.day AT TIME ZONE %s)", [str(zone)])
    day_end = RawSQL("((d.day + interval '1 day') AT TIME ZONE %s)", [str(zone)])
    day = queryset.filter(**{f"{field}__gte": day_start, f"{field}__lt": day_end}).order_by()
    every, every_params = day.values("pk").query.sql_with_params()
    first, first_params = day.order_by(field, "pk").values_list("pk", *columns)[:PER_DAY].query.sql_with_params()
    sql = _PER_DAY_SQL.format(every=every, first=first)
    with connection.cursor() as cursor:
        cursor.execute(sql, [low, high, *every_params, *first_params])
        found = cursor.fetchall()
    rows = []
    for cal_day, total, pk, *values in found:
        row = queryset.model(pk=pk, **dict(zip(columns, values, strict=True)))
        row.cal_day, row.cal_total = cal_day, total
        rows.append(row)
    return rows


def calendar_items(request, country, low: dt.date, high: dt.date) -> dict[dt.date, list[dict]]:
    """What happens on each day from ``low`` to ``high``: at most a few items of each kind per
    day, then "+N more" (a festival week can carry hundreds of tasks and follow-ups)."""
    zone = country.zone
    items: dict[dt.date, list[dict]] = defaultdict(list)
    more: dict[dt.date, int] = defaultdict(int)
    start = dt.datetime.combine(low, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(high + dt.timedelta(days=1), dt.time.min, tzinfo=zone)

    def count_more(rows: list):
        """Add each day's rows beyond those shown to its "+N more"."""
        totals: dict = {}
        shown: dict = defaultdict(int)
        for row in rows:
            totals[row.cal_day] = row.cal_total
            shown[row.cal_day] += 1
        for day, n in totals.items():
            if low <= day <= high:
                more[day] += n - shown[day]

    events = in_country(Event.objects.filter(starts_at__lt=end, ends_at__gte=start), country).exclude(
        status=EventStatus.CANCELLED
    )
    ranked = _capped(events.only("name", "starts_at", "ends_at"), TruncDate("starts_at", tzinfo=zone), ["starts_at"])
    for event in sorted(ranked, key=lambda e: e.starts_at):
        first = timezone.localtime(event.starts_at, zone)
        last = timezone.localtime(event.ends_at, zone).date()
        for day in _days(first.date(), last, low, high):
            items[day].append(
                {
                    "kind": "event",
                    "label": event.name,
                    "time": first if day == first.date() else None,
                    "url": reverse("events:detail", args=[event.pk]),
                }
            )
    count_more(ranked)

    challenges = in_country(Challenge.objects.all(), country).only("hashtag", "starts_at", "ends_at")
    for field, text in (("starts_at", _("#%(tag)s starts")), ("ends_at", _("#%(tag)s ends"))):
        if connection.vendor == "postgresql":
            ranked = _capped_by_day(challenges, field, low, high, zone, ["hashtag", field])
        else:
            window = challenges.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            ranked = _capped(window, TruncDate(field, tzinfo=zone), [field, "pk"])
        for challenge in ranked:
            local = timezone.localtime(getattr(challenge, field), zone)
            items[local.date()].append(
                {
                    "kind": "challenge",
                    "label": text % {"tag": challenge.hashtag},
                    "time": local,
                    "url": reverse("challenges:detail", args=[challenge.pk]),
                }
            )
        count_more(ranked)

    occurrences = in_country(
        CulturalMomentOccurrence.objects.filter(starts_on__lte=high, ends_on__gte=low), country
    ).select_related("moment")
    for occ in occurrences[:50]:
        for day in _days(occ.starts_on, occ.ends_on, low, high):
            items[day].append({"kind": "moment", "label": occ.moment.name, "time": None, "url": ""})

    tasks = in_country(
        EventTask.objects.filter(due_on__gte=low, due_on__lte=high, done_at__isnull=True), country
    ).select_related("event")
    # Only what a day shows: every row of the month is ranked and sorted, so its width counts.
    tasks = tasks.only("title", "due_on", "event_id", "event__name")
    ranked = _capped(tasks, F("due_on"), ["due_on", "pk"])
    for task in ranked:
        items[task.due_on].append(
            {
                "kind": "task",
                "label": _("Due: %(task)s (%(event)s)") % {"task": task.title, "event": task.event.name},
                "time": None,
                "url": reverse("events:detail", args=[task.event_id]) + f"#task-{task.pk}",
            }
        )
    count_more(ranked)

    follow_ups = in_country(
        InfluencerInteraction.objects.filter(
            follow_up_done=False, next_follow_up_on__gte=low, next_follow_up_on__lte=high
        ),
        country,
    ).select_related("influencer")
    # occurred_at stays: the model's ordering names it in the ranked query's outer ORDER BY.
    follow_ups = follow_ups.only("next_follow_up_on", "occurred_at", "influencer__name")
    ranked = _capped(follow_ups, F("next_follow_up_on"), ["next_follow_up_on", "pk"])
    for entry in ranked:
        items[entry.next_follow_up_on].append(
            {
                "kind": "follow_up",
                "label": _("Follow up: %(name)s") % {"name": entry.influencer.name},
                "time": None,
                "url": reverse("influencers:detail", args=[entry.influencer_id]),
            }
        )
    count_more(ranked)

    if request.access.can(Perm.GOVERNMENT_VIEW, country.pk):
        gov = scoped(request, in_country(GovernmentInteraction.objects.all(), country)).filter(
            follow_up_on__gte=low, follow_up_on__lte=high
        )
        ranked = _capped(gov.select_related("contact"), F("follow_up_on"), ["follow_up_on", "pk"])
        for interaction in ranked:
            items[interaction.follow_up_on].append(
                {
                    "kind": "government",
                    "label": _("Government follow-up: %(name)s") % {"name": interaction.contact.person_name},
                    "time": None,
                    "url": reverse("locales:contact", args=[interaction.contact_id]),
                }
            )
        count_more(ranked)
    for day_items in items.values():
        day_items.sort(key=lambda item: (item["time"] is None, item["time"] or 0, item["kind"]))
    for day, n in more.items():
        if n:
            items[day].append(
                {"kind": "more", "label": ngettext("+%(n)d more", "+%(n)d more", n) % {"n": n}, "time": None, "url": ""}
            )
    return items


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        if not 1900 <= year <= 2999:  # the calendar's arithmetic must stay inside Python's dates
            raise ValueError(value)
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


@portal_view
def calendar_view(request):
    country = request.country
    today = timezone.localdate(timezone=country.zone)
    month = _month(request.GET.get("month"), today)
    mode = "agenda" if request.GET.get("view") == "agenda" else "month"
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "nav": "calendar",
        "mode": mode,
        "month": month,
        "today": today,
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "current": month.strftime("%Y-%m"),
    }
    if mode == "month":
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        items = calendar_items(request, country, weeks[0][0], weeks[-1][-1])
        context["weeks"] = [[{"date": d, "items": items.get(d, [])} for d in week] for week in weeks]
        context["weekdays"] = [weeks[0][i] for i in range(7)]
    else:
        low = today if month == today.replace(day=1) else month
        high = low + dt.timedelta(days=AGENDA_DAYS - 1)
        items = calendar_items(request, country, low, high)
        context["agenda"] = [{"date": d, "items": items[d]} for d in sorted(items)]
        context["low"], context["high"] = low, high
    return portal_render(request, "portal/calendar.html", context)
