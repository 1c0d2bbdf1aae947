"""Writes on challenges that every door (portal, API, admin, import) goes through."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.db import save_validated

from .models import Challenge, Status

# Which status moves make sense: a challenge is planned before it goes live and ends once.
ALLOWED_MOVES: dict[str, set[str]] = {
    Status.IDEA: {Status.PLANNED},
    Status.PLANNED: {Status.IDEA, Status.LIVE},
    Status.LIVE: {Status.ENDED},
    Status.ENDED: {Status.LIVE},  # reopened when it was ended by mistake
}


def allowed_statuses(challenge: Challenge) -> list[str]:
    return [s for s in Status.values if s in ALLOWED_MOVES.get(challenge.status, set())]


def check_status_move(old: str, new: str, *, starts_at, ends_at) -> None:
    """Raise a ValidationError naming ``status`` when the move is not allowed."""
    if old == new:
        return
    if new not in ALLOWED_MOVES.get(old, set()):
        raise ValidationError(
            {
                "status": _("A challenge cannot move from %(old)s to %(new)s.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )
    if new == Status.PLANNED and starts_at is None:
        raise ValidationError({"starts_at": _("Set a start before planning the challenge.")})


@transaction.atomic
def challenge_change_status(challenge: Challenge, status: str, *, by=None, now: dt.datetime | None = None) -> Challenge:
    """Move a challenge along idea → planned → live → ended, with the guards above.

    Going live without a start sets it to now; ending without an end sets it to now.
    """
    now = now or timezone.now()
    check_status_move(challenge.status, status, starts_at=challenge.starts_at, ends_at=challenge.ends_at)
    if status == Status.LIVE and challenge.starts_at is None:
        challenge.starts_at = now
    if status == Status.LIVE and challenge.ends_at is not None and challenge.ends_at < now:
        challenge.ends_at = None
    if status == Status.ENDED and (challenge.ends_at is None or challenge.ends_at > now):
        challenge.ends_at = max(now, challenge.starts_at or now)
    challenge.status = status
    challenge.full_clean()
    save_validated(challenge)
    return challenge


@transaction.atomic
def challenge_save(
    challenge: Challenge, *, by=None, status: str | None = None, arrives_with_history: bool = False
) -> Challenge:
    """Create or update a challenge after validating it.

    Whatever door set the status (a form field, an API PATCH, the admin, an import row), a
    status that differs from the stored one moves through ``challenge_change_status``'s guards.
    A new challenge starts as an idea or planned, unless it ``arrives_with_history`` (an import
    of challenges that already ran).
    """
    if status:
        challenge.status = status
    if challenge.pk is None:
        challenge.created_by = by if getattr(by, "pk", None) else None
        if challenge.status not in (Status.IDEA, Status.PLANNED) and not arrives_with_history:
            raise ValidationError({"status": _("A new challenge starts as an idea or planned.")})
        challenge.full_clean()
        save_validated(challenge)
        return challenge
    stored = Challenge.objects.filter(pk=challenge.pk).values_list("status", flat=True).get()
    if challenge.status != stored:
        wanted, challenge.status = challenge.status, stored
        return challenge_change_status(challenge, wanted, by=by)
    challenge.full_clean()
    save_validated(challenge)
    return challenge


@transaction.atomic
def participation_save(participation, *, by=None):
    """Who seeded or joined a challenge; the model's clean keeps both in one country."""
    if participation.pk is None and getattr(by, "pk", None) and hasattr(participation, "created_by_id"):
        participation.created_by = by
    participation.full_clean()
    participation.save()
    return participation
