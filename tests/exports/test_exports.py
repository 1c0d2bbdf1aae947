"""Exports of every list: filters applied, formulas neutralised, scope respected, bounded queries."""

import io

import openpyxl
import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from exports.registry import LISTS
from exports.writers import neutralise
from opsportal.models import ApiToken, AuditEntry
from tests import factories as f

from .conftest import read_csv


def url(name, fmt="csv", **params):
    from urllib.parse import urlencode

    return reverse("exports:list", args=[name, fmt]) + ("?" + urlencode(params) if params else "")


def test_csv_applies_the_lists_filters(client, id_operator, data):
    client.force_login(id_operator)
    rows = read_csv(client.get(url("influencers", country="ID", stage="active")))
    assert sorted(r["name"] for r in rows) == ['\'=HYPERLINK("http://evil.example","click")', "Rina Nose"]
    rina = next(r for r in rows if r["name"] == "Rina Nose")
    assert (rina["country"], rina["local_name"], rina["tiktok"], rina["tiktok_followers"]) == (
        "ID",
        "รินา",
        "rinanose",
        "5700000",
    )
    assert rina["instagram"] == "rina.nose"
    assert AuditEntry.objects.get(action="export").door == "portal"


def test_formula_injection_is_neutralised(client, id_operator, data):
    client.force_login(id_operator)
    rows = {r["name"]: r for r in read_csv(client.get(url("influencers", country="ID")))}
    assert "'@everyone" in rows and rows["'@everyone"]["city"] == "'-Jakarta"
    evil = rows['\'=HYPERLINK("http://evil.example","click")']
    assert evil["notes"] == "'+62 812 call me"
    for value in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert neutralise(value).startswith("'")
    assert neutralise("Rina") == "Rina" and neutralise("") == ""


def test_xlsx_is_typed_and_neutralised(client, id_operator, data):
    client.force_login(id_operator)
    response = client.get(url("influencers", "xlsx", country="ID", stage="active"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    by_name = {r[headers.index("name")]: dict(zip(headers, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"Rina Nose", '\'=HYPERLINK("http://evil.example","click")'}
    assert by_name["Rina Nose"]["tiktok_followers"] == 5_700_000  # a number, not text
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)


def test_only_the_callers_countries_are_exported(client, id_operator, data):
    client.force_login(id_operator)
    names = {r["name"] for r in read_csv(client.get(url("influencers")))}
    assert "Kaykai Salaider" not in names and "Rina Nose" in names
    hashtags = {r["hashtag"] for r in read_csv(client.get(url("challenges")))}
    assert hashtags == {"MultiPersonFrame"}
    response = client.get(url("influencers", country="TH"))
    assert response.status_code == 400 and "country" in response.json()["errors"]


@pytest.mark.parametrize("name", ["government-contacts", "government-interactions", "incidents", "commitments"])
def test_government_lists_do_not_exist_for_operators(client, id_operator, hq_viewer, name, data):
    for user in (id_operator, hq_viewer):
        client.force_login(user)
        assert client.get(url(name)).status_code == 404
        assert client.get(url(name, "xlsx")).status_code == 404


def test_government_lists_for_those_roles_stay_in_their_country(client, id_gr, data):
    client.force_login(id_gr)
    rows = read_csv(client.get(url("government-contacts")))
    assert [r["person_name"] for r in rows] == ["Budi Santoso"]
    incidents = read_csv(client.get(url("incidents", status="open")))
    assert [r["title"] for r in incidents] == ["Temporary ban"]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_exports_in_both_formats(client, superuser, data, name):
    client.force_login(superuser)
    assert client.get(url(name)).status_code == 200
    assert client.get(url(name, "xlsx")).status_code == 200


def test_datetimes_are_in_the_records_country_time(client, id_operator, indonesia):
    import datetime as dt

    f.ChallengeFactory(country=indonesia, hashtag="Timed", starts_at=dt.datetime(2018, 7, 4, 3, 0, tzinfo=dt.UTC))
    client.force_login(id_operator)
    row = read_csv(client.get(url("challenges")))[0]
    assert row["starts_at"] == "2018-07-04 10:00"  # Jakarta, UTC+7


def test_integrations_export_with_their_token(client, indonesia, data):
    token = ApiToken(name="warehouse", scopes=["read"])
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    token.countries.add(indonesia)
    rows = read_csv(client.get(url("influencers"), HTTP_AUTHORIZATION=f"Bearer {key}"))
    assert "Kaykai Salaider" not in {r["name"] for r in rows} and len(rows) == 3
    assert client.get(url("government-contacts"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404
    assert client.get(url("influencers"), HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client.get(url("influencers")).status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize("n", [1, 50])
def test_queries_do_not_grow_with_rows(client, id_operator, indonesia, django_assert_max_num_queries, n):
    for _i in range(n):
        influencer = f.InfluencerFactory(country=indonesia)
        f.PlatformAccountFactory(influencer=influencer)
        f.PlatformAccountFactory(influencer=influencer, platform="youtube")
    client.force_login(id_operator)
    for fmt in ("csv", "xlsx"):
        # session, user, memberships, profile, scope + filterset, rows, 2 prefetches, audit entry
        with django_assert_max_num_queries(10):
            response = client.get(url("influencers", fmt))
            body = b"".join(response.streaming_content)
        assert body


def test_export_links_carry_the_filters_and_current_country(indonesia):
    request = RequestFactory().get("/influencers/?stage=active&page=3")
    template = Template('{% load exports %}{% export_links "influencers" %}')
    html = template.render(RequestContext(request, {"country": indonesia}))
    assert "/exports/influencers.csv?stage=active&amp;country=ID" in html
    assert "/exports/influencers.xlsx?stage=active&amp;country=ID" in html
    assert '/exports/challenges.csv"' in Template('{% load exports %}{% export_links "challenges" %}').render(
        Context({})
    )


def test_an_export_imports_back_unchanged(client, id_lead, data, tmp_path):
    """Exports use the import's column names: edit the sheet, import it back."""
    from imports.services import run_file
    from influencers.models import Influencer

    client.force_login(id_lead)
    response = client.get(url("influencers", country="ID"))
    path = tmp_path / "influencers.csv"
    path.write_bytes(b"".join(response.streaming_content))
    before = Influencer.objects.count()
    job = run_file(str(path), "influencers", user=id_lead, dry_run=False, skip_errors=False)
    assert job.counts == {"create": 0, "update": 0, "unchanged": 3, "skip": 0, "error": 0}, job.errors
    assert Influencer.objects.count() == before


def test_a_moments_next_occurrence_counts_from_its_own_countrys_day(client, superuser, indonesia):
    """Exported from Jakarta's portal at 20:00 UTC (the 5th there), a Los Angeles moment ending on
    the 4th is still on: it is midday of the 4th in Los Angeles."""
    import datetime as dt
    from unittest import mock

    usa = f.CountryFactory(code="US", name="United States", timezone="America/Los_Angeles")
    for country in (indonesia, usa):
        moment = f.CulturalMomentFactory(country=country, name=f"Festival {country.code}")
        f.OccurrenceFactory(moment=moment, starts_on=dt.date(2026, 12, 2), ends_on=dt.date(2026, 12, 4))
    client.force_login(superuser)
    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        rows = {r["name"]: r["next_starts_on"] for r in read_csv(client.get(url("cultural-moments")))}
    assert rows == {"Festival ID": "", "Festival US": "2026-12-02"}
