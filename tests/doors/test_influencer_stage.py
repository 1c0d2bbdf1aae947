"""Rule: a creator's move along the pipeline is stamped with its time (``stage_changed_at``), by
``influencers.services`` (``influencer_move_stage``, and ``influencer_save`` when a form or
payload carries a new stage). Every door that can move a creator stamps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from influencers.models import Influencer, Stage
from tests import factories as f

from .conftest import announced, import_file
from .forms import admin_post, portal_post

pytestmark = pytest.mark.django_db


def by_portal_board(doors, influencer, stage, tmp_path):
    return doors.portal.post(f"/influencers/{influencer.pk}/stage/", {"stage": stage}).status_code == 302


def by_api(doors, influencer, stage, tmp_path):
    response = doors.api.patch(f"/api/v1/influencers/{influencer.pk}/", {"stage": stage}, format="json")
    return response.status_code == 200


def by_admin(doors, influencer, stage, tmp_path):
    url = f"/admin/influencers/influencer/{influencer.pk}/change/"
    return admin_post(doors.admin, url, stage=stage).status_code == 302


def by_import(doors, influencer, stage, tmp_path):
    handle = influencer.accounts.get().handle
    csv = f"Name,Country,TikTok,Stage\n{influencer.name},ID,@{handle},{stage}\n"
    return import_file(doors, tmp_path, "influencers", csv) == 0


DOORS = {
    "portal board": by_portal_board,
    "api": by_api,
    "admin": by_admin,
    "import": by_import,
}


@pytest.mark.parametrize("door", DOORS)
def test_a_stage_move_is_stamped_and_announced_whichever_door(
    doors, door, tmp_path, django_capture_on_commit_callbacks
):
    influencer = f.InfluencerFactory(country=doors.country, stage=Stage.CONTACTED, stage_changed_at=None)
    f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="doorsdancer")
    before = timezone.now() - dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert DOORS[door](doors, influencer, Stage.ONBOARDED, tmp_path), f"the {door} refused the move"
    assert announced(callbacks) == ["influencer.onboarded"]
    influencer.refresh_from_db()
    assert influencer.stage == Stage.ONBOARDED
    assert influencer.stage_changed_at is not None, f"the {door} moved the stage without stamping it"
    assert before <= influencer.stage_changed_at <= timezone.now()


@pytest.mark.parametrize("door", DOORS)
def test_a_save_that_keeps_the_stage_keeps_its_stamp(doors, door, tmp_path):
    stamped = timezone.now() - dt.timedelta(days=30)
    influencer = f.InfluencerFactory(country=doors.country, stage=Stage.ACTIVE, stage_changed_at=stamped)
    f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="doorsdancer")
    DOORS[door](doors, influencer, Stage.ACTIVE, tmp_path)
    influencer.refresh_from_db()
    assert influencer.stage_changed_at == stamped


def new_by_portal(doors, stage, tmp_path):
    response = portal_post(doors.portal, "/influencers/new/", name="Dewi Doors", kind="creator", stage=stage)
    return response.status_code == 302


def new_by_api(doors, stage, tmp_path):
    payload = {"country": "ID", "name": "Dewi Doors", "kind": "creator", "stage": stage}
    return doors.api.post("/api/v1/influencers/", payload, format="json").status_code == 201


def new_by_admin(doors, stage, tmp_path):
    fields = {"country": str(doors.country.pk), "name": "Dewi Doors", "kind": "creator", "stage": stage}
    return admin_post(doors.admin, "/admin/influencers/influencer/add/", **fields).status_code == 302


def new_by_import(doors, stage, tmp_path):
    csv = f"Name,Country,TikTok,Kind,Stage\nDewi Doors,ID,@dewidoors,creator,{stage}\n"
    return import_file(doors, tmp_path, "influencers", csv) == 0


NEW_DOORS = {"portal": new_by_portal, "api": new_by_api, "admin": new_by_admin, "import": new_by_import}


@pytest.mark.parametrize("door", NEW_DOORS)
def test_a_creator_added_past_prospect_is_stamped_whichever_door(doors, door, tmp_path):
    before = timezone.now() - dt.timedelta(seconds=1)
    assert NEW_DOORS[door](doors, Stage.ONBOARDED, tmp_path), f"the {door} refused the creator"
    influencer = Influencer.objects.get(name="Dewi Doors")
    assert influencer.stage == Stage.ONBOARDED
    assert influencer.stage_changed_at is not None and before <= influencer.stage_changed_at <= timezone.now()


@pytest.mark.parametrize("door", NEW_DOORS)
def test_a_new_prospect_has_not_moved_yet_whichever_door(doors, door, tmp_path):
    assert NEW_DOORS[door](doors, Stage.PROSPECT, tmp_path), f"the {door} refused the creator"
    assert Influencer.objects.get(name="Dewi Doors").stage_changed_at is None
