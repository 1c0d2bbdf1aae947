"""The goals page: a lead sets the quarter's targets on one screen; operators and viewers read."""

import datetime as dt

import pytest
from django.utils import timezone

from goals.models import CountryGoal, ExternalFigure, Metric
from goals.quarters import Quarter
from tests.factories import CountryFactory, ExternalFigureFactory, GoalFactory

pytestmark = pytest.mark.django_db


def this_quarter():
    return Quarter.of(timezone.localdate(timezone=CountryFactory(code="ID").zone))


def goals_post(quarter, **targets):
    data = {"year": quarter.year, "quarter": quarter.quarter}
    for metric in Metric:
        data[f"target_{metric.value}"] = targets.get(metric.value, "")
        data[f"note_{metric.value}"] = ""
    return data


def test_a_lead_sets_the_quarter_and_sees_it(client, id_lead, indonesia):
    client.force_login(id_lead)
    q = Quarter(2018, 3)
    page = client.get("/goals/edit/?year=2018&quarter=3")
    assert page.status_code == 200
    response = client.post("/goals/edit/", goals_post(q, core_active=100, challenge_views=53_000_000, chart_rank=1))
    assert response.status_code == 302 and "year=2018" in response["Location"]
    assert {(g.metric, g.target) for g in CountryGoal.objects.all()} == {
        ("core_active", 100),
        ("challenge_views", 53_000_000),
        ("chart_rank", 1),
    }
    page = client.get("/goals/?year=2018&quarter=3").content.decode()
    assert "Core influencers active" in page and "53,000,000" in page
    # Emptying a target removes that goal; changing one keeps one row per metric.
    client.post("/goals/edit/", goals_post(q, core_active=120))
    assert list(CountryGoal.objects.values_list("metric", "target")) == [("core_active", 120)]


def test_bad_targets_are_form_errors_and_nothing_is_written(client, id_lead, indonesia):
    client.force_login(id_lead)
    GoalFactory(country=indonesia, year=2018, quarter=3, metric="events_held", target=4)
    response = client.post("/goals/edit/", goals_post(Quarter(2018, 3), events_held=5, chart_rank=0, core_active=-3))
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("A target is 1 or more") == 2
    assert list(CountryGoal.objects.values_list("metric", "target")) == [("events_held", 4)]


def test_an_operator_reads_goals_but_cannot_set_them(client, id_operator, indonesia):
    GoalFactory(country=indonesia, year=2018, quarter=3)
    client.force_login(id_operator)
    page = client.get("/goals/?year=2018&quarter=3")
    assert page.status_code == 200 and "Set goals" not in page.content.decode()
    assert client.get("/goals/edit/").status_code == 403
    assert client.post("/goals/edit/", goals_post(Quarter(2018, 3), core_active=1)).status_code == 403
    assert CountryGoal.objects.get().target == 100


def test_another_countrys_figure_is_404(client, id_lead, thailand):
    theirs = ExternalFigureFactory(country=thailand)
    client.force_login(id_lead)
    assert client.get(f"/goals/figures/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/goals/figures/{theirs.pk}/delete/").status_code == 404
    assert ExternalFigure.objects.count() == 1


def test_an_external_figure_with_its_source(client, id_operator, indonesia):
    client.force_login(id_operator)
    today = timezone.localdate(timezone=indonesia.zone)
    data = {"metric": "monthly_active_users", "measured_on": today.isoformat(), "value": "12000000", "source": ""}
    response = client.post("/goals/figures/new/", data)
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    future = dict(data, source="Analytics", measured_on=(today + dt.timedelta(days=2)).isoformat())
    assert client.post("/goals/figures/new/", future).status_code == 400
    assert client.post("/goals/figures/new/", dict(data, source="Analytics monthly report")).status_code == 302
    figure = ExternalFigure.objects.get()
    assert figure.entered_by == id_operator and figure.country == indonesia
    page = client.get("/goals/").content.decode()
    assert "Analytics monthly report" in page


def _page_queries(client, url, django_assert_max_num_queries) -> int:
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_goals_page_query_count_1_and_50_rows(client, id_lead, indonesia, django_assert_max_num_queries):
    quarter = this_quarter()
    for metric in list(Metric)[:5]:
        GoalFactory(country=indonesia, year=quarter.year, quarter=quarter.quarter, metric=metric, target=10)

    def figures(start, stop):
        for i in range(start, stop):
            day = quarter.first_day + dt.timedelta(days=i % 45)
            metric = ["monthly_active_users", "chart_rank"][i % 2]
            ExternalFigureFactory(country=indonesia, measured_on=day, metric=metric, entered_by=id_lead, value=i + 1)

    client.force_login(id_lead)
    figures(0, 1)
    with_one = _page_queries(client, "/goals/", django_assert_max_num_queries)
    figures(1, 50)
    assert _page_queries(client, "/goals/", django_assert_max_num_queries) == with_one


def test_the_dashboard_shows_the_quarter_scorecard(client, id_lead, indonesia):
    quarter = this_quarter()
    GoalFactory(country=indonesia, year=quarter.year, quarter=quarter.quarter, metric="core_active", target=100)
    client.force_login(id_lead)
    page = client.get("/").content.decode()
    assert f"Goals for {quarter}" in page and "Core influencers active" in page and 'role="progressbar"' in page


def _hq_goals(countries, quarter):
    for country in countries:
        GoalFactory(country=country, year=quarter.year, quarter=quarter.quarter, metric="events_held", target=2)
        GoalFactory(country=country, year=quarter.year, quarter=quarter.quarter, metric="chart_rank", target=3)
        ExternalFigureFactory(country=country, metric="chart_rank", measured_on=quarter.first_day, value=2)


def test_hq_compares_countries_and_sorts(client, hq_viewer):
    quarter = Quarter(2018, 3)
    indonesia, thailand = CountryFactory(code="ID"), CountryFactory(code="TH")
    _hq_goals([indonesia, thailand], quarter)
    from tests.factories import EventFactory

    EventFactory(country=thailand, status="held", starts_at=dt.datetime(2018, 8, 1, tzinfo=dt.UTC))
    client.force_login(hq_viewer)
    page = client.get("/hq/?year=2018&quarter=3&gsort=-events_held").content.decode()
    table = page[page.index("hq-goals") :]
    assert table.index("Thailand") < table.index("Indonesia")
    page = client.get("/hq/?year=2018&quarter=3&gsort=events_held").content.decode()
    table = page[page.index("hq-goals") :]
    assert table.index("Indonesia") < table.index("Thailand")


def test_hq_goals_query_count_with_1_and_50_countries(client, hq_viewer, django_assert_max_num_queries):
    quarter = this_quarter()
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(50)]
    _hq_goals([CountryFactory(code="ID")], quarter)
    client.force_login(hq_viewer)
    with_one = _page_queries(client, "/hq/", django_assert_max_num_queries)
    _hq_goals([CountryFactory(code=code) for code in codes[:49]], quarter)
    assert _page_queries(client, "/hq/", django_assert_max_num_queries) == with_one
