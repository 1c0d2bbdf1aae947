"""The goals API: leads write, everyone who views reads; attainment per country and quarter."""

import pytest

from goals.models import CountryGoal
from tests.api.conftest import client_for, make_token
from tests.factories import ExternalFigureFactory, GoalFactory

pytestmark = pytest.mark.django_db

GOAL = {"country": "ID", "year": 2018, "quarter": 3, "metric": "core_active", "target": 100, "note": "Over 100 core"}


def test_a_lead_writes_goals(id_lead, indonesia):
    api = client_for(user=id_lead)
    created = api.post("/api/v1/goals/", GOAL, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api.patch(f"/api/v1/goals/{pk}/", {"target": 120}, format="json").json()["target"] == 120
    # One goal per country, quarter and metric: a 400 naming the fields, not a 500.
    again = api.post("/api/v1/goals/", GOAL, format="json")
    assert again.status_code == 400 and again.json()["type"] == "validation_error"
    bad = api.post("/api/v1/goals/", {**GOAL, "metric": "chart_rank", "target": 0}, format="json")
    assert bad.status_code == 400 and "target" in bad.json()["errors"]
    bad = api.post("/api/v1/goals/", {**GOAL, "metric": "events_held", "quarter": 5}, format="json")
    assert bad.status_code == 400 and "quarter" in bad.json()["errors"]
    assert api.delete(f"/api/v1/goals/{pk}/").status_code == 204
    assert not CountryGoal.objects.exists()


def test_an_operator_and_a_token_read_but_cannot_write(id_operator, indonesia):
    goal = GoalFactory(country=indonesia)
    key, _token = make_token([indonesia], ("read", "write"))
    for api in (client_for(user=id_operator), client_for(key)):
        assert api.get("/api/v1/goals/").json()["results"][0]["id"] == goal.pk
        assert api.post("/api/v1/goals/", GOAL, format="json").status_code == 403
        assert api.patch(f"/api/v1/goals/{goal.pk}/", {"target": 1}, format="json").status_code == 403
        assert api.delete(f"/api/v1/goals/{goal.pk}/").status_code == 403
    assert CountryGoal.objects.get().target == 100


def test_another_countrys_goal_is_404(id_lead, thailand):
    theirs = GoalFactory(country=thailand)
    api = client_for(user=id_lead)
    assert api.get(f"/api/v1/goals/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/goals/{theirs.pk}/", {"target": 1}, format="json").status_code == 404
    assert api.post("/api/v1/goals/", {**GOAL, "country": "TH"}, format="json").status_code == 400
    assert api.get("/api/v1/goals/attainment/?country=TH").status_code == 404


def test_filters_by_country_year_quarter(id_lead, indonesia):
    GoalFactory(country=indonesia, year=2018, quarter=3)
    GoalFactory(country=indonesia, year=2018, quarter=4)
    api = client_for(user=id_lead)
    rows = api.get("/api/v1/goals/?country=ID&year=2018&quarter=4").json()["results"]
    assert [(r["year"], r["quarter"]) for r in rows] == [(2018, 4)]


def test_attainment(id_viewer, indonesia):
    GoalFactory(country=indonesia, year=2018, quarter=3, metric="monthly_active_users", target=10_000_000)
    ExternalFigureFactory(country=indonesia, measured_on="2018-08-31", value=12_000_000, source="Analytics report")
    api = client_for(user=id_viewer)
    body = api.get("/api/v1/goals/attainment/?country=ID&year=2018&quarter=3").json()
    [country] = body["results"]
    assert (country["country"], country["year"], country["quarter"], country["elapsed"]) == ("ID", 2018, 3, 1.0)
    mau = next(m for m in country["metrics"] if m["metric"] == "monthly_active_users")
    assert mau["actual"] == 12_000_000 and mau["standing"] == "reached" and mau["source"] == "Analytics report"
    assert mau["measured_on"] == "2018-08-31" and mau["from_records"] is False
    core = next(m for m in country["metrics"] if m["metric"] == "core_active")
    assert core["target"] is None and core["from_records"] is True
    bad = api.get("/api/v1/goals/attainment/?year=2018&quarter=7")
    assert bad.status_code == 400 and "quarter" in bad.json()["errors"]
    assert len(api.get("/api/v1/goals/attainment/").json()["results"]) == 1


def test_an_operator_records_an_external_figure(id_operator, indonesia):
    api = client_for(user=id_operator)
    payload = {"country": "ID", "metric": "chart_rank", "measured_on": "2018-08-01", "value": 0, "source": "App store"}
    bad = api.post("/api/v1/external-figures/", payload, format="json")
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    created = api.post("/api/v1/external-figures/", {**payload, "value": 1}, format="json")
    assert created.status_code == 201 and created.json()["entered_by"] == "id-operator"


def test_the_goals_export_carries_attainment(client, id_lead, indonesia):
    import csv
    import io

    GoalFactory(country=indonesia, year=2018, quarter=3, metric="monthly_active_users", target=10_000_000)
    ExternalFigureFactory(country=indonesia, measured_on="2018-08-31", value=12_000_000, source="Analytics report")
    client.force_login(id_lead)
    response = client.get("/exports/goals.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r["metric"], r["target"], r["actual"], r["standing"], r["source"]) for r in rows] == [
        ("monthly_active_users", "10000000", "12000000", "reached", "Analytics report")
    ]
