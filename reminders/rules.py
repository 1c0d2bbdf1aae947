"""One rule per kind of reminder: a set-based query over one country, in that country's local day.

A rule returns ``Occasion``s: who should hear about what. Each occasion has a key naming the
record, the moment that makes it due (a due date, the last snapshot, the last contact) and the
recipient, so the same occasion always has the same key — the outbox sends each key once.
A new occasion (the due date moved, the contact went quiet again) gets a new key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from agreements.models import Deliverable, Payment
from agreements.models import Status as AgreementStatus
from challenges.models import Challenge, ChallengeMetricSnapshot
from challenges.models import Status as ChallengeStatus
from events.models import Event, EventTask
from events.models import Status as EventStatus
from events.selectors import cold_partners
from influencers.models import InfluencerInteraction
from influencers.selectors import cold_influencers
from locales.models import (
    Country,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    Role,
    TeamMembership,
)
from locales.models.government import CommitmentStatus, IncidentStatus
from locales.models.requests import RequestStatus
from opsportal.access import in_country
from opsportal.links import record_path

from .kinds import ReminderKind

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
        payload = {
            "country": self.country.name,
            "country_id": self.country.pk,
            "timezone": self.country.timezone,
            "country_language": self.country.default_language,
            **payload,
        }
        return Occasion(kind, f"{kind}:{ident}:u{recipient_id}", recipient_id, self.country.pk, payload)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def task_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An event task due in two days or today, to its assignee."""
    tasks = (
        in_country(
            EventTask.objects.filter(
                done_at__isnull=True, assignee__is_active=True, due_on__in=[ctx.day(0), ctx.day(2)]
            ),
            ctx.country,
        )
        .exclude(event__status=EventStatus.CANCELLED)
        .values("pk", "title", "due_on", "assignee_id", "event_id", "event__name")
    )
    for t in tasks:
        days = (t["due_on"] - ctx.today).days
        yield ctx.occasion(
            ReminderKind.TASK_DUE,
            f"{t['pk']}:{t['due_on']}:{days}",
            t["assignee_id"],
            task=t["title"],
            event=t["event__name"],
            due_on=_iso(t["due_on"]),
            days=days,
            path=record_path("event", t["event_id"]),
        )


def task_overdue(ctx: RuleContext) -> Iterable[Occasion]:
    """Once a day, each assignee's overdue tasks in one digest."""
    tasks = (
        in_country(
            EventTask.objects.filter(done_at__isnull=True, assignee__is_active=True, due_on__lt=ctx.today), ctx.country
        )
        .exclude(event__status=EventStatus.CANCELLED)
        .order_by("assignee_id", "due_on", "pk")
        .values("pk", "title", "due_on", "assignee_id", "event_id", "event__name")
    )
    digests: dict[int, list[dict]] = {}
    for t in tasks:
        digests.setdefault(t["assignee_id"], []).append(
            {"task": t["title"], "event": t["event__name"], "due_on": _iso(t["due_on"]), "event_id": t["event_id"]}
        )
    for user_id, items in digests.items():
        yield ctx.occasion(
            ReminderKind.TASK_OVERDUE,
            f"{ctx.country.pk}:{ctx.today}",
            user_id,
            count=len(items),
            items=items[:DIGEST_LIMIT],
            path=record_path("event"),
        )


def event_starting(ctx: RuleContext) -> Iterable[Occasion]:
    """An event starting in seven days or tomorrow, to its owner and the country team."""
    for days in (7, 1):
        start, end = ctx.day_span(days)
        events = in_country(
            Event.objects.filter(
                starts_at__gte=start, starts_at__lt=end, status__in=[EventStatus.PLANNING, EventStatus.CONFIRMED]
            ),
            ctx.country,
        ).values("pk", "name", "city", "starts_at", "owner_id")
        for e in events:
            recipients = set(ctx.members())
            if e["owner_id"]:
                recipients.add(e["owner_id"])
            for user_id in sorted(recipients):
                yield ctx.occasion(
                    ReminderKind.EVENT_STARTING,
                    f"{e['pk']}:{ctx.day(days)}:{days}",
                    user_id,
                    event=e["name"],
                    city=e["city"],
                    starts_at=_iso(e["starts_at"]),
                    days=days,
                    path=record_path("event", e["pk"]),
                )


