"""Rule: a challenge's hashtag is stored without its #, is one word, and is used once per country
whatever its case (``Challenge.clean`` and the unique constraint, both run by ``challenge_save``).
Every door that can set it gets the same field error, never a database error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from challenges.models import Challenge
from challenges.services import challenge_save
from tests import factories as f
from tests.races import lose_the_race

from .forms import admin_post

pytestmark = pytest.mark.django_db

HASHTAG_TAKEN = "This hashtag is already used by a challenge in this country."


def by_portal(doors, challenge, hashtag):
    page = doors.portal.get(f"/challenges/{challenge.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(hashtag=hashtag, owner=challenge.owner_id or "", cultural_moment="")
    for key in ("starts_at", "ends_at"):
        data.pop(key, None)
    response = doors.portal.post(f"/challenges/{challenge.pk}/edit/", data)
    return response.context["form"].errors if response.status_code != 302 else None


def by_api(doors, challenge, hashtag):
    response = doors.api.patch(f"/api/v1/challenges/{challenge.pk}/", {"hashtag": hashtag}, format="json")
    assert response.status_code in (200, 400), response.content
    return response.json()["errors"] if response.status_code == 400 else None


def by_admin(doors, challenge, hashtag):
    response = admin_post(doors.admin, f"/admin/challenges/challenge/{challenge.pk}/change/", hashtag=hashtag)
    if response.status_code == 302:
        return None
    assert response.status_code == 200  # the form again, not a 500
    return response.context["adminform"].form.errors


DOORS = {"portal": by_portal, "api": by_api, "admin": by_admin}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("hashtag", ["#SUMMER", "summer", "  #Summer ", "#", "summer fest"])
def test_a_hashtag_taken_in_the_country_empty_or_of_two_words_is_refused_on_the_field_whichever_door(
    doors, door, hashtag
):
    f.ChallengeFactory(country=doors.country, hashtag="summer")
    challenge = f.ChallengeFactory(country=doors.country, hashtag="winter")
    errors = DOORS[door](doors, challenge, hashtag)
    assert errors and "hashtag" in errors, errors
    challenge.refresh_from_db()
    assert challenge.hashtag == "winter"


@pytest.mark.parametrize("door", DOORS)
def test_a_hashtag_sent_with_its_hash_is_stored_without_it_whichever_door(doors, door):
    f.ChallengeFactory(country=f.CountryFactory(code="TH", name="Thailand"), hashtag="autumn")  # another country's
    challenge = f.ChallengeFactory(country=doors.country, hashtag="winter")
    assert DOORS[door](doors, challenge, "#Autumn") is None
    challenge.refresh_from_db()
    assert challenge.hashtag == "Autumn"


def test_the_portal_form_keeps_the_stored_hashtag_in_its_heading_when_refused(doors):
    f.ChallengeFactory(country=doors.country, hashtag="summer")
    challenge = f.ChallengeFactory(country=doors.country, hashtag="winter")
    data = {"hashtag": "#SUMMER", "title": "x", "format": "dance"}
    page = doors.portal.post(f"/challenges/{challenge.pk}/edit/", data)
    assert page.status_code == 400
    assert "Edit #winter" in page.content.decode()  # not the refused "#SUMMER"


def test_a_writer_that_loses_the_race_for_a_hashtag_gets_the_same_field_error(doors, monkeypatch):
    # Two people save #summer at once: both pass the check, one insert wins. The other hears the
    # field error every door gives (ConstraintsOnFields), not a 500.
    f.ChallengeFactory(country=doors.country, hashtag="summer")
    checks = lose_the_race(monkeypatch, Challenge, "hashtag")
    with pytest.raises(ValidationError) as refused:
        challenge_save(f.ChallengeFactory.build(country=doors.country, hashtag="#Summer"))
    assert refused.value.message_dict == {"hashtag": [HASHTAG_TAKEN]}
    assert checks == ["Summer", "Summer"]
    assert list(Challenge.objects.values_list("hashtag", flat=True)) == ["summer"]


def test_the_database_keeps_one_hashtag_per_country_whatever_its_case(doors):
    f.ChallengeFactory(country=doors.country, hashtag="summer")
    f.ChallengeFactory(country=f.CountryFactory(code="TH", name="Thailand"), hashtag="Summer")  # its own
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ChallengeFactory(country=doors.country, hashtag="SUMMER")
