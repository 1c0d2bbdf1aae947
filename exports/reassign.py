"""Handing a leaver's work to a colleague in one step (the other half of the handover pack).

A roof-level service: it reads across influencers, events and government relations of one
country. Every moved record is saved one by one, so each gets its own history row with the
door and the person who did it; one batch entry on the country says what moved as a whole.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from events.models import EventTask
from influencers.models import Influencer, InfluencerInteraction
from locales.models import GovernmentCommitment, RegulatorRequest, TeamMembership
from locales.models.government import CommitmentStatus
from locales.models.requests import RequestStatus
from opsportal import l10n
from opsportal.access import Access, Perm, in_country
from opsportal.audit import record_batch
from opsportal.references import may_hold


@dataclass
class Reassigned:
    influencers: int = 0
    follow_ups: int = 0
    tasks: int = 0
    commitments: int = 0
    requests: int = 0

    @property
    def total(self) -> int:
        return self.influencers + self.follow_ups + self.tasks + self.commitments + self.requests


def leaver_records(country, leaver, *, government: bool, everyone: bool = False) -> dict[str, QuerySet]:
    """What is still in the leaver's hands in this country: creators they own, follow-ups they
    promised and have not done, open checklist items, open commitments and the open regulator
    requests they handle (government roles only).
    ``everyone``: the same records whoever holds them (for the page's summary)."""

    def mine(field):
        return {} if everyone else {field: leaver}

    records = {
        "influencers": in_country(Influencer.objects.all(), country).filter(
            erased_at__isnull=True, **mine("relationship_owner")
        ),
        "follow_ups": in_country(InfluencerInteraction.objects.all(), country).filter(
            follow_up_done=False, next_follow_up_on__isnull=False, **mine("owner")
        ),
        "tasks": in_country(EventTask.objects.all(), country).filter(done_at__isnull=True, **mine("assignee")),
        "commitments": GovernmentCommitment.objects.none(),
        "requests": RegulatorRequest.objects.none(),
    }
    if government:
        records["commitments"] = in_country(GovernmentCommitment.objects.all(), country).filter(
            status=CommitmentStatus.OPEN, **mine("owner")
        )
        records["requests"] = in_country(RegulatorRequest.objects.all(), country).filter(
            status__in=RequestStatus.open_values(), **mine("handler")
        )
    return records


def holdings(country, *, government: bool) -> list[tuple]:
    """(person, {kind: count}) for everyone holding something in the country, most first: one
    grouped query per kind of record and one for the people, whatever their number."""
    fields = {
        "influencers": ("influencers", "relationship_owner"),
        "follow_ups": ("follow_ups", "owner"),
        "tasks": ("tasks", "assignee"),
        "commitments": ("commitments", "owner"),
        "requests": ("requests", "handler"),
    }
    counts: dict[int, dict[str, int]] = {}
    for kind, (_name, field) in fields.items():
        if kind in ("commitments", "requests") and not government:
            continue
        queryset = leaver_records(country, None, government=government, everyone=True)[kind]
        for row in queryset.filter(**{f"{field}__isnull": False}).values(field).annotate(n=Count("pk")).order_by():
            counts.setdefault(row[field], dict.fromkeys(fields, 0))[kind] = row["n"]
    people = get_user_model().objects.in_bulk(list(counts))
    rows = [(people[pk], held) for pk, held in counts.items() if pk in people]
    return sorted(rows, key=lambda row: (-sum(row[1].values()), l10n.person(row[0])))


def possible_leavers(country) -> QuerySet:
    """People who hold something in the country, whether or not they are still on its team."""
    holders = (
        Q(pk__in=in_country(TeamMembership.objects.all(), country).values("user"))
        | Q(pk__in=in_country(Influencer.objects.all(), country).values("relationship_owner"))
        | Q(pk__in=in_country(EventTask.objects.all(), country).values("assignee"))
        | Q(pk__in=in_country(GovernmentCommitment.objects.all(), country).values("owner"))
        | Q(pk__in=in_country(RegulatorRequest.objects.all(), country).values("handler"))
    )
    return get_user_model().objects.filter(holders).order_by("first_name", "username")


@transaction.atomic
def handover_reassign(country, *, leaver, successor, access: Access, by=None) -> Reassigned:
    """Give the leaver's influencers, open follow-ups, open event tasks, open government
    commitments and open regulator requests in ``country`` to ``successor``, all or nothing.

    Only for someone with ``Perm.TEAM_HANDOVER`` there (leads, administrators); commitments move
    (and requests) only when the caller may edit government relations, and then only to a successor who may hold
    them (a government-relations role). The successor must be an active member of the team.
    """
    if not access.can(Perm.TEAM_HANDOVER, country.pk):
        raise PermissionDenied
    if leaver is None or successor is None:
        raise ValidationError({"successor": _("Choose who leaves and who takes over.")})
    if leaver.pk == successor.pk:
        raise ValidationError({"successor": _("Choose someone other than the person leaving.")})
    if not may_hold(successor.pk, country.pk, Influencer):
        raise ValidationError({"successor": _("Choose an active member of this country's team who may edit.")})
    government = access.can(Perm.GOVERNMENT_EDIT, country.pk)
    records = leaver_records(country, leaver, government=government)
    if records["commitments"].exists() and not may_hold(successor.pk, country.pk, GovernmentCommitment):
        raise ValidationError(
            {"successor": _("The leaver has open government commitments: choose a government-relations colleague.")}
        )
    if records["requests"].exists() and not may_hold(successor.pk, country.pk, RegulatorRequest):
        raise ValidationError(
            {"successor": _("The leaver handles open regulator requests: choose a government-relations colleague.")}
        )
    moved = Reassigned()
    # One save per record (locked first): each gets a history row naming the door and the lead.
    for influencer in records["influencers"].select_for_update().order_by("pk"):
        influencer.relationship_owner = successor
        influencer.save(update_fields=["relationship_owner", "updated_at"])
        moved.influencers += 1
    for entry in records["follow_ups"].select_for_update().order_by("pk"):
        entry.owner = successor
        entry.save(update_fields=["owner", "updated_at"])
        moved.follow_ups += 1
    for task in records["tasks"].select_for_update().order_by("pk"):
        task.assignee = successor
        task.save(update_fields=["assignee", "updated_at"])
        moved.tasks += 1
    for commitment in records["commitments"].select_for_update().order_by("pk"):
        commitment.owner = successor
        commitment.save(update_fields=["owner", "updated_at"])
        moved.commitments += 1
    for regulator_request in records["requests"].select_for_update().order_by("pk"):
        regulator_request.handler = successor
        regulator_request.save(update_fields=["handler", "updated_at"])
        moved.requests += 1
    record_batch(
        "handover_reassign",
        get_user_model(),
        summary=_("%(leaver)s's work handed to %(successor)s: %(n)d records")
        % {"leaver": l10n.person(leaver), "successor": l10n.person(successor), "n": moved.total},
        country=country.pk,
        object_id=leaver.pk,
        details={**asdict(moved), "leaver": leaver.username, "successor": successor.username},
    )
    return moved
