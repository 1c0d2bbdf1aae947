"""Rules of government interactions and cultural moments, through every door that writes them
(portal, API, admin; no import writes these records). Each rule lives in ``locales.services``
or the model's ``clean()``, so every door refuses alike, on the same field, with the same words:

* a follow-up is not before the interaction, that day as the country counts it
  (``government_interaction_log`` / ``government_interaction_save``);
* an interaction stays in its country: a contact of another country is refused, not followed
  (``government_interaction_save``);
* an interaction's or commitment's incident is of its country (``government_interaction_log``,
  ``government_interaction_save``, ``commitment_save``; the doors hold no copy of it);
* a cultural moment's name is taken once per country, whatever its case (``cultural_moment_save``);
* an occurrence starts in its year (``CulturalMomentOccurrence.clean``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from locales.models import CulturalMoment, CulturalMomentOccurrence, GovernmentInteraction, Role
from locales.services import cultural_moment_save, government_interaction_log
from tests import factories as f
from tests.api.conftest import client_for, make_token
from tests.doors.conftest import Doors
from tests.doors.forms import add_inline_row, admin_form, admin_post, form_data, local_parts, portal_post
from tests.races import lose_the_race

pytestmark = pytest.mark.django_db

FOLLOW_UP_EARLY = "The follow-up cannot be before the interaction."
OTHER_COUNTRY = "The contact belongs to another country."
INCIDENT_ELSEWHERE = "The incident belongs to another country."
NAME_TAKEN = "This country already has a cultural moment with this name."
NOT_IN_YEAR = "The start is not in that year."
END_FIRST = "The end cannot be before the start."

# Just after midnight in Jakarta, still the day before in UTC: the follow-up is compared with
# the Indonesian day (3 November), not the UTC one (2 November).
MET = dt.datetime(2026, 11, 2, 17, 30, tzinfo=dt.UTC)
DAY_BEFORE = "2026-11-02"
SAME_DAY = "2026-11-03"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def doors(id_lead, indonesia) -> Doors:
    return Doors(id_lead, indonesia)


def portal_errors(response) -> dict:
    assert response.status_code == 400, response.status_code
    return response.context["form"].errors


def api_errors(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()["errors"]


def admin_errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


# --- a follow-up is not before the interaction ---------------------------------------------------
def log_by_portal(doors, contact, follow_up):
    local = MET.astimezone(contact.country.zone).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "meeting", "summary": "Met the minister", "occurred_at": local, "follow_up_on": follow_up}
    return portal_errors(doors.portal.post(f"/government/contacts/{contact.pk}/log/", data))


def log_by_api(doors, contact, follow_up):
    payload = {
        "contact": contact.pk,
        "kind": "meeting",
        "summary": "Met the minister",
        "occurred_at": "2026-11-03T00:30:00+07:00",
        "follow_up_on": follow_up,
    }
    return api_errors(doors.api.post("/api/v1/government-interactions/", payload, format="json"))


def _admin_when(contact) -> dict:
    day, time = local_parts(MET, contact.country.zone)
    return {"occurred_at_0": day, "occurred_at_1": time}


def log_by_admin(doors, contact, follow_up):
    fields = {"contact": str(contact.pk), "kind": "meeting", "summary": "Met the minister", "follow_up_on": follow_up}
    url = "/admin/locales/governmentinteraction/add/"
    return admin_errors(admin_post(doors.admin, url, **fields, **_admin_when(contact)))


def log_by_admin_inline(doors, contact, follow_up):
    url = f"/admin/locales/governmentcontact/{contact.pk}/change/"
    data = admin_form(doors.admin, url)
    fields = {"kind": "meeting", "summary": "Met the minister", "follow_up_on": follow_up, **_admin_when(contact)}
    add_inline_row(data, "interactions", **fields)
    response = doors.admin.post(url, {**data, "_save": ["Save"]})
    # An inline row's refusal is said on top of the page (opsportal.admin_writes.add_refusal).
    assert response.status_code == 200, response.status_code
    return {"follow_up_on": response.context["adminform"].form.non_field_errors()}


LOG = {"portal": log_by_portal, "api": log_by_api, "admin": log_by_admin, "admin inline": log_by_admin_inline}


@pytest.mark.parametrize("door", LOG)
def test_a_follow_up_before_the_meeting_is_refused_when_logging_whichever_door(doors, door):
    contact = f.GovernmentContactFactory(country=doors.country)
    errors = LOG[door](doors, contact, DAY_BEFORE)
    assert errors["follow_up_on"] == [FOLLOW_UP_EARLY], f"the {door} took a follow-up before the meeting"
    assert not GovernmentInteraction.objects.exists()


def correct_by_portal(doors, interaction, follow_up):
    url = f"/government/interactions/{interaction.pk}/edit/"
    return portal_errors(portal_post(doors.portal, url, follow_up_on=follow_up))


def correct_by_api(doors, interaction, follow_up):
    url = f"/api/v1/government-interactions/{interaction.pk}/"
    return api_errors(doors.api.patch(url, {"follow_up_on": follow_up}, format="json"))


def correct_by_admin(doors, interaction, follow_up):
    url = f"/admin/locales/governmentinteraction/{interaction.pk}/change/"
    return admin_errors(admin_post(doors.admin, url, follow_up_on=follow_up))


CORRECT = {"portal": correct_by_portal, "api": correct_by_api, "admin": correct_by_admin}


@pytest.mark.parametrize("door", CORRECT)
def test_a_follow_up_moved_before_the_meeting_is_refused_whichever_door(doors, door):
    interaction = f.GovernmentInteractionFactory(contact__country=doors.country, occurred_at=MET, follow_up_on=None)
    errors = CORRECT[door](doors, interaction, DAY_BEFORE)
    assert errors["follow_up_on"] == [FOLLOW_UP_EARLY], f"the {door} moved the follow-up before the meeting"
    interaction.refresh_from_db()
    assert interaction.follow_up_on is None


def test_a_follow_up_on_the_countrys_day_of_the_meeting_is_taken(doors):
    contact = f.GovernmentContactFactory(country=doors.country)
    payload = {
        "contact": contact.pk,
        "kind": "meeting",
        "summary": "Met the minister",
        "occurred_at": "2026-11-03T00:30:00+07:00",
        "follow_up_on": SAME_DAY,
    }
    response = doors.api.post("/api/v1/government-interactions/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert GovernmentInteraction.objects.get().follow_up_on == dt.date(2026, 11, 3)


def test_the_service_compares_with_the_countrys_day_not_utcs(indonesia):
    contact = f.GovernmentContactFactory(country=indonesia)
    with pytest.raises(ValidationError) as error:
        government_interaction_log(
            contact, kind="call", summary="Called", occurred_at=MET, follow_up_on=dt.date(2026, 11, 2)
        )
    assert error.value.message_dict == {"follow_up_on": [FOLLOW_UP_EARLY]}
    logged = government_interaction_log(
        contact, kind="call", summary="Called", occurred_at=MET, follow_up_on=dt.date(2026, 11, 3)
    )
    assert logged.follow_up_on == dt.date(2026, 11, 3)


# --- an interaction stays in its country ----------------------------------------------------------
@pytest.fixture
def two_country_lead(doors, thailand):
    """The Indonesian lead also leads Thailand: every door offers them both countries' contacts."""
    f.MembershipFactory(user=doors.lead, country=thailand, role=Role.LEAD)
    key, _token = make_token([doors.country, thailand], ("read", "write", "government"))
    doors.api = client_for(key)
    return doors


