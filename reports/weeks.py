"""ISO weeks in a country's own timezone, and when each week's report falls due.

A week runs from Monday 00:00 to the next Monday 00:00 *local* time; converting those two
instants to UTC is what keeps a week 167 or 169 hours long across a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week label that is not ``YYYY-Www`` or names no such week."""


def parse_week(value: str) -> tuple[int, int]:
    match = WEEK_RE.match((value or "").strip())
    if not match:
        raise WeekError(_("Write the week as YYYY-Www, e.g. 2026-W47."))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(_("%(year)s has no week %(week)s.") % {"year": year, "week": week})
    return year, week


def week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> dt.date:
    year, number = parse_week(week)
    return dt.date.fromisocalendar(year, number, 1)


def shift_week(week: str, weeks: int) -> str:
    return week_of(week_monday(week) + dt.timedelta(weeks=weeks))


def local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The aware instant a local day starts, in UTC."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class WeekBounds:
    """One ISO week in one timezone, as dates and as UTC instants (end exclusive)."""

    week: str
    tz: ZoneInfo
    start_date: dt.date
    end_date: dt.date  # the next Monday
    start: dt.datetime
    end: dt.datetime
    prev_start: dt.datetime

    def days(self) -> list[dt.date]:
        return [self.start_date + dt.timedelta(days=n) for n in range(7)]


def week_bounds(week: str, tz: ZoneInfo | str) -> WeekBounds:
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    monday = week_monday(week)
    next_monday = monday + dt.timedelta(days=7)
    return WeekBounds(
        week=week,
        tz=tz,
        start_date=monday,
        end_date=next_monday,
        start=local_midnight(monday, tz),
        end=local_midnight(next_monday, tz),
        prev_start=local_midnight(monday - dt.timedelta(days=7), tz),
    )


def send_time(week: str, tz: ZoneInfo | str, hour: int | None = None) -> dt.datetime:
    """When a week's report goes out: the following Monday at the send hour, local time."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    hour = settings.OPSPORTAL_SEND_HOUR if hour is None else hour
    monday = week_monday(week) + dt.timedelta(days=7)
    return dt.datetime.combine(monday, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)


def last_due_week(now: dt.datetime, tz: ZoneInfo | str) -> tuple[str, dt.datetime]:
    """The most recent week whose send time has passed, and that send time."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    local_today = now.astimezone(tz).date()
    week = week_of(local_today - dt.timedelta(days=7))
    at = send_time(week, tz)
    if now < at:
        week = shift_week(week, -1)
        at = send_time(week, tz)
    return week, at


def catchup_window() -> dt.timedelta:
    """How long after its send time a missed report is still sent by the ticks (then only by hand)."""
    return dt.timedelta(hours=getattr(settings, "OPSPORTAL_REPORT_CATCHUP_HOURS", 48))


def due_week(now: dt.datetime, tz: ZoneInfo | str) -> str | None:
    """The week whose report is due now in this timezone, if any (within the catch-up window)."""
    week, at = last_due_week(now, tz)
    return week if now - at <= catchup_window() else None
