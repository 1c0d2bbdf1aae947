"""Quick capture at an event: a walk-in creator or a guest entered in a few taps on a phone.

Each entry may carry a ``capture_id`` made by the browser. A phone that lost its network keeps
the entry and sends it again later, perhaps after the first sending did arrive: the same id
answers with what the first sending made, and creates nothing a second time.

Everything goes through the services every other door uses (influencers, follower counts,
the outreach log, guests), in one transaction: an entry is saved whole or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers.followers import follower_count_type
from influencers.models import Influencer, InteractionKind, Platform, PlatformAccount
from influencers.services import influencer_log_interaction, influencer_save
from opsportal.access import in_country

from .models import CaptureKind, Event, EventGuest, GuestStatus, QuickCapture
from .services import event_guest_invite, event_guest_set_status

# The error code a handle already registered in the event's own country carries: the door
# may offer a link to that influencer (never for another country's, see HANDLE_TAKEN).
HANDLE_IN_COUNTRY = "handle_in_country"


@dataclass(frozen=True)
class Captured:
    influencer: Influencer
    guest: EventGuest | None
    duplicate: bool  # this capture id had already been saved: nothing was created now


def _user(by):
    return by if getattr(by, "pk", None) else None


def _claim(event: Event, capture_id: uuid.UUID | None, kind: str, by) -> QuickCapture | Captured | None:
    """Take the capture id for this entry; a Captured when an earlier sending already saved it.

    The receipt is written first, so two sendings racing each other queue on its unique key:
    the second waits for the first's transaction and then finds its receipt.
    """
    if capture_id is None:
        return None
    earlier = _earlier(event, capture_id)
    if earlier is not None:
        return earlier
    receipt = QuickCapture(event=event, capture_id=capture_id, kind=kind, created_by=_user(by))
    try:
        with transaction.atomic():
            receipt.save()
    except IntegrityError:
        earlier = _earlier(event, capture_id)
        if earlier is None:
            raise
        return earlier
    return receipt


def _earlier(event: Event, capture_id: uuid.UUID) -> Captured | None:
    receipt = QuickCapture.objects.filter(event=event, capture_id=capture_id).select_related("influencer").first()
    if receipt is None:
        return None
    if receipt.influencer is None:  # saved once, and the influencer was deleted since
        raise ValidationError(_("This entry was saved before and its record has been removed since."))
    guest = EventGuest.objects.filter(event=event, influencer=receipt.influencer).first()
    return Captured(influencer=receipt.influencer, guest=guest, duplicate=True)


def _check_handle(event: Event, platform: str, handle: str) -> None:
    """A handle already registered in the event's own country names its influencer (the door
    links to them). Another country's is refused by the account's uniqueness rule, with the
    one answer every door gives (HANDLE_TAKEN), which names nobody (see ``_on_fields``)."""
    existing = (
        in_country(PlatformAccount.objects.filter(platform=platform, handle__iexact=handle), event.country_id)
        .select_related("influencer")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "handle": ValidationError(
                    _("%(name)s already has this handle."),
                    code=HANDLE_IN_COUNTRY,
                    params={"name": existing.influencer.name, "influencer": existing.influencer.pk},
                )
            }
        )


def _on_fields(error: ValidationError) -> ValidationError:
    """The influencer service's errors on the walk-in's own fields. The account's uniqueness
    across every country already comes on ``handle`` (``ConstraintsOnFields``); the account's
    other record-wide errors and those on ``accounts`` land on the handle too; anything else the
    walk-in has no field for is shown above the form."""
    if not hasattr(error, "error_dict"):
        return ValidationError({NON_FIELD_ERRORS: error.messages})
    moved: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        if field in {"name", "platform", "handle"}:
            target = field
        elif field in {NON_FIELD_ERRORS, "accounts"}:
            target = "handle"
        else:
            target = NON_FIELD_ERRORS
        moved.setdefault(target, []).extend(errors)
    return ValidationError(moved)


@transaction.atomic
def event_capture_walk_in(
    event: Event,
    *,
    name: str,
    platform: str,
    handle: str,
    followers: int | None = None,
    note: str = "",
    capture_id: uuid.UUID | None = None,
    by=None,
) -> Captured:
    """A creator met at the event: a new influencer of the event's country with their account,
    today's follower count (typed by hand), the meeting in the outreach log, and a place on
    the guest list as attended. All or nothing; once per ``capture_id``."""
    name = (name or "").strip()
    handle = (handle or "").strip().lstrip("@")
    errors = {}
    if not name:
        errors["name"] = _("Enter a name.")
    if platform not in Platform.values:
        errors["platform"] = _("Choose a platform from the list.")
    if not handle:
        errors["handle"] = _("Enter a handle.")
    if followers is not None and followers < 0:
        errors["followers"] = _("A follower count cannot be negative.")
    if errors:
        raise ValidationError(errors)
    claimed = _claim(event, capture_id, CaptureKind.WALK_IN, by)
    if isinstance(claimed, Captured):
        return claimed
    _check_handle(event, platform, handle)
    try:
        influencer = influencer_save(
            Influencer(country_id=event.country_id, name=name),
            accounts=[PlatformAccount(platform=platform, handle=handle)],
            by=by,
        )
    except ValidationError as error:
        raise _on_fields(error)
    if followers is not None:
        account = influencer.accounts.get()
        follower_count_type(account, date=timezone.localdate(timezone=event.country.zone), followers=followers)
    influencer_log_interaction(
        influencer,
        kind=InteractionKind.EVENT,
        summary=(note or "").strip() or _("Walk-in at %(event)s.") % {"event": event.name},
        by=by,
    )
    guest = event_guest_invite(event, influencer, status=GuestStatus.ATTENDED, by=by)
    if claimed is not None:
        claimed.influencer = influencer
        claimed.save(update_fields=["influencer"])
    return Captured(influencer=influencer, guest=guest, duplicate=False)


@transaction.atomic
def event_capture_guest(
    event: Event,
    influencer: Influencer,
    *,
    status: str = GuestStatus.ATTENDED,
    notes: str = "",
    capture_id: uuid.UUID | None = None,
    by=None,
) -> Captured:
    """An influencer of the event's country at the door: added to the guest list, or, when
    already invited, their answer recorded (the country rule is the guest's own clean)."""
    claimed = _claim(event, capture_id, CaptureKind.GUEST, by)
    if isinstance(claimed, Captured):
        return claimed
    guest = EventGuest.objects.select_for_update(of=("self",)).filter(event=event, influencer=influencer).first()
    if guest is None:
        guest = event_guest_invite(event, influencer, status=status, notes=(notes or "").strip(), by=by)
    else:
        guest = event_guest_set_status(guest, status, by=by)
    if claimed is not None:
        claimed.influencer = influencer
        claimed.save(update_fields=["influencer"])
    return Captured(influencer=influencer, guest=guest, duplicate=False)
