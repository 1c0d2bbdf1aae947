"""One rule for every door that writes a measurement: not more than an hour in the future.

A snapshot dated ahead (a typo, 9999-12-31, a device with a wrong clock) becomes the record's
"latest" and wrecks every trend computed from it (issue 19: a 7-day gain of -1.4M). An hour of
slack absorbs clock skew between an integration and us. Follower counts are dated by day in the
country's calendar: a day is ahead once it has not begun anywhere on Earth (UTC+14) an hour from now.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FUTURE_SLACK = dt.timedelta(hours=1)
EARLIEST_ZONE = dt.timedelta(hours=14)  # Kiribati (Line Islands) starts each day first

MOMENT_AHEAD = _("More than an hour in the future: check the date and the UTC offset.")
DAY_AHEAD = _("A day that has not begun yet: check the date.")


def moment_ahead(moment: dt.datetime, now: dt.datetime | None = None) -> bool:
    return moment > (now or timezone.now()) + FUTURE_SLACK


def day_ahead(day: dt.date, now: dt.datetime | None = None) -> bool:
    latest = ((now or timezone.now()).astimezone(dt.UTC) + FUTURE_SLACK + EARLIEST_ZONE).date()
    return day > latest