def challenge_launch_and_end(ctx: RuleContext) -> Iterable[Occasion]:
    """A challenge launching tomorrow or ending in two days, to its owner."""
    start, end = ctx.day_span(1)
    launching = in_country(
        Challenge.objects.filter(
            status__in=[ChallengeStatus.IDEA, ChallengeStatus.PLANNED],
            starts_at__gte=start,
            starts_at__lt=end,
            owner__is_active=True,
        ),
        ctx.country,
    ).values("pk", "hashtag", "title", "starts_at", "owner_id")
    for c in launching:
        yield ctx.occasion(
            ReminderKind.CHALLENGE_LAUNCH,
            f"{c['pk']}:{ctx.day(1)}",
            c["owner_id"],
            hashtag=c["hashtag"],
            title=c["title"],
            starts_at=_iso(c["starts_at"]),
            path=record_path("challenge", c["pk"]),
        )
    start, end = ctx.day_span(2)
    ending = in_country(
        Challenge.objects.filter(
            status=ChallengeStatus.LIVE, ends_at__gte=start, ends_at__lt=end, owner__is_active=True
        ),
        ctx.country,
    ).values("pk", "hashtag", "title", "ends_at", "owner_id")
    for c in ending:
        yield ctx.occasion(
            ReminderKind.CHALLENGE_ENDING,
            f"{c['pk']}:{ctx.day(2)}",
            c["owner_id"],
            hashtag=c["hashtag"],
            title=c["title"],
            ends_at=_iso(c["ends_at"]),
            path=record_path("challenge", c["pk"]),
        )


def challenge_stale(ctx: RuleContext) -> Iterable[Occasion]:
    """A live challenge with no new snapshot for 48 hours, to its owner: once per quiet spell."""
    cutoff = ctx.now - dt.timedelta(hours=48)
    last = ChallengeMetricSnapshot.objects.filter(challenge=OuterRef("pk")).order_by("-captured_at")
    rows = (
        in_country(Challenge.objects.all(), ctx.country)
        .filter(status=ChallengeStatus.LIVE, owner__is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=cutoff))
        .annotate(last_snapshot=Subquery(last.values("captured_at")[:1]))
        .filter(Q(last_snapshot__isnull=True) | Q(last_snapshot__lt=cutoff))
        .values("pk", "hashtag", "title", "owner_id", "last_snapshot")
    )
    for c in rows:
        spell = c["last_snapshot"].strftime("%Y%m%dT%H%M%S") if c["last_snapshot"] else "never"
        yield ctx.occasion(
            ReminderKind.CHALLENGE_STALE,
            f"{c['pk']}:{spell}",
            c["owner_id"],
            hashtag=c["hashtag"],
            title=c["title"],
            last_snapshot=_iso(c["last_snapshot"]),
            path=record_path("challenge", c["pk"]),
        )


def influencer_follow_up(ctx: RuleContext) -> Iterable[Occasion]:
    """A follow-up date reached, to the relationship owner (or whoever logged the entry)."""
    rows = (
        in_country(
            InfluencerInteraction.objects.filter(
                influencer__erased_at__isnull=True,
                follow_up_done=False,
                next_follow_up_on__gte=ctx.day(-FOLLOW_UP_CATCHUP_DAYS),
                next_follow_up_on__lte=ctx.today,
            ),
            ctx.country,
        )
        .annotate(person=Coalesce("influencer__relationship_owner_id", "owner_id"))
        .filter(person__isnull=False)
        .values("pk", "summary", "next_follow_up_on", "person", "influencer_id", "influencer__name")
    )
    for r in rows:
        yield ctx.occasion(
            ReminderKind.FOLLOW_UP,
            f"{r['pk']}:{r['next_follow_up_on']}",
            r["person"],
            influencer=r["influencer__name"],
            summary=r["summary"][:200],
            due_on=_iso(r["next_follow_up_on"]),
            path=record_path("influencer", r["influencer_id"]),
        )