def move_by_portal(doors, interaction, contact):
    url = f"/government/interactions/{interaction.pk}/edit/"
    # The portal offers only the interaction's country's contacts: another is not a valid choice.
    return portal_errors(portal_post(doors.portal, url, contact=str(contact.pk)))


def move_by_api(doors, interaction, contact):
    url = f"/api/v1/government-interactions/{interaction.pk}/"
    return api_errors(doors.api.patch(url, {"contact": contact.pk}, format="json"))


def move_by_admin(doors, interaction, contact):
    url = f"/admin/locales/governmentinteraction/{interaction.pk}/change/"
    return admin_errors(admin_post(doors.admin, url, contact=str(contact.pk)))


MOVE = {"portal": move_by_portal, "api": move_by_api, "admin": move_by_admin}


@pytest.mark.parametrize("door", MOVE)
def test_a_contact_of_another_country_is_refused_not_followed_whichever_door(two_country_lead, thailand, door):
    doors = two_country_lead
    interaction = f.GovernmentInteractionFactory(contact__country=doors.country, occurred_at=MET)
    thai_contact = f.GovernmentContactFactory(country=thailand, person_name="Thai official")
    errors = MOVE[door](doors, interaction, thai_contact)
    assert errors["contact"], f"the {door} said nothing about the contact"
    if door != "portal":
        assert errors["contact"] == [OTHER_COUNTRY], f"the {door} did not reach the service's refusal"
    interaction.refresh_from_db()
    assert (interaction.country_id, interaction.contact.country_id) == (doors.country.pk, doors.country.pk)


