"""Data for the worker-SIGKILL fault test: two people with an event task due today (local noon)."""

import datetime as dt
from zoneinfo import ZoneInfo

from locales.models import Role
from tests import factories as f


def midday_zone() -> str:
    offset = (12 - dt.datetime.now(dt.UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}"


def run(code: str = "XA", names: tuple[str, ...] = ("ayu", "budi")) -> None:
    zone = midday_zone()
    country = f.CountryFactory(code=code, name=f"Exampleland {code}", timezone=zone, languages=["en"],
                               default_language="en")  # fmt: skip
    today = dt.datetime.now(ZoneInfo(zone)).date()
    event = f.EventFactory(country=country, name="Talent exchange")
    for name in names:
        user = f.UserFactory(username=name)
        f.StaffProfileFactory(user=user)
        f.MembershipFactory(user=user, country=country, role=Role.OPERATOR)
        f.EventTaskFactory(event=event, title=f"Book the stage ({name})", assignee=user, due_on=today)
