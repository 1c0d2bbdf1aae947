"""The story's goals: Indonesia's 2018 quarters and this quarter's, with outside figures and their source."""

import datetime as dt

import pytest

from goals.models import CountryGoal, ExternalFigure, Metric
from goals.quarters import Quarter
from goals.selectors import Standing, attainment
from locales.models import Country
from tests.seeded import demo_data_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_indonesias_2018_goals_and_figures(demo_data):
    indonesia = Country.objects.get(code="ID")
    q3 = {g.metric: g for g in CountryGoal.objects.filter(country=indonesia, year=2018, quarter=3)}
    assert q3[Metric.CORE_ACTIVE].target == 100 and "100 core" in q3[Metric.CORE_ACTIVE].note
    assert (
        CountryGoal.objects.get(country=indonesia, year=2018, quarter=1, metric=Metric.CHALLENGE_VIEWS).target
        == 50_000_000
    )
    assert ExternalFigure.objects.filter(metric=Metric.MONTHLY_ACTIVE_USERS, source__contains="analytics").count() >= 3
    [entry] = attainment([indonesia], Quarter(2018, 1), now=dt.datetime(2018, 4, 2, tzinfo=dt.UTC))
    views = entry.by_metric()[Metric.CHALLENGE_VIEWS]
    assert views.actual >= 53_000_000 and views.standing == Standing.REACHED  # the frame challenge's week
    [entry] = attainment([indonesia], Quarter(2018, 3), now=dt.datetime(2018, 10, 2, tzinfo=dt.UTC))
    mau = entry.by_metric()[Metric.MONTHLY_ACTIVE_USERS]
    assert mau.actual == 11_400_000 and mau.measured_on == dt.date(2018, 8, 31) and mau.standing == Standing.REACHED


def test_this_quarter_has_goals_in_two_countries(demo_data):
    quarter = Quarter.of(demo_data["today"])
    codes = set(
        CountryGoal.objects.filter(year=quarter.year, quarter=quarter.quarter).values_list("country__code", flat=True)
    )
    assert codes == {"ID", "TH"}