def test_a_new_interaction_is_still_logged_in_its_contacts_country(two_country_lead, thailand):
    thai_contact = f.GovernmentContactFactory(country=thailand)
    payload = {"contact": thai_contact.pk, "kind": "call", "summary": "Called", "occurred_at": MET.isoformat()}
    response = two_country_lead.api.post("/api/v1/government-interactions/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert GovernmentInteraction.objects.get().country == thailand


# --- an incident of another country ----------------------------------------------------------
def incident_by_portal(doors, contact, incident):
    # The portal offers only the contact's country's incidents: another is not a valid choice.
    local = MET.astimezone(contact.country.zone).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "meeting", "summary": "Met", "occurred_at": local, "incident": str(incident.pk)}
    return portal_errors(doors.portal.post(f"/government/contacts/{contact.pk}/log/", data))


def incident_by_api(doors, contact, incident):
    payload = {"contact": contact.pk, "incident": incident.pk, "kind": "call", "summary": "Met"}
    return api_errors(doors.api.post("/api/v1/government-interactions/", payload, format="json"))


def incident_by_admin(doors, contact, incident):
    fields = {"contact": str(contact.pk), "incident": str(incident.pk), "kind": "meeting", "summary": "Met"}
    url = "/admin/locales/governmentinteraction/add/"
    return admin_errors(admin_post(doors.admin, url, **fields, **_admin_when(contact)))


INCIDENT = {"portal": incident_by_portal, "api": incident_by_api, "admin": incident_by_admin}


@pytest.mark.parametrize("door", INCIDENT)
def test_an_incident_of_another_country_is_refused_when_logging_whichever_door(two_country_lead, thailand, door):
    doors = two_country_lead
    contact = f.GovernmentContactFactory(country=doors.country)
    thai_incident = f.IncidentFactory(country=thailand)
    errors = INCIDENT[door](doors, contact, thai_incident)
    assert errors["incident"], f"the {door} said nothing about the incident"
    if door != "portal":
        assert errors["incident"] == [INCIDENT_ELSEWHERE], f"the {door} did not reach the service's refusal"
    assert not GovernmentInteraction.objects.exists()


def commit_by_api(doors, incident, contact):
    payload = {"country": doors.country.code, "description": "Take the video down"}
    payload |= {"incident": incident.pk} if incident else {"contact": contact.pk}
    return api_errors(doors.api.post("/api/v1/government-commitments/", payload, format="json"))


def commit_by_admin(doors, incident, contact):
    fields = {"country": str(doors.country.pk), "description": "Take the video down", "status": "open"}
    fields |= {"incident": str(incident.pk)} if incident else {"contact": str(contact.pk)}
    return admin_errors(admin_post(doors.admin, "/admin/locales/governmentcommitment/add/", **fields))


