"""Personal data: export what we hold on a person, erase it on request, keep the numbers."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from challenges.models import ChallengeParticipation
from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from locales.models import GovernmentContact, GovernmentInteraction
from notifications.models import Notification
from opsportal.access import access_for_user
from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.history import record_history
from opsportal.models import AuditEntry
from privacy.services import personal_data_erase, personal_data_export

from .world import ID_GOV_MARK, ID_MARK

pytestmark = pytest.mark.urls("tests.security.urls")


def _history_text(obj) -> str:
    return json.dumps(list(type(obj).history.filter(id=obj.pk).values()), default=str)


def test_export_holds_everything_about_the_influencer(world, roles):
    influencer = world.objects["ID"]["influencer"]
    data = personal_data_export(influencer, access_for_user(roles["id_operator"]))
    json.dumps(data)  # plain JSON
    assert data["kind"] == "influencer" and data["record"]["name"] == f"Creator ID {ID_MARK}"
    assert data["record"]["email"] == "c-ID@example.com"
    assert data["platform_accounts"][0]["handle"] == world.objects["ID"]["platformaccount"].handle
    assert data["platform_accounts"][0]["follower_history"] == [{"date": "2026-11-01", "followers": 1000}]
    assert data["outreach"][0]["summary"] == f"Met {ID_MARK}"
    assert data["events"][0]["notes"] == f"guest {ID_MARK}" and data["challenges"]
    assert data["history"][-1]["action"] == "created"
    assert AuditEntry.objects.filter(action="personal_data.export", object_id=str(influencer.pk)).exists()


def test_export_of_a_contact_needs_government_rights(world, roles):
    contact = world.objects["ID"]["governmentcontact"]
    data = personal_data_export(contact, access_for_user(roles["id_gr"]))
    assert data["record"]["person_name"] == f"Official ID {ID_GOV_MARK}"
    assert data["interactions"][0]["summary"] == f"Minister meeting {ID_GOV_MARK}"
    with pytest.raises(Http404):
        personal_data_export(contact, access_for_user(roles["id_operator"]))
    with pytest.raises(Http404):
        personal_data_export(world.objects["TH"]["influencer"], access_for_user(roles["id_operator"]))
    with pytest.raises(PermissionDenied):
        personal_data_export(world.objects["ID"]["influencer"], access_for_user(roles["id_viewer"]))


def test_erasing_an_influencer_anonymises_live_rows_history_and_mentions(world, roles):
    influencer = world.objects["ID"]["influencer"]
    account = world.objects["ID"]["platformaccount"]
    with audit_context(Door.PORTAL, user=roles["id_operator"]):
        influencer.phone = "+62 811 000"
        influencer.save()
    Notification.objects.create(
        recipient=roles["id_operator"], kind="follow_up", title=f"Follow up with Creator ID {ID_MARK}", body="today"
    )
    snapshots = FollowerSnapshot.objects.count()

    with audit_context(Door.PORTAL, user=roles["id_operator"]):
        personal_data_erase(influencer, access_for_user(roles["id_operator"]), reason="request #42")

    influencer.refresh_from_db()
    account.refresh_from_db()
    assert influencer.name == f"Erased influencer #{influencer.pk}" and influencer.erased_at is not None
    assert (influencer.email, influencer.phone, influencer.notes, influencer.local_name) == ("", "", "", "")
    assert account.handle == f"erased-{account.pk}" and account.url == ""
    assert influencer.interactions.get().summary == "[erased]"
    assert influencer.event_guests.get().notes == ""
    for obj in (influencer, account, influencer.interactions.get(), influencer.event_guests.get()):
        assert ID_MARK not in _history_text(obj), obj
    assert "+62" not in _history_text(influencer)
    assert ID_MARK not in Notification.objects.get().title
    # The numbers stay whole.
    assert FollowerSnapshot.objects.count() == snapshots and PlatformAccount.objects.filter(pk=account.pk).exists()
    assert ChallengeParticipation.objects.filter(influencer=influencer).count() == 1
    assert Influencer.objects.count() == 2
    entry = AuditEntry.objects.get(action="personal_data.erase")
    assert (entry.user, entry.country, entry.details["reason"]) == (roles["id_operator"], world.id, "request #42")
    # Its page still shows a (scrubbed) history, with the erasure in it.
    history = record_history(influencer, access_for_user(roles["id_lead"]))
    assert history[0].action == "personal_data.erase"
    assert all(ID_MARK not in str(c.old) + str(c.new) for e in history for c in e.changes)
    # Erasing again changes nothing more.
    personal_data_erase(influencer, access_for_user(roles["id_operator"]))
    influencer.refresh_from_db()
    assert influencer.name == f"Erased influencer #{influencer.pk}"


def test_erasing_a_contact_keeps_the_meetings_but_not_the_name(world, roles):
    contact = world.objects["ID"]["governmentcontact"]
    interaction = world.objects["ID"]["governmentinteraction"]
    GovernmentInteraction.objects.filter(pk=interaction.pk).update(
        summary=f"Met Official ID {ID_GOV_MARK} at the ministry"
    )
    with pytest.raises(Http404):  # a viewer does not even see government contacts
        personal_data_erase(contact, access_for_user(roles["id_viewer"]))
    personal_data_erase(contact, access_for_user(roles["id_gr"]))
    contact.refresh_from_db()
    interaction.refresh_from_db()
    assert contact.person_name == f"Erased contact #{contact.pk}" and contact.organization
    assert (contact.email, contact.phone, contact.channels, contact.notes) == ("", "", "", "")
    assert interaction.summary == f"Met Erased contact #{contact.pk} at the ministry"
    assert ID_GOV_MARK not in _history_text(contact)
    assert GovernmentContact.objects.count() == 2 and GovernmentInteraction.objects.count() == 2


def test_privacy_pages(world, roles, client):
    influencer = world.objects["ID"]["influencer"]
    client.force_login(roles["id_viewer"])
    assert client.get(f"/privacy/influencer/{influencer.pk}/export/").status_code == 403
    assert client.post(f"/privacy/influencer/{influencer.pk}/erase/", {"confirm": "ERASE"}).status_code == 403
    client.force_login(roles["th_operator"])
    assert client.get(f"/privacy/influencer/{influencer.pk}/export/").status_code == 404
    client.force_login(roles["id_operator"])
    assert client.get(f"/privacy/contact/{world.objects['ID']['governmentcontact'].pk}/export/").status_code == 404
    assert client.get(f"/privacy/nonsense/{influencer.pk}/export/").status_code == 404
    response = client.get(f"/privacy/influencer/{influencer.pk}/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["record"]["name"] == f"Creator ID {ID_MARK}"
    assert client.get(f"/privacy/influencer/{influencer.pk}/erase/").status_code == 200
    assert client.post(f"/privacy/influencer/{influencer.pk}/erase/", {"confirm": "no"}).status_code == 400
    response = client.post(f"/privacy/influencer/{influencer.pk}/erase/", {"confirm": "erase"})
    assert response.status_code == 302
    influencer.refresh_from_db()
    assert influencer.erased_at is not None
