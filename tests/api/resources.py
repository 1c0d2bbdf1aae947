"""One table of every API resource: how to make a record in a country, what to POST and PATCH.

The generic tests (CRUD, scoping, query counts) run over this table, NetBox-style.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tests import factories as f


def _soon(days=10):
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


@dataclass
class Resource:
    path: str
    make: Callable  # (country) -> record
    create: Callable | None = None  # (country) -> payload
    update: dict = field(default_factory=dict)
    government: bool = False
    finance: bool = False  # money: needs the finance scope
    read_only: bool = False
    deletable: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def scopes(self, *base: str) -> tuple[str, ...]:
        """``base`` plus the confidential scope this resource needs, if any."""
        return (*base, *(["government"] if self.government else []), *(["finance"] if self.finance else []))

    def url(self, pk=None) -> str:
        return f"/api/v1/{self.path}/" + (f"{pk}/" if pk is not None else "")


def _contact(country):
    return f.GovernmentContactFactory(country=country)


RESOURCES = [
    Resource("countries", make=lambda c: c, read_only=True),
    Resource(
        "cultural-moments",
        make=lambda c: f.CulturalMomentFactory(country=c),
        create=lambda c: {
            "country": c.code,
            "name": "Songkran",
            "occurrences": [{"year": 2026, "starts_on": "2026-04-13", "ends_on": "2026-04-15"}],
        },
        update={"content_ideas": "Water-splash sticker"},
    ),
    Resource("memberships", make=lambda c: f.MembershipFactory(country=c), read_only=True),
    Resource(
        "influencers",
        make=lambda c: f.PlatformAccountFactory(influencer__country=c).influencer,
        create=lambda c: {
            "country": c.code,
            "name": "Kaykai Salaider",
            "kind": "creator",
            "accounts": [{"platform": "youtube", "handle": "@kaykai"}, {"platform": "tiktok", "handle": "kaykai"}],
        },
        update={"tier": "mega", "stage": "contacted"},
    ),
    Resource(
        "platform-accounts",
        make=lambda c: f.PlatformAccountFactory(influencer__country=c),
        create=lambda c: {
            "influencer": f.InfluencerFactory(country=c).pk,
            "platform": "instagram",
            "handle": "@nateandmee",
        },
        update={"profile_url": "https://instagram.com/nateandmee"},
    ),
    Resource(
        "follower-snapshots",
        make=lambda c: f.FollowerSnapshotFactory(account__influencer__country=c),
        create=lambda c: {
            "account": f.PlatformAccountFactory(influencer__country=c).pk,
            "date": "2026-07-04",
            "followers": 1500000,
        },
        update={"followers": 1600000},
    ),
    Resource(
        "influencer-interactions",
        make=lambda c: f.InfluencerInteractionFactory(influencer__country=c),
        create=lambda c: {
            "influencer": f.InfluencerFactory(country=c).pk,
            "kind": "message",
            "summary": "Invited to the talent exchange",
            "next_follow_up_on": (timezone.now() + dt.timedelta(days=7)).date().isoformat(),  # after the contact (now)
        },
        update={"summary": "Invited; said yes"},
    ),
    Resource(
        "challenges",
        make=lambda c: f.ChallengeFactory(country=c),
        create=lambda c: {"country": c.code, "hashtag": "#Songkran2026", "title": "Songkran splash", "format": "dance"},
        update={"title": "Songkran splash!"},
    ),
    Resource(
        "challenge-participations",
        make=lambda c: f.ParticipationFactory(challenge__country=c),
        create=lambda c: {
            "challenge": f.ChallengeFactory(country=c).pk,
            "influencer": f.InfluencerFactory(country=c).pk,
            "role": "seed",
        },
        update={"video_views": 120000},
    ),
    Resource(
        "challenge-metrics",
        make=lambda c: f.MetricSnapshotFactory(challenge__country=c),
        create=lambda c: {
            "challenge": f.ChallengeFactory(country=c).pk,
            "captured_at": "2026-07-04T10:00:00+07:00",
            "views": 53000000,
        },
        update={"views": 54000000},
    ),
    Resource(
        "events",
        make=lambda c: f.EventFactory(country=c),
        create=lambda c: {
            "country": c.code,
            "name": "DWP 2026",
            "kind": "festival",
            "city": "Jakarta",
            "starts_at": _soon().isoformat(),
            "ends_at": (_soon() + dt.timedelta(days=2)).isoformat(),
            "budget": "150000000.00",
        },
        update={"attendance": 90000},
    ),
    Resource(
        "event-partners",
        make=lambda c: f.EventPartnerFactory(event__country=c),
        create=lambda c: {
            "event": f.EventFactory(country=c).pk,
            "partner": f.PartnerFactory(country=c).pk,
            "role": "official video media platform",
        },
        update={"role": "organizer"},
    ),
    Resource(
        "partners",
        make=lambda c: f.PartnerFactory(country=c),
        create=lambda c: {"country": c.code, "name": "Ismaya Live", "kind": "organizer"},
        update={"website": "https://example.com"},
    ),
    Resource(
        "event-tasks",
        make=lambda c: f.EventTaskFactory(event__country=c),
        create=lambda c: {"event": f.EventFactory(country=c).pk, "title": "Book the booth"},
        update={"done": True},
    ),
    Resource(
        "event-guests",
        make=lambda c: f.EventGuestFactory(event__country=c),
        create=lambda c: {"event": f.EventFactory(country=c).pk, "influencer": f.InfluencerFactory(country=c).pk},
        update={"status": "confirmed"},
    ),
    Resource(
        "government-contacts",
        make=_contact,
        create=lambda c: {"country": c.code, "organization": "Kominfo", "person_name": "The Minister"},
        update={"stance": "supportive"},
        government=True,
    ),
    Resource(
        "government-interactions",
        make=lambda c: f.GovernmentInteractionFactory(contact=_contact(c)),
        create=lambda c: {"contact": _contact(c).pk, "kind": "meeting", "summary": "Met the minister"},
        update={"outcome": "Service to resume within a week"},
        government=True,
    ),
    Resource(
        "regulatory-incidents",
        make=lambda c: f.IncidentFactory(country=c),
        create=lambda c: {
            "country": c.code,
            "title": "Temporary ban",
            "kind": "ban",
            "opened_at": "2018-07-03T09:00:00+07:00",
        },
        update={"status": "resolved", "resolved_at": "2018-07-10T12:00:00+07:00"},
        government=True,
    ),
    Resource(
        "government-commitments",
        make=lambda c: f.CommitmentFactory(country=c, incident=f.IncidentFactory(country=c)),
        create=lambda c: {
            "incident": f.IncidentFactory(country=c).pk,
            "description": "Remove flagged videos within 24 hours",
            "due_on": "2018-07-08",
        },
        update={"status": "done"},
        government=True,
    ),
    Resource(
        "regulator-requests",
        make=lambda c: f.RegulatorRequestFactory(country=c, incident=f.IncidentFactory(country=c)),
        create=lambda c: {
            "country": c.code,
            "kind": "takedown",
            "authority": "Kominfo",
            "channel": "letter",
            "received_at": "2018-07-03T09:00:00+07:00",
        },
        update={"status": "answered"},
        government=True,
    ),
    Resource(
        "regulator-request-items",
        make=lambda c: f.RequestItemFactory(request=f.RegulatorRequestFactory(country=c)),
        create=lambda c: {"request": f.RegulatorRequestFactory(country=c).pk, "target": "https://x.example/v/1"},
        update={"action": "removed"},
        government=True,
    ),
    Resource(
        "budget-lines",
        make=lambda c: f.BudgetLineFactory(event=f.EventFactory(country=c)),
        create=lambda c: {
            "event": f.EventFactory(country=c).pk,
            "category": "venue",
            "description": "Booth at JIExpo",
            "planned": "500000000.00",
        },
        update={"actual": "480000000.00"},
        finance=True,
    ),
]

RESOURCES += [
    Resource(
        "agreements",
        make=lambda c: f.AgreementFactory(country=c),
        create=lambda c: {
            "country": c.code,
            "influencer": f.InfluencerFactory(country=c).pk,
            "challenge": f.ChallengeFactory(country=c).pk,
            "title": "Seeding the frame challenge",
            "fee": "15000000.00",
        },
        update={"notes": "Terms agreed at the office", "fee": "16000000.00"},
        finance=True,
    ),
    Resource(
        "deliverables",
        make=lambda c: f.DeliverableFactory(agreement__country=c),
        create=lambda c: {
            "agreement": f.AgreementFactory(country=c).pk,
            "description": "Three videos with the hashtag",
            "hashtag": "#framechallenge",
            "videos_required": 3,
            "due_on": "2026-08-20",
        },
        update={"videos_required": 2},
        finance=True,
    ),
    Resource(
        "payments",
        make=lambda c: f.PaymentFactory(agreement__country=c),
        create=lambda c: {
            "agreement": f.AgreementFactory(country=c).pk,
            "amount": "5000000.00",
            "due_on": "2026-08-31",
        },
        # Not paid_on: a paid payment is not deleted (agreements.services.payment_delete), and
        # the generic test deletes what it updated. Paying is in tests/doors/test_agreements.py.
        update={"due_on": "2026-08-30", "reference": "TRX-1"},
        finance=True,
    ),
    # Goals are set by leads (``goals.edit``), which no token holds: written by people, tested
    # in tests/goals/test_api.py; the generic read, scope and query-count tests run here.
    Resource("goals", make=lambda c: f.GoalFactory(country=c), read_only=True),
    Resource(
        "external-figures",
        make=lambda c: f.ExternalFigureFactory(country=c),
        create=lambda c: {
            "country": c.code,
            "metric": "monthly_active_users",
            "measured_on": "2018-08-31",
            "value": 12_000_000,
            "source": "https://analytics.example.com/mau/2018-08",
        },
        update={"value": 12_500_000},
    ),
]

BY_PATH = {r.path: r for r in RESOURCES}
WRITABLE = [r for r in RESOURCES if not r.read_only]
