"""Rule: a country team works a creator another team keeps the accounts of through a shared
relationship of its own (``influencers.services.influencer_share`` / ``check_share``, through
``influencer_save``). Every door that can start one gives the same record: this country's, with
the profile pointing at the home record, the home figures copied, no accounts of its own, and
the home record's accounts and history left where they are. And the home record cannot be
removed while another team shares it (``influencer_delete``), whichever door."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.models import Influencer, Stage
from locales.models import TeamMembership
from opsportal.models import AuditEntry
from opsportal.roles import Role
from tests import factories as f
from tests.followers import ingest_counts

from .conftest import import_file
from .forms import admin_post

pytestmark = pytest.mark.django_db


def by_portal(doors, home, tmp_path):
    response = doors.portal.post("/influencers/share/", {"share_account": "tiktok:nateandmee"})
    return response.status_code == 302


def by_api(doors, home, tmp_path):
    payload = {"country": "ID", "name": home.name, "profile_account": "tiktok:NateAndMee"}
    return doors.api.post("/api/v1/influencers/", payload, format="json").status_code == 201


def by_admin(doors, home, tmp_path):
    # In the admin the profile is picked by id among the records the person may read: this lead
    # also sits on the Thai team as a viewer.
    TeamMembership.objects.get_or_create(user=doors.lead, country=home.country, defaults={"role": Role.VIEWER})
    response = admin_post(
        doors.admin,
        "/admin/influencers/influencer/add/",
        country=str(doors.country.pk),
        name=home.name,
        kind=home.kind,
        stage=Stage.PROSPECT,
        profile=str(home.pk),
    )
    return response.status_code == 302


def by_import(doors, home, tmp_path):
    return import_file(doors, tmp_path, "influencers", f"Name,Country,TikTok\n{home.name},ID,@nateandmee\n") == 0


DOORS = {"portal": by_portal, "api": by_api, "admin": by_admin, "import": by_import}


@pytest.mark.parametrize("door", DOORS)
def test_sharing_a_creator_gives_the_same_record_whichever_door(doors, door, tmp_path, thailand):
    home = f.InfluencerFactory(country=thailand, name="Nate & Mee", kind="creator", stage=Stage.ACTIVE, notes="TH")
    f.PlatformAccountFactory(influencer=home, platform="tiktok", handle="nateandmee")
    f.PlatformAccountFactory(influencer=home, platform="youtube", handle="nateandmee")
    ingest_counts(
        [
            {"platform": "tiktok", "handle": "nateandmee", "date": "2026-10-01", "followers": 1_600_000},
            {"platform": "youtube", "handle": "nateandmee", "date": "2026-10-01", "followers": 1_500_000},
        ]
    )
    home.refresh_from_db()

    assert DOORS[door](doors, home, tmp_path), f"the {door} refused to share"

    shared = Influencer.objects.get(country=doors.country)
    assert shared.profile_id == home.pk
    assert (shared.name, shared.kind, shared.stage, shared.notes) == (home.name, "creator", Stage.PROSPECT, "")
    assert shared.total_followers == 3_100_000 and shared.crossed_over_on == dt.date(2026, 10, 1)
    assert not shared.accounts.exists()
    assert sorted(home.accounts.values_list("platform", flat=True)) == ["tiktok", "youtube"]
    # Audited like the door's other writes: a history row, or the import's one entry per file.
    assert shared.history.exists() or (door == "import" and AuditEntry.objects.filter(door="import").exists())
    # Once per country, whichever door asks again.
    assert not DOORS[door](doors, home, tmp_path) or Influencer.objects.filter(country=doors.country).count() == 1
    assert Influencer.objects.filter(country=doors.country).count() == 1


def remove_by_api(doors, record):
    response = doors.api.delete(f"/api/v1/influencers/{record.pk}/")
    return response.status_code, response.content.decode()


def remove_by_admin(doors, record):
    response = doors.admin.post(f"/admin/influencers/influencer/{record.pk}/delete/", {"post": "yes"}, follow=True)
    return response.status_code, response.content.decode()


def remove_by_admin_action(doors, record):
    data = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    response = doors.admin.post("/admin/influencers/influencer/", data, follow=True)
    return response.status_code, response.content.decode()


REMOVE = {"api": remove_by_api, "admin": remove_by_admin, "admin action": remove_by_admin_action}


@pytest.mark.parametrize("door", REMOVE)
def test_a_home_record_another_team_shares_cannot_be_removed_whichever_door(doors, door, thailand):
    from influencers.services import influencer_share

    home = f.InfluencerFactory(country=doors.country, name="Kaykai Salaider")
    influencer_share(home, thailand)
    status, body = REMOVE[door](doors, home)
    assert status == (400 if door == "api" else 200), f"the {door} answered {status}"
    assert "cannot be removed or erased while they do" in body, f"the {door} did not say why"
    assert Influencer.objects.filter(pk=home.pk).exists()
