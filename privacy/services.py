"""Personal data: what we hold on a creator or a government contact, and erasing it on request.

``personal_data_export(subject, access)`` gathers everything held on an ``Influencer`` or a
``GovernmentContact`` as JSON-ready data. ``personal_data_erase(subject, access)`` anonymises
it in place: names become "Erased influencer #12", contact details and notes are blanked,
handles replaced, and the same fields are scrubbed in the audit trail's history rows, so
nothing personal survives in a past version. Nothing is deleted: counts, follower and metric
snapshots, participations and guest lists stay, so trends and reports remain whole.

Both need the right to edit the subject (``Access.can_edit``); both leave an ``AuditEntry``.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, Model, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from opsportal.access import Access, require_edit
from opsportal.audit import record_batch
from opsportal.history import history_model, record_history

# Stored, not shown through gettext: the placeholder is data, the same in every language.
ERASED_TEXT = "[erased]"
INFLUENCER_PLACEHOLDER = "Erased influencer #{pk}"
CONTACT_PLACEHOLDER = "Erased contact #{pk}"
MIN_MENTION_LENGTH = 3  # shorter names would blank unrelated words


def _subject_kind(subject: Model) -> str:
    label = subject._meta.label_lower
    if label == "influencers.influencer":
        return "influencer"
    if label == "locales.governmentcontact":
        return "government_contact"
    raise TypeError(f"No personal-data rules for {label}.")


# --- export ------------------------------------------------------------------------------
def personal_data_export(subject: Model, access: Access) -> dict[str, Any]:
    """Everything held on ``subject`` as plain JSON-ready data, and an audit entry saying so.

    Raises Http404 when ``access`` cannot see the subject, PermissionDenied when read-only.
    """
    require_edit(access, subject)
    kind = _subject_kind(subject)
    data: dict[str, Any] = {
        "kind": kind,
        "id": subject.pk,
        "exported_at": timezone.now().isoformat(),
        "record": _fields(subject, exclude={"id", "country", "relationship_owner", "created_by"}),
        "country": subject.country.code,
    }
    if kind == "influencer":
        data.update(_influencer_related(subject))
    else:
        data.update(_contact_related(subject))
    data["history"] = [
        {
            "at": e.at.isoformat(),
            "action": e.action,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
        }
        for e in record_history(subject, access)
    ]
    record_batch(
        "personal_data.export",
        subject,
        object_id=subject.pk,
        country=subject.country,
        summary=f"Personal data exported ({kind} #{subject.pk})",
    )
    return data


def _fields(obj: Model, exclude: set[str] = frozenset()) -> dict[str, Any]:
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(obj, f.attname)
        out[f.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _influencer_related(influencer) -> dict[str, Any]:
    accounts = []
    for account in influencer.accounts.prefetch_related("snapshots"):
        entry = _fields(account, exclude={"id", "influencer", "created_by"})
        entry["follower_history"] = [
            {"date": s.date.isoformat(), "followers": s.followers} for s in account.snapshots.all()
        ]
        accounts.append(entry)
    related = {"id", "challenge", "event", "influencer", "created_by"}
    return {
        "categories": list(influencer.categories.values_list("name", flat=True)),
        "platform_accounts": accounts,
        "outreach": [
            _fields(i, exclude={"id", "influencer", "owner", "created_by"}) for i in influencer.interactions.all()
        ],
        "challenges": [
            {
                "challenge": f"#{p.challenge.hashtag}",
                **_fields(p, exclude={"id", "challenge", "influencer", "created_by"}),
            }
            for p in influencer.participations.select_related("challenge")
        ],
        "events": [
            {"event": g.event.name, **_fields(g, exclude=related)}
            for g in influencer.event_guests.select_related("event")
        ],
    }


def _contact_related(contact) -> dict[str, Any]:
    return {
        "interactions": [
            _fields(i, exclude={"id", "country", "contact", "incident", "owner", "created_by"})
            for i in contact.interactions.all()
        ],
        "commitments": [
            _fields(c, exclude={"id", "country", "contact", "incident", "owner", "created_by"})
            for c in contact.commitments.all()
        ],
    }


# --- erasure -----------------------------------------------------------------------------
@transaction.atomic
def personal_data_erase(subject: Model, access: Access, *, reason: str = "") -> Model:
    """Anonymise ``subject`` in place, in its history and in related free text; idempotent.

    Raises Http404 when ``access`` cannot see the subject, PermissionDenied when read-only.
    The live rows are changed with ``update()`` so no new history row re-records personal
    data; one ``AuditEntry`` names the erasure instead.
    """
    require_edit(access, subject)
    kind = _subject_kind(subject)
    names = _mentions(subject)
    if kind == "influencer":
        from influencers.services import check_not_shared_home

        # Its accounts are the shared profile other teams read: refused (ValidationError).
        check_not_shared_home(subject)
        placeholder = INFLUENCER_PLACEHOLDER.format(pk=subject.pk)
        fields = _erase_influencer(subject, placeholder)
    else:
        placeholder = CONTACT_PLACEHOLDER.format(pk=subject.pk)
        fields = _erase_contact(subject, placeholder, names)
    _redact_elsewhere(names, placeholder)
    record_batch(
        "personal_data.erase",
        subject,
        object_id=subject.pk,
        country=subject.country,
        summary=f"Personal data erased ({kind} #{subject.pk})",
        details={"fields": fields, "reason": reason[:500]},
    )
    subject.refresh_from_db()
    return subject


def _scrub(model, queryset_filter: dict, values: dict) -> None:
    """The same values on the live rows and on every history row of those records."""
    live = model._default_manager.filter(**queryset_filter)
    ids = list(live.values_list("pk", flat=True))
    live.update(**values)
    if ids and getattr(model._meta, "simple_history_manager_attribute", None):
        history_model(model).objects.filter(id__in=ids).update(**values)


def _erase_influencer(influencer, placeholder: str) -> list[str]:
    from challenges.models import ChallengeParticipation
    from events.models import EventGuest
    from influencers.models import Influencer, InfluencerInteraction, PlatformAccount

    personal = {"name": placeholder, "local_name": "", "email": "", "phone": "", "city": "", "notes": ""}
    _scrub(Influencer, {"pk": influencer.pk}, personal)
    Influencer.objects.filter(pk=influencer.pk, erased_at__isnull=True).update(erased_at=timezone.now())
    # Handles are unique per platform: "erased-<account id>" keeps them so.
    handle = Concat(Value("erased-"), Cast(F("id"), CharField()))
    _scrub(PlatformAccount, {"influencer": influencer}, {"handle": handle, "url": ""})
    _scrub(InfluencerInteraction, {"influencer": influencer}, {"summary": ERASED_TEXT})
    _scrub(ChallengeParticipation, {"influencer": influencer}, {"video_url": ""})
    _scrub(EventGuest, {"influencer": influencer}, {"notes": ""})
    return [
        *personal,
        "accounts.handle",
        "accounts.url",
        "outreach.summary",
        "participations.video_url",
        "event_guests.notes",
    ]


def _erase_contact(contact, placeholder: str, names: list[str]) -> list[str]:
    from locales.models import GovernmentContact, GovernmentInteraction

    personal = {
        "person_name": placeholder,
        "local_name": "",
        "email": "",
        "phone": "",
        "channels": "",
        "notes": "",
    }
    _scrub(GovernmentContact, {"pk": contact.pk}, personal)
    # Meeting notes belong to the institution's record; only the person's name goes.
    interactions = GovernmentInteraction.objects.filter(contact=contact)
    ids = list(interactions.values_list("pk", flat=True))
    for model in (GovernmentInteraction, history_model(GovernmentInteraction)):
        rows = model._default_manager.filter(id__in=ids) if ids else model._default_manager.none()
        _redact_rows(rows, ("summary", "outcome"), names, placeholder)
    return [*personal, "interactions.summary (name)", "interactions.outcome (name)"]


def _mentions(subject) -> list[str]:
    """The strings that identify the person in free text: names and handles, longest first."""
    if _subject_kind(subject) == "influencer":
        found = [subject.name, subject.local_name]
        found += [f"@{h}" for h in subject.accounts.values_list("handle", flat=True)]
    else:
        found = [subject.person_name, subject.local_name]
    erased = ("Erased influencer #", "Erased contact #", "@erased-")
    found = {s.strip() for s in found if s and len(s.strip()) >= MIN_MENTION_LENGTH}
    return sorted((s for s in found if not s.startswith(erased)), key=len, reverse=True)


def _redact(text: str, names: list[str], placeholder: str) -> str:
    for name in names:
        text = re.sub(re.escape(name), placeholder, text, flags=re.IGNORECASE)
    return text


def _redact_rows(rows, fields: tuple[str, ...], names: list[str], placeholder: str) -> None:
    if not names:
        return
    for row in rows.only("pk", *fields):
        values = {f: _redact(getattr(row, f) or "", names, placeholder) for f in fields}
        if any(values[f] != (getattr(row, f) or "") for f in fields):
            type(row)._default_manager.filter(pk=row.pk).update(**values)


def _redact_json(value, names: list[str], placeholder: str):
    if isinstance(value, str):
        return _redact(value, names, placeholder)
    if isinstance(value, list):
        return [_redact_json(v, names, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _redact_json(v, names, placeholder) for k, v in value.items()}
    return value


def _redact_elsewhere(names: list[str], placeholder: str) -> None:
    """Notifications, reminder payloads and kept weekly reports that name the person."""
    from django.db.models import Q

    from notifications.models import Notification
    from opsportal.models import ReminderDelivery
    from reports.models import WeeklyReport

    if not names:
        return
    mention = Q()
    for name in names:
        mention |= Q(title__icontains=name) | Q(body__icontains=name)
    _redact_rows(Notification.objects.filter(mention), ("title", "body"), names, placeholder)
    for model, field in ((ReminderDelivery, "payload"), (WeeklyReport, "data")):
        mention = Q()
        for name in names:
            mention |= Q(**{f"{field}__icontains": name})
        for row in model.objects.filter(mention).only("pk", field):
            cleaned = _redact_json(getattr(row, field), names, placeholder)
            model.objects.filter(pk=row.pk).update(**{field: cleaned})
