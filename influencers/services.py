"""Writes on influencers and their outreach log, shared by every door."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Influencer, InfluencerInteraction, Stage


@transaction.atomic
def influencer_move_stage(influencer: Influencer, stage: str, *, by=None, now: dt.datetime | None = None) -> Influencer:
    """Move a creator along the pipeline (prospect → contacted → onboarded → active → dormant).

    Any move is allowed (people go dormant and come back), but it is recorded with its time.
    """
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown pipeline stage: %(stage)s.") % {"stage": stage}})
    if stage == influencer.stage:
        return influencer
    influencer.stage = stage
    influencer.stage_changed_at = now or timezone.now()
    influencer.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    return influencer


@transaction.atomic
def influencer_log_interaction(
    influencer: Influencer,
    *,
    kind: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    next_follow_up_on: dt.date | None = None,
    by=None,
) -> InfluencerInteraction:
    """Log a touch with a creator. Earlier follow-ups are done: this touch answered them.

    A first touch with a prospect moves them to contacted.
    """
    entry = InfluencerInteraction(
        influencer=influencer,
        kind=kind,
        summary=summary,
        occurred_at=occurred_at or timezone.now(),
        next_follow_up_on=next_follow_up_on,
        owner=by if getattr(by, "pk", None) else None,
        created_by=by if getattr(by, "pk", None) else None,
    )
    entry.full_clean()
    InfluencerInteraction.objects.filter(influencer=influencer, follow_up_done=False).exclude(
        next_follow_up_on=None
    ).update(follow_up_done=True)
    entry.save()
    influencer_touch(influencer)
    if influencer.stage == Stage.PROSPECT:
        influencer_move_stage(influencer, Stage.CONTACTED, by=by)
    return entry


def influencer_touch(influencer: Influencer) -> None:
    """Keep ``last_contacted_at`` equal to the latest outreach entry (an old entry typed late never
    moves it back; a deleted or corrected one moves it to what is left). Derived, so written
    without a history row."""
    latest = influencer.interactions.aggregate(latest=Max("occurred_at"))["latest"]
    if latest != influencer.last_contacted_at:
        influencer.last_contacted_at = latest
        Influencer.objects.filter(pk=influencer.pk).update(last_contacted_at=latest)


def _user(by):
    return by if getattr(by, "pk", None) else None


@transaction.atomic
def influencer_save(
    influencer: Influencer,
    *,
    categories=None,
    accounts=(),
    removed_accounts=(),
    by=None,
) -> Influencer:
    """Create or update an influencer together with their platform accounts, all or nothing.

    ``accounts`` are new or changed ``PlatformAccount`` instances (their influencer is set
    here); ``removed_accounts`` are deleted, unless they carry follower history (that history
    is the influencer's growth: it is kept, and the removal refused on the account).
    Totals and the crossover date are recomputed when the accounts changed.
    """
    from .followers import refresh_followers
    from .models import PlatformAccount

    if influencer.pk is None:
        influencer.created_by = _user(by)
        if influencer.stage != Stage.PROSPECT:
            influencer.stage_changed_at = timezone.now()
    influencer.full_clean()
    influencer.save()
    if categories is not None:
        influencer.categories.set(categories)
    touched = False
    for account in removed_accounts:
        if account.pk is None:
            continue
        if account.snapshots.exists():
            raise ValidationError(
                {"accounts": _("%(account)s has follower history; it cannot be removed.") % {"account": account}}
            )
        account.delete()
        touched = True
    for account in accounts:
        account.influencer = influencer
        if account.pk is None:
            account.created_by = _user(by)
        account.handle = (account.handle or "").strip().lstrip("@")
        account.full_clean()
        account.save()
        touched = True
    if touched:
        refresh_followers(
            list(PlatformAccount.objects.filter(influencer=influencer).values_list("pk", flat=True)),
            {influencer.pk: dt.date.min},
        )
    return influencer
