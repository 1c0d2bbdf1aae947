"""What every reminder rule works with: one country at one moment (``RuleContext``) and the
``Occasion``s a rule finds, keyed so that the outbox sends each once; and the rules' shared lead times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from locales.models import Country, TeamMembership
from opsportal.access import in_country

DIGEST_LIMIT = 50
FOLLOW_UP_CATCHUP_DAYS = 6  # a follow-up date missed while the system was down still reminds within a week
MOMENT_LEAD_DAYS = 30
MOMENT_CATCHUP_DAYS = 6
COMMITMENT_LEAD_DAYS = 3
AGREEMENT_LEAD_DAYS = 3
REQUEST_STAGES = ((dt.timedelta(hours=4), "4h"), (dt.timedelta(hours=24), "24h"))  # tightest first


@dataclass(frozen=True)
class Occasion:
    kind: str
    key: str
    recipient_id: int
    country_id: int
    payload: dict = field(default_factory=dict)


class RuleContext:
    """One country at one moment: its local today and its team, loaded once for every rule."""

    def __init__(self, country: Country, now: dt.datetime):
        self.country = country
        self.now = now
        self.tz = ZoneInfo(country.timezone)
        self.today = now.astimezone(self.tz).date()

    def day(self, offset: int = 0) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def day_span(self, offset: int) -> tuple[dt.datetime, dt.datetime]:
        """A local day as a UTC range [start, end)."""
        day = self.day(offset)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @cached_property
    def team(self) -> list[tuple[int, str]]:
        return list(
            in_country(TeamMembership.objects.all(), self.country)
            .filter(user__is_active=True)
            .order_by("user_id")
            .values_list("user_id", "role")
        )

    def members(self, roles: Iterable[str] | None = None) -> list[int]:
        roles = set(roles) if roles is not None else None
        return [user_id for user_id, role in self.team if roles is None or role in roles]

    def occasion(self, kind: str, ident: str, recipient_id: int, **payload) -> Occasion:
        payload = country_payload(self.country, **payload)
        return Occasion(kind, f"{kind}:{ident}:u{recipient_id}", recipient_id, self.country.pk, payload)


def country_payload(country: Country, **payload) -> dict:
    """A reminder's payload with what its email needs of the country: its name (in the reader's
    language by its code; the stored name for payloads queued before codes were kept), its
    timezone for the times, and its language when the reader has chosen none."""
    return {
        "country": country.name,
        "country_code": country.code,
        "country_id": country.pk,
        "timezone": country.timezone,
        "country_language": country.default_language,
        **payload,
    }


def iso_or_none(value) -> str | None:
    return value.isoformat() if value is not None else None