@pytest.mark.parametrize("door", {"api": commit_by_api, "admin": commit_by_admin})
@pytest.mark.parametrize("field", ["incident", "contact"])
def test_a_commitment_on_another_countrys_record_is_refused_whichever_door(two_country_lead, thailand, door, field):
    from locales.models import GovernmentCommitment

    doors = two_country_lead
    thai_incident = f.IncidentFactory(country=thailand) if field == "incident" else None
    thai_contact = f.GovernmentContactFactory(country=thailand) if field == "contact" else None
    write = commit_by_api if door == "api" else commit_by_admin
    errors = write(doors, thai_incident, thai_contact)
    assert errors[field] == [f"The {field} belongs to another country."], errors
    assert not GovernmentCommitment.objects.exists()


# --- a cultural moment's name, whatever its case ---------------------------------------------------
def name_by_portal(doors, name, moment=None):
    url = f"/moments/{moment.pk}/edit/" if moment else "/moments/new/"
    return portal_errors(portal_post(doors.portal, url, name=name))


def name_by_api(doors, name, moment=None):
    if moment:
        response = doors.api.patch(f"/api/v1/cultural-moments/{moment.pk}/", {"name": name}, format="json")
    else:
        payload = {"country": doors.country.code, "name": name}
        response = doors.api.post("/api/v1/cultural-moments/", payload, format="json")
    return api_errors(response)


def name_by_admin(doors, name, moment=None):
    if moment:
        return admin_errors(admin_post(doors.admin, f"/admin/locales/culturalmoment/{moment.pk}/change/", name=name))
    fields = {"country": str(doors.country.pk), "name": name}
    return admin_errors(admin_post(doors.admin, "/admin/locales/culturalmoment/add/", **fields))


NAME = {"portal": name_by_portal, "api": name_by_api, "admin": name_by_admin}


@pytest.mark.parametrize("door", NAME)
def test_a_moment_named_again_in_another_case_is_refused_whichever_door(doors, door):
    f.CulturalMomentFactory(country=doors.country, name="Songkran")
    errors = NAME[door](doors, "songkran")
    assert errors["name"] == [NAME_TAKEN], f"the {door} took a second Songkran"
    assert list(CulturalMoment.objects.values_list("name", flat=True)) == ["Songkran"]


@pytest.mark.parametrize("door", NAME)
def test_a_moment_renamed_to_another_in_another_case_is_refused_whichever_door(doors, door):
    f.CulturalMomentFactory(country=doors.country, name="Songkran")
    moment = f.CulturalMomentFactory(country=doors.country, name="Loy Krathong")
    errors = NAME[door](doors, "SONGKRAN", moment)
    assert errors["name"] == [NAME_TAKEN], f"the {door} renamed a moment to a taken name"
    moment.refresh_from_db()
    assert moment.name == "Loy Krathong"


def test_a_moment_may_change_its_own_case_and_share_a_name_with_another_country(indonesia, thailand):
    f.CulturalMomentFactory(country=thailand, name="Songkran")
    moment = cultural_moment_save(CulturalMoment(country=indonesia, name="songkran"))
    moment.name = "Songkran"
    cultural_moment_save(moment)
    assert CulturalMoment.objects.filter(name="Songkran").count() == 2


def test_the_database_keeps_one_name_per_country_whatever_its_case(indonesia, thailand):
    f.CulturalMomentFactory(country=indonesia, name="Songkran")
    f.CulturalMomentFactory(country=thailand, name="songkran")  # another country's is its own
    with pytest.raises(IntegrityError), transaction.atomic():
        CulturalMoment.objects.create(country=indonesia, name="SONGKRAN")


