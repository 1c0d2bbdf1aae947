"""One metric snapshot at a time: the API's single-row writes, numbers typed in the portal.

Each write refreshes the challenge's cached totals as the bulk path does and leaves one audit
entry that keeps the values it replaced.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsportal.audit import record_batch
from opsportal.db import Source
from opsportal.timecheck import MOMENT_AHEAD, moment_ahead

from .metric_totals import METRICS, refresh_challenge_totals
from .models import Challenge, ChallengeMetricSnapshot


def _snapshot_values(snapshot: ChallengeMetricSnapshot) -> dict:
    values = {m: getattr(snapshot, m) for m in METRICS}
    values["captured_at"] = snapshot.captured_at.isoformat() if snapshot.captured_at else None
    values["source"] = snapshot.source
    return values


@transaction.atomic
def metric_snapshot_save(
    snapshot: ChallengeMetricSnapshot, *, before: ChallengeMetricSnapshot | None = None
) -> ChallengeMetricSnapshot:
    """Validate and save one snapshot; the challenge's cached totals follow its latest snapshot
    (the same refresh as the bulk path). One audit entry on the snapshot keeps the values it
    replaced (read from the database unless the caller holds them), so a corrected number's
    history stays readable."""
    created = snapshot.pk is None
    # The one rule for measurements at every door (opsportal.timecheck), bulk rows included.
    if snapshot.captured_at is not None and moment_ahead(snapshot.captured_at):
        raise ValidationError({"captured_at": MOMENT_AHEAD})
    if before is None and not created:
        before = ChallengeMetricSnapshot.objects.filter(pk=snapshot.pk).first()
    snapshot.full_clean()
    snapshot.save()
    refresh_challenge_totals({snapshot.challenge_id, before.challenge_id if before else None} - {None})
    details = {"id": snapshot.pk, "challenge": snapshot.challenge_id, **_snapshot_values(snapshot)}
    if before is not None:
        details["before"] = _snapshot_values(before)
    verb = "create" if created else "update"
    record_batch(
        verb,
        ChallengeMetricSnapshot,
        summary=f"{verb} {snapshot}",
        country=Challenge.objects.filter(pk=snapshot.challenge_id).values_list("country_id", flat=True)[0],
        object_id=snapshot.pk,
        details=details,
    )
    return snapshot


@transaction.atomic
def metric_snapshot_delete(snapshot: ChallengeMetricSnapshot) -> None:
    pk = snapshot.pk
    country_id = Challenge.objects.filter(pk=snapshot.challenge_id).values_list("country_id", flat=True)[0]
    snapshot.delete()
    refresh_challenge_totals([snapshot.challenge_id])
    record_batch(
        "delete",
        ChallengeMetricSnapshot,
        summary=f"delete {snapshot}",
        country=country_id,
        object_id=pk,
        details={"id": pk, "challenge": snapshot.challenge_id, **_snapshot_values(snapshot)},
    )


def metric_snapshot_type(challenge: Challenge, *, captured_at: dt.datetime, **values) -> ChallengeMetricSnapshot:
    """Today's numbers typed by hand (source "typed"). A snapshot already at that moment is
    corrected rather than duplicated."""
    current = ChallengeMetricSnapshot.objects.filter(challenge=challenge, captured_at=captured_at).first()
    if current is not None:
        return metric_snapshot_correct(current, captured_at=captured_at, **values)
    snapshot = ChallengeMetricSnapshot(challenge=challenge, captured_at=captured_at, source=Source.MANUAL)
    for metric in METRICS:
        setattr(snapshot, metric, values.get(metric) or 0)
    return metric_snapshot_save(snapshot)


@transaction.atomic
def metric_snapshot_correct(snapshot: ChallengeMetricSnapshot, **values) -> ChallengeMetricSnapshot:
    """Correct a snapshot's numbers (or its moment): the source becomes "typed", the audit
    entry keeps what was there before."""
    before = ChallengeMetricSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    for name in (*METRICS, "captured_at"):
        if name in values and values[name] is not None:
            setattr(snapshot, name, values[name])
    snapshot.source = Source.MANUAL
    if (
        ChallengeMetricSnapshot.objects.filter(challenge_id=snapshot.challenge_id, captured_at=snapshot.captured_at)
        .exclude(pk=snapshot.pk)
        .exists()
    ):
        raise ValidationError({"captured_at": _("This challenge already has numbers at this moment.")})
    return metric_snapshot_save(snapshot, before=before)
