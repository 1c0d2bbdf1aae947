"""Writes on regulator and court requests, shared by every door (portal, API, admin, import).

A request's deadline is the country's default number of hours after it was received unless one
is given; its status moves received → in progress → answered / complied / contested → closed,
and the first move to an answered state stamps ``answered_at`` (on time = answered by the
deadline). Its handler is a government-relations member of the country's team; its contact,
incident and commitment are of the same country (``opsportal.references``: a record of another
country gets the same field error whether it exists or not). Every change leaves a history row.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import Country, RegulatorRequest, RequestItem
from .models.requests import RequestStatus

S = RequestStatus

# Where a request may go from each status. An answered request may be closed or reopened (a
# regulator writes back); a closed one reopens as in progress.
STATUS_MOVES: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.COMPLIED, S.CONTESTED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.RECEIVED, S.ANSWERED, S.COMPLIED, S.CONTESTED, S.CLOSED}),
    S.ANSWERED: frozenset({S.IN_PROGRESS, S.COMPLIED, S.CONTESTED, S.CLOSED}),
    S.COMPLIED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.CONTESTED, S.CLOSED}),
    S.CONTESTED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.COMPLIED, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}


def _by(by):
    return by if getattr(by, "pk", None) else None


def default_deadline(country: Country, received_at: dt.datetime) -> dt.datetime:
    """The country's default: ``request_deadline_hours`` after the request came."""
    return received_at + dt.timedelta(hours=country.request_deadline_hours)


def _stamp_answered(request: RegulatorRequest, stored_status: str | None, at: dt.datetime | None) -> None:
    answered = request.status in S.answered_values()
    was_answered = stored_status in S.answered_values()
    if answered and not was_answered and request.answered_at is None:
        request.answered_at = at or timezone.now()
    elif not answered:
        request.answered_at = None


@transaction.atomic
def request_save(request: RegulatorRequest, *, by=None) -> RegulatorRequest:
    """Log or change a request; all or nothing.

    The deadline defaults to the country's hours after ``received_at``; a status that moves
    to an answered state stamps ``answered_at`` (kept when given, e.g. an import of history),
    a move back to open clears it. A move the status table does not allow is a field error.
    """
    if request.pk is None:
        request.created_by = _by(by)
        stored_status = None
    else:
        stored_status = RegulatorRequest._base_manager.filter(pk=request.pk).values_list("status", flat=True).first()
    if request.received_at is None:
        request.received_at = timezone.now()
    if request.deadline is None and request.country_id:
        request.deadline = default_deadline(request.country, request.received_at)
    if stored_status and request.status != stored_status and request.status not in STATUS_MOVES[stored_status]:
        raise ValidationError({"status": _("A request cannot move from this status to that one.")})
    _stamp_answered(request, stored_status, None)
    request.full_clean()
    request.save()
    _announce(request, stored_status, created=stored_status is None)
    return request


@transaction.atomic
def request_change_status(
    request: RegulatorRequest, status: str, *, at: dt.datetime | None = None, by=None
) -> RegulatorRequest:
    """Move a request (the portal's buttons); answering stamps the time (``at`` or now)."""
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == request.status:
        return request
    if status not in STATUS_MOVES[request.status]:
        raise ValidationError({"status": _("A request cannot move from this status to that one.")})
    stored_status = request.status
    request.status = status
    _stamp_answered(request, stored_status, at)
    request.full_clean()
    request.save()
    _announce(request, stored_status, created=False)
    return request


def _announce(request: RegulatorRequest, stored_status: str | None, *, created: bool) -> None:
    """Tell the apps above (webhooks) that a request came in or was closed.

    A request typed in after it was already answered is history, not news: no "received".
    """
    if created and request.status in S.open_values():
        signals.regulator_request_received.send(RegulatorRequest, request=request)
    if request.status == S.CLOSED and stored_status != S.CLOSED:
        signals.regulator_request_closed.send(RegulatorRequest, request=request, previous=stored_status)


@transaction.atomic
def request_item_save(item: RequestItem, *, by=None) -> RequestItem:
    """Add or correct an item of a request (a video, account or URL, and what was done with it)."""
    if item.pk is None:
        item.created_by = _by(by)
    else:
        stored = RequestItem._base_manager.filter(pk=item.pk).values_list("request_id", flat=True).first()
        if stored is not None and stored != item.request_id:
            raise ValidationError({"request": _("An item stays with its request.")})
    item.target = (item.target or "").strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def request_item_delete(item: RequestItem, *, by=None) -> None:
    """Remove an item typed by mistake (its history row keeps what it was)."""
    item.delete()
