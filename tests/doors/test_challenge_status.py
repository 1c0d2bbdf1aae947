"""Rule: a challenge moves idea → planned → live → ended (and back from ended to live), as
``challenges.services.challenge_change_status`` guards it. Every door that can change a
challenge's status gets the same answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from challenges.models import Challenge, Status
from opsportal.db import Door
from tests import factories as f

from .conftest import announced, import_file
from .forms import admin_post

pytestmark = pytest.mark.django_db


def by_portal(doors, challenge, status, tmp_path):
    response = doors.portal.post(f"/challenges/{challenge.pk}/status/", {"status": status}, follow=True)
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def by_api(doors, challenge, status, tmp_path):
    response = doors.api.patch(f"/api/v1/challenges/{challenge.pk}/", {"status": status}, format="json")
    return response.json() if response.status_code == 400 else None


def by_admin(doors, challenge, status, tmp_path):
    response = admin_post(doors.admin, f"/admin/challenges/challenge/{challenge.pk}/change/", status=status)
    if response.status_code == 302:
        return None
    assert response.status_code == 200
    form = response.context["adminform"].form
    return form.errors


def by_import(doors, challenge, status, tmp_path):
    return import_file(doors, tmp_path, "challenges", f"country,hashtag,status\nID,{challenge.hashtag},{status}\n")


DOORS = {"portal": by_portal, "api": by_api, "admin": by_admin, "import": by_import}
DOOR_OF = {"portal": Door.PORTAL, "api": Door.API, "admin": Door.ADMIN, "import": Door.IMPORT}


@pytest.mark.parametrize("door", DOORS)
def test_an_idea_cannot_end_whichever_door(doors, door, tmp_path):
    challenge = f.ChallengeFactory(country=doors.country, status=Status.IDEA, starts_at=None, ends_at=None)
    refused = DOORS[door](doors, challenge, Status.ENDED, tmp_path)
    assert refused, f"the {door} let an idea end"
    challenge.refresh_from_db()
    assert challenge.status == Status.IDEA
    assert challenge.ends_at is None


@pytest.mark.parametrize("door", DOORS)
def test_ending_a_live_challenge_stamps_its_end_whichever_door(doors, door, tmp_path):
    started = timezone.now() - dt.timedelta(days=3)
    challenge = f.ChallengeFactory(country=doors.country, status=Status.LIVE, starts_at=started, ends_at=None)
    before = timezone.now()
    refused = DOORS[door](doors, challenge, Status.ENDED, tmp_path)
    assert not refused, refused
    challenge.refresh_from_db()
    assert challenge.status == Status.ENDED
    assert before - dt.timedelta(seconds=1) <= challenge.ends_at <= timezone.now()
    assert challenge.history.order_by("-history_date").first().history_door == DOOR_OF[door]


def test_the_admin_says_why_in_the_persons_language(doors):
    challenge = f.ChallengeFactory(country=doors.country, status=Status.IDEA, starts_at=None)
    doors.lead.profile.preferred_language = "id"
    doors.lead.profile.save()
    response = admin_post(doors.admin, f"/admin/challenges/challenge/{challenge.pk}/change/", status=Status.ENDED)
    assert response.status_code == 200  # the form again, not a 500
    with translation.override("id"):
        expected = _("A challenge cannot move from %(old)s to %(new)s.") % {
            "old": Status.IDEA.label,
            "new": Status.ENDED.label,
        }
    assert "Idea" not in expected  # the catalogue has it in Indonesian
    assert response.context["adminform"].form.errors["status"] == [expected]
    assert Challenge.objects.get(pk=challenge.pk).status == Status.IDEA


@pytest.mark.parametrize("door", DOORS)
def test_going_live_is_announced_once_whichever_door(doors, door, tmp_path, django_capture_on_commit_callbacks):
    challenge = f.ChallengeFactory(
        country=doors.country, status=Status.PLANNED, starts_at=timezone.now() + dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        refused = DOORS[door](doors, challenge, Status.LIVE, tmp_path)
    assert not refused, refused
    assert announced(callbacks) == ["challenge.went_live"], f"the {door} went live without the webhook event"
