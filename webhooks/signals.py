"""Turn record changes into webhook events: a status that *moved* is an event, a save is not.

The value a record was loaded with is remembered at ``post_init`` (read from ``__dict__`` so a
deferred field is never fetched), and compared at ``post_save``. Bulk writes (imports, queryset
updates) bypass signals and emit nothing.

The newer records announce themselves from their services instead (``agreements.signals``,
``locales.signals``: the domain may not import this app), so the event is the service's rule
whichever door called it; country goals, a feature app, call ``emit`` from ``goals.services``.
"""

from agreements import signals as agreement_signals
from challenges.models import Challenge
from challenges.models import Status as ChallengeStatus
from influencers.models import Influencer, Stage
from locales import signals as locale_signals
from locales.models import RegulatoryIncident
from locales.models.government import IncidentStatus

from .events import emit, event_data
from .models import EventType

# model -> (field watched, value that makes the event, event type)
WATCHED = {
    Challenge: ("status", ChallengeStatus.LIVE, EventType.CHALLENGE_WENT_LIVE),
    Influencer: ("stage", Stage.ONBOARDED, EventType.INFLUENCER_ONBOARDED),
}
_INITIAL = "_webhook_initial"


def remember_initial(sender, instance, **kwargs):
    field = WATCHED[sender][0]
    setattr(instance, _INITIAL, instance.__dict__.get(field))


def emit_on_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return  # loading fixtures is not something that happened
    field, value, event_type = WATCHED[sender]
    current = instance.__dict__.get(field)
    before = None if created else getattr(instance, _INITIAL, None)
    if current == value and before != value:
        emit(event_type, instance, instance.country_id)
    setattr(instance, _INITIAL, current)


def emit_incident_opened(sender, instance, created, raw=False, **kwargs):
    # An incident typed in after it was resolved is history, not news.
    if created and not raw and instance.status != IncidentStatus.RESOLVED:
        emit(EventType.INCIDENT_OPENED, instance, instance.country_id)


def emit_agreement_created(sender, agreement, **kwargs):
    emit(EventType.AGREEMENT_CREATED, agreement, agreement.country_id)


def emit_agreement_status_changed(sender, agreement, previous, **kwargs):
    emit(
        EventType.AGREEMENT_STATUS_CHANGED, {**event_data(agreement), "previous_status": previous}, agreement.country_id
    )


def emit_payment_paid(sender, payment, **kwargs):
    # The service loaded the payment's agreement (locked): its country costs no query.
    emit(EventType.PAYMENT_PAID, payment, payment.agreement.country_id)


def emit_request_received(sender, request, **kwargs):
    emit(EventType.REQUEST_RECEIVED, request, request.country_id)


def emit_request_closed(sender, request, previous=None, **kwargs):
    emit(EventType.REQUEST_CLOSED, {**event_data(request), "previous_status": previous}, request.country_id)


def connect() -> None:
    from django.db.models.signals import post_init, post_save

    for model in WATCHED:
        post_init.connect(remember_initial, sender=model, dispatch_uid=f"webhooks_init_{model._meta.label}")
        post_save.connect(emit_on_change, sender=model, dispatch_uid=f"webhooks_save_{model._meta.label}")
    post_save.connect(emit_incident_opened, sender=RegulatoryIncident, dispatch_uid="webhooks_incident_opened")
    agreement_signals.agreement_created.connect(emit_agreement_created, dispatch_uid="webhooks_agreement_created")
    agreement_signals.agreement_status_changed.connect(
        emit_agreement_status_changed, dispatch_uid="webhooks_agreement_status"
    )
    agreement_signals.payment_paid.connect(emit_payment_paid, dispatch_uid="webhooks_payment_paid")
    locale_signals.regulator_request_received.connect(emit_request_received, dispatch_uid="webhooks_request_received")
    locale_signals.regulator_request_closed.connect(emit_request_closed, dispatch_uid="webhooks_request_closed")
