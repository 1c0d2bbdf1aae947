"""The access rules themselves: one module decides, every door asks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from events.models import Event, EventTask
from locales.models import GovernmentContact, HQAccess
from opsportal.access import Access, Perm, access_for_token, access_for_user, get_scoped_or_404, require_edit
from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.models import AuditEntry
from tests import factories as fac


def test_roles_map_to_permissions_per_country(world, roles):
    lead = access_for_user(roles["id_lead"])
    assert lead.can(Perm.GOVERNMENT_EDIT, world.id.pk) and lead.can_audit(world.id.pk)
    assert not lead.can(Perm.VIEW, world.th.pk)
    operator = access_for_user(roles["id_operator"])
    assert operator.can(Perm.EDIT, world.id.pk) and not operator.can(Perm.GOVERNMENT_VIEW)
    gr = access_for_user(roles["id_gr"])
    assert gr.can(Perm.GOVERNMENT_EDIT, world.id.pk) and not gr.can(Perm.EDIT, world.id.pk)
    viewer = access_for_user(roles["id_viewer"])
    assert viewer.can(Perm.VIEW, world.id.pk) and not viewer.can(Perm.EDIT)
    hq = access_for_user(roles["hq_viewer"])
    assert hq.country_ids() is None and not hq.can(Perm.EDIT) and not hq.can(Perm.GOVERNMENT_VIEW)
    assert access_for_user(roles["superuser"]).country_ids(Perm.GOVERNMENT_EDIT, Perm.AUDIT_VIEW) is None


def test_hq_sees_government_contacts_only_when_granted(world):
    granted = fac.UserFactory(username="hq-gov")
    fac.StaffProfileFactory(user=granted, hq_access=HQAccess.VIEWER_GOVERNMENT)
    access = access_for_user(granted)
    assert access.scope(GovernmentContact.objects.all()).count() == 2
    assert not access.can(Perm.GOVERNMENT_EDIT) and not access.can_audit()


def test_country_ids_of_several_permissions_is_their_intersection(world):
    access = Access(
        by_country={world.id.pk: frozenset({Perm.VIEW, Perm.AUDIT_VIEW}), world.th.pk: frozenset({Perm.VIEW})}
    )
    assert access.country_ids(Perm.VIEW) == {world.id.pk, world.th.pk}
    assert access.country_ids(Perm.VIEW, Perm.AUDIT_VIEW) == {world.id.pk}
    assert access.country_ids(Perm.AUDIT_VIEW, Perm.GOVERNMENT_VIEW) == set()


def test_tokens_hold_their_countries_and_scopes_only(world, tokens, expired_token):
    read = access_for_token(tokens["read"][0])
    assert read.can(Perm.VIEW, world.id.pk) and not read.can(Perm.EDIT) and not read.can(Perm.VIEW, world.th.pk)
    assert access_for_token(tokens["write"][0]).can(Perm.EDIT, world.id.pk)
    gov = access_for_token(tokens["government"][0])
    assert gov.can(Perm.GOVERNMENT_VIEW, world.id.pk) and not gov.can(Perm.GOVERNMENT_EDIT)
    assert not any(access_for_token(t).can_audit() for t, _ in tokens.values())
    assert access_for_token(expired_token[0]).is_anonymous


def test_another_countrys_record_is_404_and_a_read_only_write_403(world, roles):
    operator = access_for_user(roles["id_operator"])
    th_event = world.objects["TH"]["event"]
    with pytest.raises(Http404):
        get_scoped_or_404(operator, Event.objects.all(), pk=th_event.pk)
    with pytest.raises(Http404):
        require_edit(operator, th_event)
    with pytest.raises(Http404):
        require_edit(operator, world.objects["ID"]["governmentcontact"])
    with pytest.raises(PermissionDenied):
        require_edit(access_for_user(roles["id_viewer"]), world.objects["ID"]["event"])
    require_edit(operator, world.objects["ID"]["event"])


def test_history_stays_with_its_country_after_the_parent_is_deleted(world, roles):
    task = world.objects["TH"]["eventtask"]
    event = task.event
    with audit_context(Door.COMMAND):
        event.guests.all().delete()
        event.event_partners.all().delete()
        event.delete()
    assert not EventTask.objects.filter(pk=task.pk).exists()
    history = EventTask.history.model.objects.filter(id=task.pk)
    th_lead = Access(by_country={world.th.pk: frozenset({Perm.VIEW, Perm.AUDIT_VIEW})})
    id_lead = access_for_user(roles["id_lead"])
    assert th_lead.scope_history(history, Perm.AUDIT_VIEW).count() == 2  # created, deleted
    assert id_lead.scope_history(history, Perm.AUDIT_VIEW).count() == 0


def test_government_history_needs_the_government_permission(world, roles):
    history = GovernmentContact.history.model.objects.all()
    assert access_for_user(roles["id_lead"]).scope_history(history, Perm.AUDIT_VIEW).count() == 1
    auditor = Access(by_country={world.id.pk: frozenset({Perm.VIEW, Perm.AUDIT_VIEW})})
    assert auditor.scope_history(history, Perm.AUDIT_VIEW).count() == 0


def test_batch_entries_are_scoped_by_country_and_government(world, roles):
    with audit_context(Door.COMMAND):
        from opsportal.audit import record_batch

        record_batch("import", "influencers.influencer", summary="id", country=world.id)
        record_batch("import", "influencers.influencer", summary="th", country=world.th)
        record_batch("import", "locales.governmentcontact", summary="id gov", country=world.id)
        record_batch("sessions.ended", "auth.user", summary="no country")
    entries = AuditEntry.objects.all()

    def summaries(access):
        return sorted(access.scope_audit_entries(entries).values_list("summary", flat=True))

    assert summaries(access_for_user(roles["id_lead"])) == ["id", "id gov"]
    assert summaries(Access(by_country={world.id.pk: frozenset({Perm.AUDIT_VIEW})})) == ["id"]
    assert summaries(access_for_user(roles["id_operator"])) == []
    assert summaries(access_for_user(roles["superuser"])) == ["id", "id gov", "no country", "th"]
