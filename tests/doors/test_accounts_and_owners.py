"""Three refusals every door gives alike:

* ``influencers.services`` (``influencer_save``, ``platform_account_delete``): an account with
  follower history is the creator's growth; it cannot be removed;
* ``influencers.services`` (``influencer_save``, ``platform_account_save``): a handle is registered
  once per platform, in any country, whatever its case or @ (the account's unique constraint,
  said on the handle by ``ConstraintsOnFields``);
* ``locales.services.government_contact_save``: a contact's relationship owner is on the
  country's team (the forms offer only them; the service says no to anyone else).
"""

from __future__ import annotations

import pytest

from influencers.models import PlatformAccount
from tests import factories as f
from tests.races import lose_the_race

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


# --- a handle taken on its platform --------------------------------------------------------------
HANDLE_TAKEN = "This handle is already registered on this platform."


def _add_row(data: dict, prefix: str, **fields) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    data.update({f"{prefix}-{index}-{name}": [value] for name, value in fields.items()})
    return data


def handle_by_portal(doors, influencer, handle):
    url = f"/influencers/{influencer.pk}/edit/"
    data = form_data(doors.portal.get(url).content.decode(), css_class="card")
    blank = next(k for k, v in data.items() if k.startswith("accounts-") and k.endswith("-handle") and v == [""])
    index = blank.split("-")[1]
    data[f"accounts-{index}-platform"], data[f"accounts-{index}-handle"] = ["youtube"], [handle]
    response = doors.portal.post(url, data)
    return response.context["formset"].forms[int(index)].errors if response.status_code != 302 else None


def handle_by_api(doors, influencer, handle):
    payload = {"influencer": influencer.pk, "platform": "youtube", "handle": handle}
    response = doors.api.post("/api/v1/platform-accounts/", payload, format="json")
    return response.json()["errors"] if response.status_code == 400 else None


def handle_by_api_with_its_influencer(doors, influencer, handle):
    payload = {"country": doors.country.code, "name": "Nate", "accounts": [{"platform": "youtube", "handle": handle}]}
    response = doors.api.post("/api/v1/influencers/", payload, format="json")
    errors = response.json()["errors"] if response.status_code == 400 else None
    return errors and {key.removeprefix("accounts[0]."): value for key, value in errors.items()}


def handle_by_admin(doors, influencer, handle):
    fields = {"influencer": str(influencer.pk), "platform": "youtube", "handle": handle}
    response = admin_post(doors.admin, "/admin/influencers/platformaccount/add/", **fields)
    return response.context["adminform"].form.errors if response.status_code == 200 else None


def handle_by_admin_inline(doors, influencer, handle):
    url = f"/admin/influencers/influencer/{influencer.pk}/change/"
    data = _add_row(admin_form(doors.admin, url), "accounts", platform="youtube", handle=handle)
    response = doors.admin.post(url, {**data, "_save": ["Save"]})
    if response.status_code != 200:
        return None
    accounts = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "accounts")
    return next((form.errors for form in accounts.formset.forms if form.errors), {"form": accounts.formset.errors})


HANDLE = {
    "portal": handle_by_portal,
    "api": handle_by_api,
    "api with its influencer": handle_by_api_with_its_influencer,
    "admin": handle_by_admin,
    "admin inline": handle_by_admin_inline,
}


@pytest.mark.parametrize("door", HANDLE)
def test_a_handle_taken_in_another_country_is_refused_on_the_handle_whichever_door(doors, door):
    f.PlatformAccountFactory(influencer__country=f.CountryFactory(code="TH"), platform="youtube", handle="natemee")
    influencer = f.InfluencerFactory(country=doors.country)
    errors = HANDLE[door](doors, influencer, "@NateMee")
    assert errors and list(errors.get("handle", ())) == [HANDLE_TAKEN], errors
    assert not PlatformAccount.objects.filter(handle="NateMee").exists()


def test_a_writer_that_loses_the_race_for_a_handle_gets_the_same_field_error(doors, monkeypatch):
    from django.core.exceptions import ValidationError

    from influencers.services import platform_account_save

    f.PlatformAccountFactory(influencer__country=doors.country, platform="youtube", handle="natemee")
    checks = lose_the_race(monkeypatch, PlatformAccount, "handle")
    account = PlatformAccount(
        influencer=f.InfluencerFactory(country=doors.country), platform="youtube", handle="@NATEMEE"
    )
    with pytest.raises(ValidationError) as refused:
        platform_account_save(account)
    assert refused.value.message_dict == {"handle": [HANDLE_TAKEN]}
    assert checks == ["NATEMEE", "NATEMEE"]


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
