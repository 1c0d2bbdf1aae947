"""Shared creators: one public profile (accounts, follower history) kept by one country team,
a relationship of its own (stage, owner, outreach, notes) for every team that works the creator.

Rules: ``influencers.services`` (``check_share``, ``influencer_share``, ``influencer_delete``);
reading the profile: ``influencers.selectors.public_accounts``; totals: ``followers``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from influencers.models import Influencer, PlatformAccount, Stage
from influencers.selectors import public_accounts
from influencers.services import (
    influencer_delete,
    influencer_save,
    influencer_share,
    platform_account_save,
)
from tests import factories as f
from tests.api.conftest import client_for, make_token
from tests.followers import ingest_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(indonesia):
    key, _token = make_token([indonesia])
    return client_for(key)


@pytest.fixture
def th_api(thailand):
    key, _token = make_token([thailand])
    return client_for(key)


SECRET_NOTES = "Indonesian team only: fee talks in March"
SECRET_EMAIL = "kaykai-manager@example.com"
SECRET_OUTREACH = "Met her manager at DWP backstage"


@pytest.fixture
def home(indonesia, id_lead):
    """Indonesia's relationship with Kaykai, keeping her accounts and follower history."""
    kaykai = f.InfluencerFactory(
        country=indonesia,
        name="Kaykai Salaider",
        local_name="Kaykai",
        stage=Stage.ACTIVE,
        relationship_owner=id_lead,
        notes=SECRET_NOTES,
        email=SECRET_EMAIL,
        home_platform="youtube",
        joined_platform_on=dt.date(2018, 3, 1),
    )
    tiktok = f.PlatformAccountFactory(influencer=kaykai, platform="tiktok", handle="kaykai")
    youtube = f.PlatformAccountFactory(influencer=kaykai, platform="youtube", handle="KaykaiSalaider")
    ingest_counts(
        [
            {"platform": "youtube", "handle": youtube.handle, "date": "2026-10-01", "followers": 5_700_000},
            {"platform": "tiktok", "handle": tiktok.handle, "date": "2026-10-01", "followers": 3_200_000},
        ]
    )
    f.InfluencerInteractionFactory(influencer=kaykai, summary=SECRET_OUTREACH)
    kaykai.refresh_from_db()
    return kaykai


@pytest.fixture
def shared(home, thailand, th_operator):
    return influencer_share(home, thailand, by=th_operator, relationship_owner=th_operator)


# --- the service ------------------------------------------------------------------------------


def test_sharing_starts_a_relationship_of_its_own_with_the_home_figures(home, shared, thailand, th_operator):
    assert shared.country == thailand and shared.profile_id == home.pk
    assert (shared.name, shared.local_name, shared.kind) == (home.name, home.local_name, home.kind)
    assert shared.stage == Stage.PROSPECT and shared.relationship_owner == th_operator
    assert shared.notes == "" and shared.email == "" and not shared.interactions.exists()
    assert shared.total_followers == home.total_followers == 8_900_000
    assert (shared.home_platform, shared.joined_platform_on) == ("youtube", dt.date(2018, 3, 1))
    assert not shared.accounts.exists()
    assert PlatformAccount.objects.filter(influencer=home).count() == 2  # nothing moved or copied
    assert shared.created_by == th_operator and shared.history.count() == 1


def test_sharing_a_shared_relationship_points_at_the_home_record(home, shared, indonesia):
    japan = f.CountryFactory(code="JP")
    third = influencer_share(shared, japan)
    assert third.profile_id == home.pk


def _refusal(error: ValidationError, field: str = "profile") -> str:
    assert field in error.message_dict, error.message_dict
    return " ".join(error.message_dict[field])


def test_the_profile_is_another_countrys(home, indonesia):
    with pytest.raises(ValidationError) as caught:
        influencer_save(Influencer(country=indonesia, name="Twin", profile=home))
    assert "another country" in _refusal(caught.value)


