"""Writes on events, their checklist and guests, shared by every door."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.access import in_country
from opsportal.references import may_hold, on_team, possible_holders

from .models import Event, EventGuest, EventPartner, EventTask, GuestStatus, Partner, Status


@transaction.atomic
def event_task_set_done(task: EventTask, done: bool, *, by=None) -> EventTask:
    """Tick or untick a checklist item; ticking records who and when."""
    if done and task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by if getattr(by, "pk", None) else None
    elif not done:
        task.done_at = None
        task.done_by = None
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    return task


@transaction.atomic
def event_copy(event: Event, *, starts_at: dt.datetime, name: str | None = None, by=None) -> Event:
    """Copy an event as a new one (recurring meet-ups): partners and tasks come along,
    task due dates shift with the start; guests, attendance and outcomes do not, nor an owner or
    assignee who is no longer on the country's team."""
    shift = starts_at - event.starts_at
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.name = name or event.name
    copy.starts_at = starts_at
    copy.ends_at = event.ends_at + shift
    copy.status = "planning"
    copy.attendance = None
    copy.videos_produced = None
    copy.challenge = None
    copy.copied_from = event
    copy.created_by = by if getattr(by, "pk", None) else None
    # A copy is a new record: whoever left the country's team since does not come along.
    if copy.owner_id and not may_hold(copy.owner_id, copy.country_id, Event):
        copy.owner = None
    copy.full_clean()
    copy.save()
    EventPartner.objects.bulk_create(
        EventPartner(event=copy, partner_id=p.partner_id, role=p.role) for p in event.event_partners.all()
    )
    holders = set(possible_holders(copy.country_id, EventTask).values_list("pk", flat=True))
    for task in event.tasks.all():
        EventTask.objects.create(
            event=copy,
            title=task.title,
            assignee_id=task.assignee_id if task.assignee_id in holders else None,
            due_on=task.due_on + shift if task.due_on else None,
            created_by=copy.created_by,
        )
    return copy


@transaction.atomic
def event_guest_set_status(guest: EventGuest, status: str, *, by=None) -> EventGuest:
    """Record an invitation's answer (invited, confirmed, declined, attended)."""
    if status not in GuestStatus.values:
        raise ValidationError({"status": _("Unknown guest status: %(status)s.") % {"status": status}})
    if status != guest.status:
        guest.status = status
        guest.save(update_fields=["status", "updated_at"])
    return guest


@transaction.atomic
def event_save(event: Event, *, by=None) -> Event:
    """Create or update an event after validating it; a new event's currency defaults to its country's."""
    if event.pk is None:
        event.created_by = by if getattr(by, "pk", None) else None
    # "usd" from any door is USD (as budget lines and exchange rates take it).
    event.currency = (event.currency or "").strip().upper()
    if not event.currency and event.country_id:
        event.currency = event.country.currency
    event.full_clean()
    event.save()
    for partner in Partner.objects.filter(event_partners__event=event).distinct():
        partner_touch(partner)  # the event's date or status moved: so did its partners' last contact
    return event


@transaction.atomic
def event_delete(event: Event, *, by=None) -> None:
    """Remove an event with its checklist, guests and partner roles; its partners' last contact
    falls back to the latest other event worked together."""
    partners = list(Partner.objects.filter(event_partners__event=event).distinct())
    event.delete()
    for partner in partners:
        partner_touch(partner)


def partner_touch(partner, *, now: dt.datetime | None = None) -> None:
    """Keep a partner's ``last_contacted_at`` at the start of the latest event worked together that
    has begun (cancelled ones do not count). Called whenever a partner joins or leaves an event or
    an event changes; the cold-relationship rule also looks at events that began since (an event
    in the future becomes a contact once it starts, with nothing saved). Written without a history
    row: it is derived."""
    now = now or timezone.now()
    latest = (
        Event.objects.filter(event_partners__partner=partner, starts_at__lte=now)
        .exclude(status=Status.CANCELLED)
        .aggregate(latest=Max("starts_at"))["latest"]
    )
    if latest != partner.last_contacted_at:
        partner.last_contacted_at = latest
        Partner.objects.filter(pk=partner.pk).update(last_contacted_at=latest)


# --- the checklist, guests and partners, one record at a time --------------------------------


def _event_country_id(event) -> int:
    return event.country_id


def _check_team_member(user, country_id: int, field: str) -> None:
    """An assignee or owner works in the record's country (a member of its team)."""
    if user is None:
        return
    if not on_team(user, country_id):
        raise ValidationError({field: _("Choose a member of this country's team.")})


@transaction.atomic
def event_task_save(task: EventTask, *, by=None) -> EventTask:
    """Add or change a checklist item: its title, assignee (of the event's team) and due date.
    A done time typed in (the admin) is a tick like ``event_task_set_done``'s: it names who, and
    an open item names nobody."""
    if task.pk is None and getattr(by, "pk", None):
        task.created_by = by
    if task.done_at is None:
        task.done_by = None
    elif task.done_by_id is None and getattr(by, "pk", None):
        task.done_by = by
    _check_team_member(task.assignee, _event_country_id(task.event), "assignee")
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def event_guest_invite(event: Event, influencer, *, status: str = GuestStatus.INVITED, notes: str = "", by=None):
    """Invite an influencer of the event's country (once per event; the country rule is the model's clean)."""
    if EventGuest.objects.filter(event=event, influencer=influencer).exists():
        raise ValidationError({"influencer": _("This influencer is already on the guest list.")})
    guest = EventGuest(event=event, influencer=influencer, status=status, notes=notes)
    if getattr(by, "pk", None):
        guest.created_by = by
    guest.full_clean()
    guest.save()
    return guest


@transaction.atomic
def event_guest_save(guest: EventGuest, *, by=None) -> EventGuest:
    """Validate and save a guest written whole (the API): same rules as an invitation."""
    if guest.pk is None and getattr(by, "pk", None):
        guest.created_by = by
    guest.full_clean()
    guest.save()
    return guest


@transaction.atomic
def partner_save(partner, *, by=None):
    if partner.pk is None and getattr(by, "pk", None):
        partner.created_by = by
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def event_partner_save(link: EventPartner, *, by=None) -> EventPartner:
    """A partner's role at an event; the partner belongs to the event's country."""
    link.full_clean()
    link.save()
    partner_touch(link.partner)
    return link


@transaction.atomic
def event_partner_add(
    event: Event, *, role: str, partner=None, new_partner_name: str = "", new_partner_kind: str = "", by=None
) -> EventPartner:
    """Add a partner to an event with its role, creating the partner first when it is new."""
    from .models import Partner

    if partner is None:
        if not new_partner_name.strip():
            raise ValidationError({"partner": _("Choose a partner or name a new one.")})
        existing = in_country(Partner.objects.filter(name__iexact=new_partner_name.strip()), event.country_id).first()
        partner = existing or partner_save(
            Partner(country_id=event.country_id, name=new_partner_name.strip(), kind=new_partner_kind or "organizer"),
            by=by,
        )
    if EventPartner.objects.filter(event=event, partner=partner).exists():
        raise ValidationError({"partner": _("This partner is already on the event.")})
    return event_partner_save(EventPartner(event=event, partner=partner, role=role), by=by)


@transaction.atomic
def event_partner_remove(link: EventPartner, *, by=None) -> None:
    link.delete()
    partner_touch(link.partner)
