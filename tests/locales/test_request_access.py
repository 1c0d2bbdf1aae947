"""Regulator requests are government-relations records: an operator, a viewer, another country's
team and HQ without the government grant never see them, by any door (the portal and the API are
also walked by tests/portal/test_access_matrix.py and tests/security)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from locales.models import HQAccess
from reports.figures import country_figures
from reports.render import present_country
from reports.weeks import week_of
from search.services import search_all
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db


JULY_3 = dt.datetime(2018, 7, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Jakarta, in week 2018-W27


@pytest.fixture
def requests_world(indonesia, thailand, id_gr):
    mine = f.RegulatorRequestFactory(
        country=indonesia, authority="Kominfo", reference="KOMINFO/SECRET", handler=id_gr, received_at=JULY_3
    )
    f.RequestItemFactory(request=mine, target="https://example.com/secret-video")
    f.RegulatorRequestFactory(
        country=indonesia,
        authority="Kominfo",
        reference="KOMINFO/LATE",
        received_at=JULY_3,
        status="answered",
        answered_at=JULY_3 + dt.timedelta(days=3),  # a day late
    )
    thai = f.RegulatorRequestFactory(country=thailand, authority="NBTC", reference="NBTC/SECRET")
    return {"mine": mine, "thai": thai}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portal_pages_do_not_exist_without_the_role(requests_world, id_operator, id_viewer, th_lead, hq_viewer):
    mine = requests_world["mine"]
    for user in (id_operator, id_viewer, hq_viewer):
        client = signed_in(user)
        assert client.get(reverse("locales:requests")).status_code == 404
        assert client.get(reverse("locales:request", args=[mine.pk])).status_code == 404
        assert "KOMINFO/SECRET" not in client.get(reverse("portal:dashboard"), follow=True).content.decode()
    # The Thai lead has the government role, but in Thailand only.
    assert signed_in(th_lead).get(reverse("locales:request", args=[mine.pk])).status_code == 404


def test_api_needs_the_government_scope_and_the_country(requests_world, indonesia, thailand):
    key, _token = make_token([indonesia], ("read", "write"))
    assert client_for(key).get("/api/v1/regulator-requests/").status_code == 403
    key, _token = make_token([thailand], ("read", "government"))
    api = client_for(key)
    listed = api.get("/api/v1/regulator-requests/").json()["results"]
    assert [r["reference"] for r in listed] == ["NBTC/SECRET"]
    assert api.get(f"/api/v1/regulator-requests/{requests_world['mine'].pk}/").status_code == 404
    items = api.get("/api/v1/regulator-request-items/").json()["results"]
    assert items == []


@pytest.mark.parametrize("name", ["regulator-requests", "regulator-request-items"])
def test_exports_do_not_exist_without_the_role(requests_world, id_operator, hq_viewer, id_gr, name):
    url = reverse("exports:list", args=[name, "csv"])
    for user in (id_operator, hq_viewer):
        assert signed_in(user).get(url).status_code == 404
    body = b"".join(signed_in(id_gr).get(url).streaming_content).decode()
    assert ("KOMINFO/SECRET" in body or "secret-video" in body) and "NBTC" not in body


def test_search_finds_requests_for_government_roles_only(requests_world, id_operator, id_gr, hq_viewer):
    from opsportal.access import access_for_user

    def kinds(user, q):
        return {g.kind for g in search_all(access_for_user(user), q)}

    assert "regulator_request" in kinds(id_gr, "KOMINFO/SECRET")
    assert "regulator_request" in kinds(id_gr, "secret-video")  # by an item it names
    for user in (id_operator, hq_viewer):
        assert "regulator_request" not in kinds(user, "KOMINFO/SECRET")
    hits = [h for g in search_all(access_for_user(id_gr), "NBTC") for h in g.hits]
    assert all(h.country.code == "ID" for h in hits)


def test_weekly_report_shows_the_rate_to_government_readers_only(requests_world, indonesia):
    data = country_figures(indonesia, week_of(dt.date(2018, 7, 4)))
    requests = data["government"]["requests"]
    assert (requests["answered"], requests["on_time"], requests["rate"], requests["open"]) == (1, 0, 0, 1)
    assert present_country(data, government=False)["government"] is None
    assert present_country(data, government=True)["government"]["requests"]["answered"] == 1


def test_hq_overview_shows_request_columns_with_the_government_grant_only(requests_world, hq_viewer):
    page = signed_in(hq_viewer).get(reverse("portal:hq_overview"))
    assert "Regulator requests answered on time" not in page.content.decode()
    hq_viewer.profile.hq_access = HQAccess.VIEWER_GOVERNMENT
    hq_viewer.profile.save()
    page = signed_in(hq_viewer).get(reverse("portal:hq_overview"))
    html = page.content.decode()
    assert "Regulator requests answered on time" in html
    rows = {r["name"]: r for r in page.context["rows"]}
    assert rows["Indonesia"]["requests_on_time"] == 0 and rows["Thailand"]["requests_on_time"] is None


def test_incident_and_commitment_pages_link_their_requests(indonesia, id_gr):
    incident = f.IncidentFactory(country=indonesia, title="Temporary block")
    commitment = f.CommitmentFactory(country=indonesia, incident=incident, description="Remove flagged videos")
    record = f.RegulatorRequestFactory(
        country=indonesia, incident=incident, commitment=commitment, reference="KOMINFO/TD/1"
    )
    client = signed_in(id_gr)
    for url in (
        reverse("locales:incident", args=[incident.pk]),
        reverse("locales:commitment_edit", args=[commitment.pk]),
    ):
        html = client.get(url).content.decode()
        assert reverse("locales:request", args=[record.pk]) in html
    form = client.get(reverse("locales:request_create"), {"commitment": commitment.pk, "incident": incident.pk})
    assert form.context["form"].initial["commitment"] == commitment.pk
    assert form.context["form"].initial["incident"] == incident.pk