def test_no_chains(home, shared):
    japan = f.CountryFactory(code="JP")
    with pytest.raises(ValidationError) as caught:
        influencer_save(Influencer(country=japan, name="Chain", profile=shared))
    assert "shares another team's profile itself" in _refusal(caught.value)


def test_a_record_with_accounts_cannot_share(home, thailand):
    own = f.InfluencerFactory(country=thailand)
    f.PlatformAccountFactory(influencer=own)
    own.profile = home
    with pytest.raises(ValidationError) as caught:
        influencer_save(own)
    assert "accounts of its own" in _refusal(caught.value)


def test_a_shared_home_cannot_share_another(home, shared, thailand):
    other = f.InfluencerFactory(country=f.CountryFactory(code="JP"))
    home.profile = other
    with pytest.raises(ValidationError) as caught:
        influencer_save(home)
    assert "share this record's profile" in _refusal(caught.value)


def test_a_home_record_does_not_move_into_a_sharing_country(home, shared, thailand):
    home.country = thailand
    with pytest.raises(ValidationError) as caught:
        influencer_save(home)
    assert "already shares" in _refusal(caught.value, "country")


def test_one_relationship_per_country_and_profile(home, shared, thailand):
    with pytest.raises(ValidationError) as caught:
        influencer_share(home, thailand)
    assert "already works this creator" in _refusal(caught.value)


def test_a_shared_relationship_keeps_no_accounts(shared):
    with pytest.raises(ValidationError) as caught:
        platform_account_save(PlatformAccount(influencer=shared, platform="instagram", handle="kaykai.th"))
    assert "kept by the team of the shared profile" in _refusal(caught.value, "influencer")
    with pytest.raises(ValidationError) as caught:
        influencer_save(shared, accounts=[PlatformAccount(platform="instagram", handle="kaykai.th")])
    assert "kept by the team" in _refusal(caught.value, "accounts")


def test_the_home_record_cannot_go_while_shared(home, shared, id_lead):
    from opsportal.access import access_for_user
    from privacy.services import personal_data_erase

    with pytest.raises(ValidationError, match="cannot be removed or erased"):
        influencer_delete(home)
    with pytest.raises(ValidationError, match="cannot be removed or erased"):
        personal_data_erase(home, access_for_user(id_lead))
    home.refresh_from_db()
    assert home.name == "Kaykai Salaider" and home.erased_at is None
    influencer_delete(shared)  # the sharing team may let go of its own relationship
    assert not Influencer.objects.filter(profile=home).exists()


def test_totals_follow_the_home_record_after_an_ingest(home, shared):
    ingest_counts([{"platform": "tiktok", "handle": "kaykai", "date": "2026-11-01", "followers": 6_100_000}])
    home.refresh_from_db()
    shared.refresh_from_db()
    assert home.total_followers == shared.total_followers == 11_800_000
    assert home.crossed_over_on == shared.crossed_over_on == dt.date(2026, 11, 1)


def test_a_home_platform_changed_at_home_reaches_the_sharing_teams(home, shared):
    home.home_platform = "instagram"
    influencer_save(home)
    shared.refresh_from_db()
    assert shared.home_platform == "instagram"


def test_public_accounts_are_the_home_records(home, shared):
    assert [a.handle for a in public_accounts(shared)] == ["kaykai", "KaykaiSalaider"]
    assert [a.followers for a in public_accounts(shared)] == [3_200_000, 5_700_000]


# --- access: portal and API ------------------------------------------------------------------