def test_a_writer_that_loses_the_race_for_a_name_gets_the_same_refusal(indonesia, monkeypatch):
    # Two people save "Songkran" at once: both pass the check, one insert wins. The other is
    # refused on the name, not with a 500.
    f.CulturalMomentFactory(country=indonesia, name="Songkran")
    checks = lose_the_race(monkeypatch, CulturalMoment, "name")
    with pytest.raises(ValidationError) as refused:
        cultural_moment_save(CulturalMoment(country=indonesia, name="songkran"))
    assert refused.value.message_dict == {"name": [NAME_TAKEN]}
    assert checks == ["songkran", "songkran"]
    assert list(CulturalMoment.objects.values_list("name", flat=True)) == ["Songkran"]


# --- an occurrence starts in its year --------------------------------------------------------------
def test_an_occurrence_starts_in_its_year(indonesia):
    moment = f.CulturalMomentFactory(country=indonesia)
    early = CulturalMomentOccurrence(
        moment=moment, year=2026, starts_on=dt.date(2025, 12, 31), ends_on=dt.date(2026, 1, 2)
    )
    with pytest.raises(ValidationError) as error:
        early.full_clean()
    assert error.value.message_dict == {"starts_on": [NOT_IN_YEAR]}
    # Over New Year is fine: it starts in its year.
    CulturalMomentOccurrence(
        moment=moment, year=2026, starts_on=dt.date(2026, 12, 31), ends_on=dt.date(2027, 1, 2)
    ).full_clean()


# Each refused pair of dates for the 2026 occurrence, with the field and the words of the refusal.
REFUSED_DATES = {
    "starts the year before": (("2025-12-30", "2026-01-02"), "starts_on", NOT_IN_YEAR),
    "ends before it starts": (("2026-02-18", "2026-02-17"), "ends_on", END_FIRST),
}


def dates_by_portal(doors, moment, dates):
    url = f"/moments/{moment.pk}/edit/"
    data = form_data(doors.portal.get(url).content.decode(), css_class="card")
    data["occurrences-0-starts_on"], data["occurrences-0-ends_on"] = [dates[0]], [dates[1]]
    response = doors.portal.post(url, data)
    assert response.status_code == 400, response.status_code
    return response.context["formset"].errors[0]


def dates_by_api(doors, moment, dates):
    payload = {"occurrences": [{"year": 2026, "starts_on": dates[0], "ends_on": dates[1]}]}
    return api_errors(doors.api.patch(f"/api/v1/cultural-moments/{moment.pk}/", payload, format="json"))


def dates_by_admin_inline(doors, moment, dates):
    url = f"/admin/locales/culturalmoment/{moment.pk}/change/"
    data = admin_form(doors.admin, url)
    data["occurrences-0-starts_on"], data["occurrences-0-ends_on"] = [dates[0]], [dates[1]]
    response = doors.admin.post(url, {**data, "_save": ["Save"]})
    assert response.status_code == 200, response.status_code
    return response.context["inline_admin_formsets"][0].formset.errors[0]


def dates_by_admin(doors, moment, dates):
    url = f"/admin/locales/culturalmomentoccurrence/{moment.occurrences.get().pk}/change/"
    return admin_errors(admin_post(doors.admin, url, starts_on=dates[0], ends_on=dates[1]))


DATES = {"portal": dates_by_portal, "api": dates_by_api, "admin inline": dates_by_admin_inline, "admin": dates_by_admin}


@pytest.mark.parametrize("case", REFUSED_DATES)
@pytest.mark.parametrize("door", DATES)
def test_an_occurrence_out_of_its_year_or_ending_first_is_refused_whichever_door(doors, door, case):
    dates, field, words = REFUSED_DATES[case]
    moment = f.CulturalMomentFactory(country=doors.country, name="Imlek")
    f.OccurrenceFactory(moment=moment, year=2026, starts_on=dt.date(2026, 2, 17), ends_on=dt.date(2026, 2, 18))
    errors = DATES[door](doors, moment, dates)
    messages = errors.get(f"occurrences.0.{field}") if door == "api" else errors.get(field)
    assert messages == [words], f"the {door} took an occurrence that {case}: {errors}"
    stored = list(moment.occurrences.values_list("starts_on", "ends_on"))
    assert stored == [(dt.date(2026, 2, 17), dt.date(2026, 2, 18))]
