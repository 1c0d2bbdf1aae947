"""Record events for integrations: ``emit()`` is what any code calls when something happened.

    from webhooks.events import emit
    emit("report.sent", report, report.country)

The payload is taken now (what the record looked like when it happened); the deliveries are
made and queued only once the surrounding transaction commits, so a rolled-back change never
reaches an integration.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from opsportal.links import record_url as portal_url

from .models import EventType

log = logging.getLogger(__name__)


def _iso(value) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _challenge(obj) -> dict[str, Any]:
    return {
        "object": "challenge",
        "id": obj.pk,
        "hashtag": obj.hashtag,
        "title": obj.title,
        "format": obj.format,
        "status": obj.status,
        "starts_at": _iso(obj.starts_at),
        "ends_at": _iso(obj.ends_at),
        "url": portal_url("challenge", obj.pk),
    }


def _influencer(obj) -> dict[str, Any]:
    # No contact details: a webhook carries what happened, not the person's phone number.
    return {
        "object": "influencer",
        "id": obj.pk,
        "name": obj.name,
        "local_name": obj.local_name,
        "kind": obj.kind,
        "tier": obj.tier,
        "stage": obj.stage,
        "is_core": obj.is_core,
        "url": portal_url("influencer", obj.pk),
    }


def _incident(obj) -> dict[str, Any]:
    return {
        "object": "regulatory_incident",
        "id": obj.pk,
        "title": obj.title,
        "kind": obj.kind,
        "status": obj.status,
        "opened_at": _iso(obj.opened_at),
        "url": portal_url("incident", obj.pk),
    }


def _report(obj) -> dict[str, Any]:
    return {
        "object": "weekly_report",
        "id": obj.pk,
        "week": obj.week,
        "sent_at": _iso(obj.sent_at),
        "url": portal_url("report", obj.pk),
    }


def _money(value) -> str | None:
    # A decimal as a string, as the API shows it: a float would lose cents on large fees.
    return None if value is None else str(value)


def _agreement(obj) -> dict[str, Any]:
    # Finance data (FINANCE_EVENTS): the fee, not the notes nor the signed file.
    return {
        "object": "agreement",
        "id": obj.pk,
        "title": obj.title,
        "status": obj.status,
        "influencer": obj.influencer_id,
        "challenge": obj.challenge_id,
        "event": obj.event_id,
        "fee": _money(obj.fee),
        "currency": obj.currency,
        "starts_on": _iso(obj.starts_on),
        "ends_on": _iso(obj.ends_on),
        "signed_on": _iso(obj.signed_on),
        "url": portal_url("agreement", obj.pk),
    }


def _payment(obj) -> dict[str, Any]:
    return {
        "object": "payment",
        "id": obj.pk,
        "agreement": obj.agreement_id,
        "amount": _money(obj.amount),
        "currency": obj.currency,
        "due_on": _iso(obj.due_on),
        "paid_on": _iso(obj.paid_on),
        "url": portal_url("agreement", obj.agreement_id),
    }


def _regulator_request(obj) -> dict[str, Any]:
    # Government data (GOVERNMENT_EVENTS): what came and by when, not what it asks (the summary).
    return {
        "object": "regulator_request",
        "id": obj.pk,
        "kind": obj.kind,
        "authority": obj.authority,
        "reference": obj.reference,
        "channel": obj.channel,
        "status": obj.status,
        "received_at": _iso(obj.received_at),
        "deadline": _iso(obj.deadline),
        "answered_at": _iso(obj.answered_at),
        "url": portal_url("regulator_request", obj.pk),
    }


def _goal(obj) -> dict[str, Any]:
    return {
        "object": "country_goal",
        "id": obj.pk,
        "year": obj.year,
        "quarter": obj.quarter,
        "metric": obj.metric,
        "target": obj.target,
        "note": obj.note,
        "url": portal_url("goal"),
    }


SERIALIZERS = {
    "challenges.challenge": _challenge,
    "influencers.influencer": _influencer,
    "locales.regulatoryincident": _incident,
    "locales.regulatorrequest": _regulator_request,
    "reports.weeklyreport": _report,
    "agreements.agreement": _agreement,
    "agreements.payment": _payment,
    "goals.countrygoal": _goal,
}


def event_data(obj: Model | dict) -> dict[str, Any]:
    if isinstance(obj, dict):
        return {k: _iso(v) for k, v in obj.items()}
    serializer = SERIALIZERS.get(obj._meta.label_lower)
    if serializer is None:
        return {"object": obj._meta.model_name, "id": obj.pk}
    return serializer(obj)  # fields only: emitting must not cost a query per saved row


def emit(event_type: str, obj: Model | dict, country=None) -> None:
    """Announce ``event_type`` about ``obj`` in ``country`` (a Country, its id, or None for HQ).

    Safe to call inside any transaction; nothing is sent if it rolls back.
    """
    EventType(event_type)  # an unknown event type is a programming error: fail loudly here
    country_id = getattr(country, "pk", country)
    payload = {"type": event_type, "created_at": timezone.now().isoformat(), "data": event_data(obj)}
    # robust: a broker hiccup after commit must not turn the user's saved change into an error.
    transaction.on_commit(functools.partial(_dispatch, event_type, country_id, payload), robust=True)


def _dispatch(event_type: str, country_id: int | None, payload: dict) -> None:
    from locales.models import Country

    from .services import create_deliveries, subscriptions_for
    from .tasks import deliver_webhook

    subscriptions = subscriptions_for(event_type, country_id)
    if not subscriptions:
        return
    code = None
    if country_id is not None:
        code = Country.objects.filter(pk=country_id).values_list("code", flat=True).first()
    payload = {**payload, "country": code, "data": {**payload["data"], "country": code}}
    for delivery in create_deliveries(subscriptions, event_type, country_id, payload):
        try:
            deliver_webhook.delay(delivery.pk)
        except Exception:  # the row is queued: the one-minute sweep hands it out later
            log.exception("Could not queue webhook delivery %s", delivery.pk)
