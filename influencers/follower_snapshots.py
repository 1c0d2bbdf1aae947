"""One follower count at a time: the API's single-row writes and counts typed in the portal.

Each write refreshes the account's latest count and the influencer's total and crossover before
it returns, and leaves one audit entry that keeps the number it replaced.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from opsportal.audit import record_batch
from opsportal.db import Source
from opsportal.timecheck import DAY_AHEAD, day_ahead

from .follower_totals import refresh_followers
from .models import FollowerSnapshot, PlatformAccount


def _refresh_after(changes) -> None:
    """Refresh accounts and influencers after single snapshots changed: [(account_id, date), ...]."""
    changes = [c for c in changes if c]
    owners = dict(PlatformAccount.objects.filter(pk__in={a for a, _d in changes}).values_list("pk", "influencer_id"))
    since: dict[int, dt.date] = {}
    for account_id, day in changes:
        influencer_id = owners[account_id]
        since[influencer_id] = min(day, since.get(influencer_id, day))
    refresh_followers(owners.keys(), since)


@transaction.atomic
def follower_snapshot_save(snapshot: FollowerSnapshot, *, before: FollowerSnapshot | None = None) -> FollowerSnapshot:
    """Validate and save one follower count; the account's latest count, the influencer's total
    and crossover follow. One audit entry on the snapshot names the old and new values (read
    from the database unless the caller holds them)."""
    created = snapshot.pk is None
    # The one rule for measurements at every door (opsportal.timecheck), bulk rows included.
    if snapshot.date is not None and day_ahead(snapshot.date):
        raise ValidationError({"date": DAY_AHEAD})
    if before is None and not created:
        before = FollowerSnapshot.objects.filter(pk=snapshot.pk).first()
    snapshot.full_clean()
    snapshot.save()
    _refresh_after([(snapshot.account_id, snapshot.date), before and (before.account_id, before.date)])
    details = {"id": snapshot.pk, "account": snapshot.account_id, "date": snapshot.date.isoformat()}
    details["followers"] = snapshot.followers
    if before is not None:
        details["before"] = {"followers": before.followers, "date": before.date.isoformat(), "source": before.source}
    record_batch(
        "create" if created else "update",
        FollowerSnapshot,
        summary=f"{'create' if created else 'update'} {snapshot}",
        country=PlatformAccount.objects.filter(pk=snapshot.account_id).values_list("influencer__country_id", flat=True)[
            0
        ],
        object_id=snapshot.pk,
        details=details,
    )
    return snapshot


@transaction.atomic
def follower_snapshot_delete(snapshot: FollowerSnapshot) -> None:
    country_id = PlatformAccount.objects.filter(pk=snapshot.account_id).values_list(
        "influencer__country_id", flat=True
    )[0]
    pk = snapshot.pk
    snapshot.delete()
    _refresh_after([(snapshot.account_id, snapshot.date)])
    record_batch(
        "delete",
        FollowerSnapshot,
        summary=f"delete {snapshot}",
        country=country_id,
        object_id=pk,
        details={"id": pk, "account": snapshot.account_id, "followers": snapshot.followers},
    )


@transaction.atomic
def follower_count_type(account: PlatformAccount, *, date: dt.date, followers: int) -> FollowerSnapshot:
    """A follower count typed by hand (source "typed"): one per account and day, so typing the
    same day again corrects it, and the audit entry keeps the number it replaced."""
    current = FollowerSnapshot.objects.select_for_update().filter(account=account, date=date).first()
    before = None
    if current is None:
        current = FollowerSnapshot(account=account, date=date)
    else:
        before = FollowerSnapshot(
            pk=current.pk, account_id=current.account_id, date=current.date, followers=current.followers
        )
        before.source = current.source
    current.followers = followers
    current.source = Source.MANUAL
    return follower_snapshot_save(current, before=before)
