"""One rule per kind of reminder: a set-based query over one country, in that country's local day.

A rule returns ``Occasion``s: who should hear about what. Each occasion has a key naming the
record, the moment that makes it due (a due date, the last snapshot, the last contact) and the
recipient, so the same occasion always has the same key — the outbox sends each key once.
A new occasion (the due date moved, the contact went quiet again) gets a new key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from challenges.models import Challenge, ChallengeMetricSnapshot
from challenges.models import Status as ChallengeStatus
from events.models import Event, EventTask
from events.models import Status as EventStatus
from events.selectors import cold_partners
from influencers.models import InfluencerInteraction
from influencers.selectors import cold_influencers
from locales.models import CulturalMomentOccurrence, Role
from opsportal.access import in_country
from opsportal.links import record_path

from .context import (
    DIGEST_LIMIT,
    FOLLOW_UP_CATCHUP_DAYS,
    MOMENT_CATCHUP_DAYS,
    MOMENT_LEAD_DAYS,
    Occasion,
    RuleContext,
    iso_or_none,
)
from .government_rules import (
    GOVERNMENT_ROLES,
    commitment_due,
    government_contact,
    government_follow_up,
    incident_stale,
    request_due,
    request_overdue,
)
from .kinds import ReminderKind
from .money_rules import deliverable_due, payment_due

__all__ = [
    "GOVERNMENT_ROLES",
    "RULES",
    "URGENT_RULES",
    "Occasion",
    "RuleContext",
    "commitment_due",
    "deliverable_due",
    "government_contact",
    "government_follow_up",
    "incident_stale",
    "payment_due",
    "request_due",
    "request_overdue",
]


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
            due_on=iso_or_none(t["due_on"]),
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
            {
                "task": t["title"],
                "event": t["event__name"],
                "due_on": iso_or_none(t["due_on"]),
                "event_id": t["event_id"],
            }
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
                    starts_at=iso_or_none(e["starts_at"]),
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
            starts_at=iso_or_none(c["starts_at"]),
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
            ends_at=iso_or_none(c["ends_at"]),
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
            last_snapshot=iso_or_none(c["last_snapshot"]),
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
            due_on=iso_or_none(r["next_follow_up_on"]),
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
        item = {"kind": "influencer", "name": c["name"], "last_touch": iso_or_none(c["last_touch"])}
        item["path"] = record_path("influencer", c["pk"])
        for user_id in [owner] if owner else leads:
            digests.setdefault(user_id, []).append(item)
    for p in cold_partners(ctx.country, now=ctx.now).values("pk", "name", "last_touch")[:DIGEST_LIMIT]:
        item = {
            "kind": "partner",
            "name": p["name"],
            "last_touch": iso_or_none(p["last_touch"]),
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
                starts_on=iso_or_none(m["starts_on"]),
                path=record_path("moment", m["moment_id"]),
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
