"""Announcements of milestones: an influencer crossing over, a challenge reaching its view target.

The domain apps send ``followers_refreshed`` and ``metrics_refreshed`` once their cached numbers
are current (whatever the door: API batch, import, typed in the portal, a correction); this
module looks, set-based, for what has just been reached and announces it:

* the relationship owner (the influencer's, the challenge's) gets an inbox entry and an email
  through the reminder outbox (their language, mutable in their profile, checked again at send);
* webhook subscribers get ``influencer.crossed_over`` / ``challenge.target_reached``.

Guarantee: once per crossing. A ``Milestone`` row with a unique key is claimed first; only the
caller that claims it announces, so a replayed batch, two workers or a later correction never
announce again. A challenge whose target is raised and then reached again is a new milestone.
Everything happens inside the writing transaction: a rolled-back batch announces nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from challenges.models import Challenge
from influencers.models import Influencer
from milestones.models import Milestone
from opsportal.bulk import among
from opsportal.links import record_path
from opsportal.models import ReminderDelivery
from reminders.context import country_payload
from reminders.kinds import ReminderKind
from webhooks.events import emit, event_data
from webhooks.models import EventType

CROSSOVER = "crossover"
TARGET_VIEWS = "target_views"


def _claim(candidates: dict[str, dict]) -> list[str]:
    """Insert the milestones not announced yet; return the keys this caller claimed."""
    if not candidates:
        return []
    known = set(Milestone.objects.filter(key__in=list(candidates)).values_list("key", flat=True))
    claimed = []
    for key, fields in candidates.items():
        if key in known:
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent claim loses cleanly
                Milestone.objects.create(key=key, **fields)
        except IntegrityError:
            continue
        claimed.append(key)
    return claimed


def _queue(rows: list) -> None:
    if not rows:
        return
    from opsportal import mail, tasks
    from reminders.services import muted_kinds

    muted = muted_kinds(row.recipient_id for row in rows)
    for row in rows:
        if row.kind in muted.get(row.recipient_id, ()):
            row.status = "skipped"
            row.last_error = "muted by the recipient"
    tasks.enqueue_deliveries(mail.queue(rows))


def announce_crossovers(influencer_ids: Iterable[int]) -> list[int]:
    """Announce the influencers among ``influencer_ids`` who have crossed over and were never
    announced; return their ids."""
    # A daily follower batch names thousands of influencers, most of them announced long ago:
    # only the ids are read to leave those out, and whole records only for the others.
    crossed = Influencer.objects.filter(
        among("pk", influencer_ids), crossed_over_on__isnull=False, erased_at__isnull=True
    ).values_list("pk", flat=True)
    keys = {f"{CROSSOVER}:{pk}": pk for pk in crossed}
    for key in Milestone.objects.filter(among("key", keys)).values_list("key", flat=True):
        del keys[key]
    people = {i.pk: i for i in Influencer.objects.filter(pk__in=list(keys.values())).select_related("country")}
    candidates = {
        f"{CROSSOVER}:{pk}": {"kind": CROSSOVER, "country": i.country, "object_id": pk, "reached_on": i.crossed_over_on}
        for pk, i in people.items()
    }
    announced = [people[int(key.rsplit(":", 1)[1])] for key in _claim(candidates)]
    rows = []
    for influencer in announced:
        data = {
            **event_data(influencer),
            "crossed_over_on": influencer.crossed_over_on,
        }
        emit(EventType.INFLUENCER_CROSSED_OVER, data, influencer.country_id)
        if influencer.relationship_owner_id:
            rows.append(
                _row(
                    ReminderKind.CROSSOVER,
                    f"{CROSSOVER}:{influencer.pk}",
                    influencer.relationship_owner_id,
                    influencer.country,
                    influencer=influencer.name,
                    on=influencer.crossed_over_on.isoformat(),
                    path=record_path("influencer", influencer.pk),
                )
            )
    _queue(rows)
    return [i.pk for i in announced]


def announce_targets_reached(challenge_ids: Iterable[int]) -> list[int]:
    """Announce the challenges among ``challenge_ids`` whose views reached their view target for
    the first time (per target value); return their ids."""
    reached = {
        c.pk: c
        for c in Challenge.objects.filter(
            among("pk", challenge_ids), target_views__isnull=False, target_views__gt=0, views__gte=F("target_views")
        ).select_related("country")
    }
    candidates = {
        f"{TARGET_VIEWS}:{pk}:{c.target_views}": {
            "kind": TARGET_VIEWS,
            "country": c.country,
            "object_id": pk,
            "reached_on": (c.metrics_at or dt.datetime.now(dt.UTC)).astimezone(c.country.zone).date(),
        }
        for pk, c in reached.items()
    }
    announced = [reached[int(key.split(":")[1])] for key in _claim(candidates)]
    rows = []
    for challenge in announced:
        data = {**event_data(challenge), "views": challenge.views, "target_views": challenge.target_views}
        emit(EventType.CHALLENGE_TARGET_REACHED, data, challenge.country_id)
        if challenge.owner_id:
            rows.append(
                _row(
                    ReminderKind.TARGET_REACHED,
                    f"{TARGET_VIEWS}:{challenge.pk}:{challenge.target_views}",
                    challenge.owner_id,
                    challenge.country,
                    hashtag=challenge.hashtag,
                    title=challenge.title,
                    views=challenge.views,
                    target=challenge.target_views,
                    path=record_path("challenge", challenge.pk),
                )
            )
    _queue(rows)
    return [c.pk for c in announced]


def _row(kind: str, key: str, recipient_id: int, country, **payload) -> ReminderDelivery:
    return ReminderDelivery(
        key=f"{key}:u{recipient_id}", recipient_id=recipient_id, kind=kind, payload=country_payload(country, **payload)
    )


def on_followers_refreshed(sender, influencer_ids, **kwargs) -> None:
    announce_crossovers(influencer_ids)


def on_metrics_refreshed(sender, challenge_ids, **kwargs) -> None:
    announce_targets_reached(challenge_ids)


def connect() -> None:
    from challenges.signals import metrics_refreshed
    from influencers.signals import followers_refreshed

    followers_refreshed.connect(on_followers_refreshed, dispatch_uid="milestones_crossover")
    metrics_refreshed.connect(on_metrics_refreshed, dispatch_uid="milestones_target_views")