def cold_relationship(ctx: RuleContext) -> Iterable[Occasion]:
    """Once a week, each person's influencers and partners going cold (no contact for longer than
    the country's threshold) in one digest: a creator to their relationship owner, else to the
    leads; partners, who have no owner, to the leads. One digest rather than one mail per record:
    the first week after a threshold is lowered could otherwise bring a hundred mails."""
    leads = ctx.members([Role.LEAD])
    week = ctx.today.isocalendar()
    digests: dict[int, list[dict]] = {}
    creators = cold_influencers(ctx.country, now=ctx.now).values(
        "pk", "name", "last_touch", "relationship_owner_id", "relationship_owner__is_active"
    )
    for c in creators[: DIGEST_LIMIT * 4]:
        owner = c["relationship_owner_id"] if c["relationship_owner__is_active"] else None
        item = {"kind": "influencer", "name": c["name"], "last_touch": _iso(c["last_touch"])}
        item["path"] = record_path("influencer", c["pk"])
        for user_id in [owner] if owner else leads:
            digests.setdefault(user_id, []).append(item)
    for p in cold_partners(ctx.country, now=ctx.now).values("pk", "name", "last_touch")[:DIGEST_LIMIT]:
        item = {
            "kind": "partner",
            "name": p["name"],
            "last_touch": _iso(p["last_touch"]),
            "path": record_path("partner"),
        }
        for user_id in leads:
            digests.setdefault(user_id, []).append(item)
    for user_id, items in digests.items():
        yield ctx.occasion(
            ReminderKind.COLD_RELATIONSHIP,
            f"{ctx.country.pk}:{week.year}-W{week.week:02d}",
            user_id,
            count=len(items),
            items=items[:DIGEST_LIMIT],
            days=ctx.country.cold_after_days,
            path=record_path("relationships"),
        )


GOVERNMENT_ROLES = (Role.LEAD, Role.GOVERNMENT_RELATIONS)


def government_contact(ctx: RuleContext) -> Iterable[Occasion]:
    """A contact not touched for longer than the country's threshold: government roles and the lead."""
    recipients = ctx.members(GOVERNMENT_ROLES)
    if not recipients:
        return
    cutoff = ctx.now - dt.timedelta(days=ctx.country.government_touch_days)
    rows = (
        in_country(
            GovernmentContact.objects.annotate(last_touch=Coalesce("last_contacted_at", "created_at")), ctx.country
        )
        .filter(last_touch__lt=cutoff)
        .values("pk", "person_name", "organization", "last_touch")
    )
    for c in rows:
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.GOVERNMENT_CONTACT,
                f"{c['pk']}:{c['last_touch'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                contact=c["person_name"],
                organization=c["organization"],
                last_touch=_iso(c["last_touch"]),
                days=ctx.country.government_touch_days,
                path=record_path("government_contact", c["pk"]),
            )


def incident_stale(ctx: RuleContext) -> Iterable[Occasion]:
    """An open incident with no interaction for 24 hours: government roles and the lead, once per lull."""
    recipients = ctx.members(GOVERNMENT_ROLES)
    if not recipients:
        return
    cutoff = ctx.now - dt.timedelta(hours=24)
    last = (
        GovernmentInteraction.objects.filter(incident=OuterRef("pk")).values("incident").annotate(m=Max("occurred_at"))
    )
    rows = (
        in_country(RegulatoryIncident.objects.all(), ctx.country)
        .filter(status=IncidentStatus.OPEN)
        .annotate(last_activity=Coalesce(Subquery(last.values("m")[:1]), F("opened_at")))
        .filter(last_activity__lt=cutoff)
        .values("pk", "title", "last_activity")
    )
    for i in rows:
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.INCIDENT_STALE,
                f"{i['pk']}:{i['last_activity'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                incident=i["title"],
                last_activity=_iso(i["last_activity"]),
                path=record_path("incident", i["pk"]),
            )