def _portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_thai_team_sees_its_relationship_and_the_public_profile_only(home, shared, th_operator):
    page = _portal(th_operator).get(f"/influencers/{shared.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "@kaykai" in html and "@KaykaiSalaider" in html
    assert "accounts kept by the Indonesia team" in html
    for secret in (SECRET_NOTES, SECRET_EMAIL, SECRET_OUTREACH, "id-lead"):
        assert secret not in html
    assert "Type count" not in html  # the counts are the Indonesian team's to type
    listing = _portal(th_operator).get("/influencers/").content.decode()
    assert "TikTok, YouTube" in listing and "(shared)" in listing and SECRET_NOTES not in listing
    chart = _portal(th_operator).get(f"/influencers/{shared.pk}/chart.svg")
    assert chart.status_code == 200
    # The home record itself stays out of reach.
    assert _portal(th_operator).get(f"/influencers/{home.pk}/").status_code == 404


def test_the_home_record_names_the_countries_that_share_it(home, shared, id_lead):
    html = _portal(id_lead).get(f"/influencers/{home.pk}/").content.decode()
    assert "Also worked by:" in html and "Thailand" in html


def test_the_api_shows_the_shared_profile_not_the_home_relationship(home, shared, thailand, th_api):
    body = th_api.get(f"/api/v1/influencers/{shared.pk}/").json()
    assert [a["handle"] for a in body["accounts"]] == ["kaykai", "KaykaiSalaider"]
    assert body["total_followers"] == 8_900_000
    assert body["profile"] == home.pk and body["profile_country"] == "ID"
    assert body["stage"] == Stage.PROSPECT and body["notes"] == "" and body["email"] == ""
    text = th_api.get("/api/v1/influencers/").content.decode()
    for secret in (SECRET_NOTES, SECRET_EMAIL, SECRET_OUTREACH, "id-lead"):
        assert secret not in text
    assert th_api.get(f"/api/v1/influencers/{home.pk}/").status_code == 404
    assert th_api.get(f"/api/v1/influencer-interactions/?influencer={home.pk}").json()["results"] == []
    # The accounts belong to the Indonesian team: not Thailand's to read or write one by one.
    account = home.accounts.get(platform="tiktok")
    assert th_api.get(f"/api/v1/platform-accounts/{account.pk}/").status_code == 404


def test_another_country_cannot_read_the_thai_relationship(home, shared, id_lead, api):
    assert _portal(id_lead).get(f"/influencers/{shared.pk}/").status_code == 404
    assert api.get(f"/api/v1/influencers/{shared.pk}/").status_code == 404
    assert api.get(f"/api/v1/influencers/{home.pk}/").json()["shared_in"] == ["TH"]


def test_the_api_shares_by_account_and_says_the_same_for_any_unknown_account(home, thailand, th_api):
    missing = th_api.post(
        "/api/v1/influencers/",
        {"country": "TH", "name": "Nobody", "profile_account": "tiktok:nobody-here"},
        format="json",
    )
    assert missing.status_code == 400 and missing.json()["errors"] == {"profile_account": ["No such account."]}
    garbled = th_api.post(
        "/api/v1/influencers/", {"country": "TH", "name": "X", "profile_account": "kaykai"}, format="json"
    )
    assert garbled.json()["errors"] == {"profile_account": ["No such account."]}
    created = th_api.post(
        "/api/v1/influencers/",
        {"country": "TH", "name": "Kaykai", "stage": "contacted", "profile_account": "tiktok:@KAYKAI"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["profile"] == home.pk and body["stage"] == "contacted" and len(body["accounts"]) == 2
    again = th_api.post(
        "/api/v1/influencers/", {"country": "TH", "name": "Kaykai", "profile_account": "tiktok:kaykai"}, format="json"
    )
    assert again.status_code == 400 and "profile" in again.json()["errors"]


def test_the_api_refuses_an_account_on_a_shared_relationship(shared, th_api):
    response = th_api.post(
        "/api/v1/platform-accounts/",
        {"influencer": shared.pk, "platform": "instagram", "handle": "kaykai.th"},
        format="json",
    )
    assert response.status_code == 400 and "influencer" in response.json()["errors"]


def test_the_profile_is_set_on_create_only(shared, th_api):
    response = th_api.patch(f"/api/v1/influencers/{shared.pk}/", {"profile": None}, format="json")
    assert response.status_code == 400 and "profile" in response.json()["errors"]


def test_the_portal_offers_to_work_the_creator_here_too(home, th_operator, thailand):
    client = _portal(th_operator)
    check = client.get("/influencers/handle-check/", {"accounts-0-handle": "@KAYKAI", "accounts-0-platform": "tiktok"})
    html = check.content.decode()
    assert "Work this creator in Thailand too" in html and "Indonesia" in html
    assert SECRET_NOTES not in html and "Kaykai Salaider" not in html
    response = client.post("/influencers/share/", {"share_account": "tiktok:kaykai"})
    shared = Influencer.objects.get(country=thailand)
    assert response.status_code == 302 and response["Location"] == f"/influencers/{shared.pk}/"
    assert shared.profile_id == home.pk and shared.created_by == th_operator
    unknown = client.post("/influencers/share/", {"share_account": "tiktok:nobody-here"}, follow=True)
    assert "No such account." in unknown.content.decode()


# --- query counts -----------------------------------------------------------------------------


def _add_shared(thailand, japan, start, n):
    for i in range(start, start + n):
        home = f.InfluencerFactory(country=japan, name=f"Home {i}")
        f.PlatformAccountFactory(influencer=home, handle=f"home{i}")
        f.PlatformAccountFactory(influencer=home, platform="youtube", handle=f"home{i}")
        influencer_share(home, thailand)


def _count(get) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert get().status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_shared_rows(thailand, th_operator):
    japan = f.CountryFactory(code="JP")
    _add_shared(thailand, japan, 0, 1)
    client = _portal(th_operator)
    key, _token = make_token([thailand])
    api = client_for(key)
    first = Influencer.objects.filter(country=thailand).first()
    pages = {
        "portal list": lambda: client.get("/influencers/"),
        "portal detail": lambda: client.get(f"/influencers/{first.pk}/"),
        "api list": lambda: api.get("/api/v1/influencers/?limit=100"),
        "api detail": lambda: api.get(f"/api/v1/influencers/{first.pk}/"),
    }
    for get in pages.values():
        get()  # warm: the token's first use is stamped once
    one = {name: _count(get) for name, get in pages.items()}
    _add_shared(thailand, japan, 1, 49)
    fifty = {name: _count(get) for name, get in pages.items()}
    assert fifty == one


# --- the features that read influencers: once per country, nothing breaks ------------------------


def test_exports_search_handover_and_the_weekly_report_take_a_shared_creator_once_per_country(
    home, shared, thailand, th_lead
):
    import csv
    import io
    import zipfile

    from django.urls import reverse

    from opsportal.access import access_for_user
    from reports.services import build_country_report
    from search.services import search_all

    client = _portal(th_lead)
    export = client.get(reverse("exports:list", args=["influencers", "csv"]) + "?country=TH")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else export.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["Kaykai Salaider"]
    assert SECRET_NOTES not in text and SECRET_EMAIL not in text
    handover = client.get(reverse("exports:handover", args=["TH"]))
    assert handover.status_code == 200
    body = b"".join(handover.streaming_content) if handover.streaming else handover.content
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = [r["name"] for r in csv.DictReader(io.StringIO(archive.read("influencers.csv").decode("utf-8-sig")))]
    assert names == ["Kaykai Salaider"]
    found = search_all(access_for_user(th_lead), "Kaykai")
    hits = [hit for group in found for hit in group.hits]
    assert len(hits) == 1
    report = build_country_report(thailand, "2026-W40")
    assert report is not None


def test_a_shared_relationship_is_found_by_its_profiles_handles(home, shared, th_lead, id_lead):
    from django.urls import reverse

    from opsportal.access import access_for_user
    from search.services import search_all

    def found(user, q):
        return [
            hit.obj.pk
            for group in search_all(access_for_user(user), q)
            for hit in group.hits
            if group.kind == "influencer"
        ]

    assert found(th_lead, "kaykaisalaider") == [shared.pk]  # the Thai team's own relationship
    assert found(id_lead, "kaykaisalaider") == [home.pk]  # each team finds its own, not the other's
    listed = _portal(th_lead).get(reverse("influencers:list"), {"q": "@KaykaiSalaider"})
    assert listed.status_code == 200 and [i.pk for i in listed.context["page"]] == [shared.pk]
