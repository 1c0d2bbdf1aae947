"""Two refusals every door gives alike:

* ``influencers.services`` (``influencer_save``, ``platform_account_delete``): an account with
  follower history is the creator's growth; it cannot be removed;
* ``locales.services.government_contact_save``: a contact's relationship owner is on the
  country's team (the forms offer only them; the service says no to anyone else).
"""

from __future__ import annotations

import pytest

from influencers.models import PlatformAccount
from tests import factories as f

from .forms import admin_form, admin_post, form_data

pytestmark = pytest.mark.django_db


# --- an account with follower history ------------------------------------------------------------
def _delete_row(data: dict, prefix: str, pk: int) -> dict:
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith(f"{prefix}-") and key.endswith("-id") and value == [str(pk)]
    )
    data[f"{prefix}-{index}-DELETE"] = ["on"]
    return data


def remove_by_portal(doors, account):
    url = f"/influencers/{account.influencer_id}/edit/"
    data = _delete_row(form_data(doors.portal.get(url).content.decode(), css_class="card"), "accounts", account.pk)
    response = doors.portal.post(url, data)
    return response.status_code != 302 and response.context["form"].errors


def remove_by_api(doors, account):
    response = doors.api.delete(f"/api/v1/platform-accounts/{account.pk}/")
    return response.status_code >= 400 and response.json()


def remove_by_admin_inline(doors, account):
    url = f"/admin/influencers/influencer/{account.influencer_id}/change/"
    data = _delete_row(admin_form(doors.admin, url), "accounts", account.pk)
    response = doors.admin.post(url, {**data, "_save": ["Save"]})
    # Django's inline refuses a row with protected history; the service would say no after it.
    return response.status_code == 200 and list(response.context["errors"])


def remove_by_admin(doors, account):
    url = f"/admin/influencers/platformaccount/{account.pk}/delete/"
    response = doors.admin.post(url, {"post": "yes"}, follow=True)
    return [str(m) for m in response.context["messages"]] or response.context.get("protected")


REMOVE = {
    "portal": remove_by_portal,
    "api": remove_by_api,
    "admin inline": remove_by_admin_inline,
    "admin": remove_by_admin,
}


@pytest.mark.parametrize("door", REMOVE)
def test_an_account_with_follower_history_stays_whichever_door(doors, door):
    account = f.PlatformAccountFactory(influencer__country=doors.country, platform="youtube", handle="keepme")
    f.FollowerSnapshotFactory(account=account, followers=5_700)
    assert REMOVE[door](doors, account), f"the {door} did not say why the account stays"
    assert PlatformAccount.objects.filter(pk=account.pk).exists()


# --- a contact's relationship owner ------------------------------------------------------------
def owner_by_portal(doors, contact, person):
    url = f"/government/contacts/{contact.pk}/edit/"
    data = form_data(doors.portal.get(url).content.decode(), css_class="card")
    data["relationship_owner"] = [str(person.pk)]
    return doors.portal.post(url, data).status_code == 400


def owner_by_api(doors, contact, person):
    url = f"/api/v1/government-contacts/{contact.pk}/"
    return doors.api.patch(url, {"relationship_owner": person.username}, format="json").status_code == 400


def owner_by_admin(doors, contact, person):
    url = f"/admin/locales/governmentcontact/{contact.pk}/change/"
    response = admin_post(doors.admin, url, relationship_owner=str(person.pk))
    return response.status_code == 200 and "relationship_owner" in response.context["adminform"].form.errors


OWNER = {"portal": owner_by_portal, "api": owner_by_api, "admin": owner_by_admin}


@pytest.mark.parametrize("door", OWNER)
def test_a_contacts_owner_from_another_team_is_refused_whichever_door(doors, door, th_operator):
    contact = f.GovernmentContactFactory(country=doors.country, relationship_owner=doors.lead)
    assert OWNER[door](doors, contact, th_operator), f"the {door} gave the contact an owner off the team"
    contact.refresh_from_db()
    assert contact.relationship_owner == doors.lead