def commitment_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An open commitment to a government due within three days, then on its day, to its owner.

    Two occasions per due date ("ahead" and "today"): a day missed while the system was down
    still reminds once, and moving the due date reminds again."""
    rows = (
        in_country(GovernmentCommitment.objects.all(), ctx.country)
        .filter(
            status=CommitmentStatus.OPEN,
            owner__is_active=True,
            due_on__gte=ctx.today,
            due_on__lte=ctx.day(COMMITMENT_LEAD_DAYS),
        )
        .order_by("due_on", "pk")
        .values("pk", "description", "due_on", "owner_id", "incident_id", "incident__title")
    )
    for c in rows:
        days = (c["due_on"] - ctx.today).days
        yield ctx.occasion(
            ReminderKind.COMMITMENT_DUE,
            f"{c['pk']}:{c['due_on']}:{'today' if days == 0 else 'ahead'}",
            c["owner_id"],
            commitment=c["description"][:200],
            incident=c["incident__title"] or "",
            due_on=_iso(c["due_on"]),
            days=days,
            path=record_path("incident", c["incident_id"]) if c["incident_id"] else record_path("commitment", c["pk"]),
        )


def government_follow_up(ctx: RuleContext) -> Iterable[Occasion]:
    """A government interaction's follow-up date reached, to the contact's relationship owner (or
    whoever logged it) — unless the contact has been met again since."""
    later = GovernmentInteraction.objects.filter(contact=OuterRef("contact"), occurred_at__gt=OuterRef("occurred_at"))
    rows = (
        in_country(GovernmentInteraction.objects.all(), ctx.country)
        .filter(
            follow_up_on__gte=ctx.day(-FOLLOW_UP_CATCHUP_DAYS),
            follow_up_on__lte=ctx.today,
        )
        .filter(~Exists(later))
        .annotate(person=Coalesce("contact__relationship_owner_id", "owner_id"))
        .filter(person__isnull=False)
        .values(
            "pk", "summary", "follow_up_on", "person", "contact_id", "contact__person_name", "contact__organization"
        )
    )
    for r in rows:
        yield ctx.occasion(
            ReminderKind.GOVERNMENT_FOLLOW_UP,
            f"{r['pk']}:{r['follow_up_on']}",
            r["person"],
            contact=r["contact__person_name"],
            organization=r["contact__organization"],
            summary=r["summary"][:200],
            due_on=_iso(r["follow_up_on"]),
            path=record_path("government_contact", r["contact_id"]),
        )


def _request_rows(ctx: RuleContext, **lookups):
    return (
        in_country(RegulatorRequest.objects.all(), ctx.country)
        .filter(status__in=RequestStatus.open_values(), **lookups)
        .order_by("deadline", "pk")
        .values("pk", "kind", "authority", "reference", "deadline", "handler_id", "handler__is_active")
    )


def _request_payload(r: dict) -> dict:
    return {
        "authority": r["authority"],
        "reference": r["reference"],
        "request_kind": r["kind"],
        "deadline": _iso(r["deadline"]),
        "path": record_path("regulator_request", r["pk"]),
    }


def request_due(ctx: RuleContext, *, urgent: bool = False) -> Iterable[Occasion]:
    """An open regulator request whose deadline is within 24 hours, then within 4 hours: to its
    handler (to the country's government roles while nobody handles it). One reminder per stage
    and deadline: the tightest stage reached is the one sent, so a request logged 3 hours before
    its deadline gets the 4-hour reminder only. ``urgent``: the 4-hour stage alone (run at
    any hour, see ``URGENT_RULES``)."""
    rows = _request_rows(ctx, deadline__gte=ctx.now, deadline__lte=ctx.now + REQUEST_STAGES[-1][0])
    government = ctx.members(GOVERNMENT_ROLES)
    for r in rows:
        left = r["deadline"] - ctx.now
        stage = next(name for limit, name in REQUEST_STAGES if left <= limit)
        if urgent and stage != "4h":
            continue
        recipients = [r["handler_id"]] if r["handler_id"] and r["handler__is_active"] else government
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.REQUEST_DUE,
                f"{r['pk']}:{r['deadline'].strftime('%Y%m%dT%H%M%S')}:{stage}",
                user_id,
                stage=stage,
                hours=max(0, int(left.total_seconds() // 3600)),
                **_request_payload(r),
            )


def request_overdue(ctx: RuleContext) -> Iterable[Occasion]:
    """An open regulator request past its deadline: escalated to its handler and to the country's
    leads and government-relations members, once per deadline (a new deadline escalates again)."""
    rows = _request_rows(ctx, deadline__lt=ctx.now)
    government = ctx.members(GOVERNMENT_ROLES)
    for r in rows:
        recipients = list(government)
        if r["handler_id"] and r["handler__is_active"] and r["handler_id"] not in recipients:
            recipients.insert(0, r["handler_id"])
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.REQUEST_OVERDUE,
                f"{r['pk']}:{r['deadline'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                handler=r["handler_id"] == user_id,
                **_request_payload(r),
            )


def moment_unplanned(ctx: RuleContext) -> Iterable[Occasion]:
    """A cultural moment 30 days ahead with no challenge or event under way for it: the country team."""
    recipients = ctx.members()
    if not recipients:
        return
    start, _end = ctx.day_span(0)
    planned_challenge = Challenge.objects.filter(
        cultural_moment=OuterRef("moment"),
        status__in=[ChallengeStatus.IDEA, ChallengeStatus.PLANNED, ChallengeStatus.LIVE],
    )
    planned_event = Event.objects.filter(cultural_moment=OuterRef("moment"), starts_at__gte=start).exclude(
        status=EventStatus.CANCELLED
    )
    rows = (
        in_country(
            CulturalMomentOccurrence.objects.filter(
                starts_on__gte=ctx.day(MOMENT_LEAD_DAYS - MOMENT_CATCHUP_DAYS), starts_on__lte=ctx.day(MOMENT_LEAD_DAYS)
            ),
            ctx.country,
        )
        .filter(~Exists(planned_challenge), ~Exists(planned_event))
        .values("pk", "moment_id", "moment__name", "starts_on")
    )
    for m in rows:
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.MOMENT_UNPLANNED,
                f"{m['pk']}",
                user_id,
                moment=m["moment__name"],
                starts_on=_iso(m["starts_on"]),
                path=record_path("moment", m["moment_id"]),
            )


def _ahead_or_today(days: int) -> str:
    return "today" if days == 0 else "ahead"


def deliverable_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An open deliverable of a draft or signed agreement due within three days, then on its day,
    to the agreement's owner (two occasions per due date, like commitments)."""
    rows = (
        in_country(Deliverable.objects.all(), ctx.country)
        .filter(
            delivered_at__isnull=True,
            agreement__status__in=[AgreementStatus.DRAFT, AgreementStatus.SIGNED],
            agreement__owner__is_active=True,
            due_on__gte=ctx.today,
            due_on__lte=ctx.day(AGREEMENT_LEAD_DAYS),
        )
        .order_by("due_on", "pk")
        .values(
            "pk",
            "description",
            "due_on",
            "agreement_id",
            "agreement__title",
            "agreement__owner_id",
            "agreement__influencer__name",
        )
    )
    for d in rows:
        days = (d["due_on"] - ctx.today).days
        yield ctx.occasion(
            ReminderKind.DELIVERABLE_DUE,
            f"{d['pk']}:{d['due_on']}:{_ahead_or_today(days)}",
            d["agreement__owner_id"],
            deliverable=d["description"][:200],
            agreement=d["agreement__title"][:200],
            influencer=d["agreement__influencer__name"],
            due_on=_iso(d["due_on"]),
            days=days,
            path=record_path("agreement", d["agreement_id"]),
        )


def payment_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An unpaid payment of an agreement not cancelled due within three days, then on its day, to
    the agreement's owner and the country's leads (finance viewers: checked with the team)."""
    leads = ctx.members([Role.LEAD])
    rows = (
        in_country(Payment.objects.all(), ctx.country)
        .filter(paid_on__isnull=True, due_on__gte=ctx.today, due_on__lte=ctx.day(AGREEMENT_LEAD_DAYS))
        .exclude(agreement__status__in=[AgreementStatus.CANCELLED, AgreementStatus.PAID])
        .order_by("due_on", "pk")
        .values(
            "pk",
            "amount",
            "currency",
            "due_on",
            "agreement_id",
            "agreement__title",
            "agreement__owner_id",
            "agreement__influencer__name",
        )
    )
    for p in rows:
        days = (p["due_on"] - ctx.today).days
        recipients = {*leads, *([p["agreement__owner_id"]] if p["agreement__owner_id"] else [])}
        for user_id in sorted(recipients):
            yield ctx.occasion(
                ReminderKind.PAYMENT_DUE,
                f"{p['pk']}:{p['due_on']}:{_ahead_or_today(days)}",
                user_id,
                amount=str(p["amount"]),
                currency=p["currency"],
                agreement=p["agreement__title"][:200],
                influencer=p["agreement__influencer__name"],
                due_on=_iso(p["due_on"]),
                days=days,
                path=record_path("agreement", p["agreement_id"]),
            )


RULES: list[Callable[[RuleContext], Iterable[Occasion]]] = [
    task_due,
    task_overdue,
    event_starting,
    challenge_launch_and_end,
    challenge_stale,
    influencer_follow_up,
    cold_relationship,
    government_contact,
    incident_stale,
    commitment_due,
    government_follow_up,
    request_due,
    request_overdue,
    moment_unplanned,
    deliverable_due,
    payment_due,
]

# Rules that do not wait for the country's working hours: a regulator's deadline passing at
# 02:00 cannot wait for 09:00 (in July 2018 the whole service was at stake), so the 4-hour warning
# and the escalation of a missed deadline are sent at any hour. Everything else stays in the
# daytime window; the outbox's keys still send each reminder once, whichever tick finds it first.
URGENT_RULES: list[Callable[[RuleContext], Iterable[Occasion]]] = [
    lambda ctx: request_due(ctx, urgent=True),
    request_overdue,
]
