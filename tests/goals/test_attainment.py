"""What each metric counts, on known data: quarter bounds in the country's time, the rank."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from goals.models import Metric
from goals.quarters import Quarter
from goals.selectors import Standing, attainment, country_attainment
from tests.factories import (
    ChallengeFactory,
    CountryFactory,
    EventFactory,
    ExternalFigureFactory,
    GoalFactory,
    InfluencerFactory,
    MetricSnapshotFactory,
)

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
Q3 = Quarter(2018, 3)
MID_Q3 = dt.datetime(2018, 8, 16, 12, tzinfo=dt.UTC)  # about half the quarter gone


def local(*args):
    return dt.datetime(*args, tzinfo=JAKARTA)


def figures(country, quarter=Q3, now=MID_Q3):
    return country_attainment(country, quarter, now=now).by_metric()


def test_quarter_bounds_are_local_midnights():
    start, end = Q3.bounds("Asia/Jakarta")
    assert start == dt.datetime(2018, 6, 30, 17, tzinfo=dt.UTC)  # 1 July 00:00 in Jakarta (UTC+7)
    assert end == dt.datetime(2018, 9, 30, 17, tzinfo=dt.UTC)
    assert Quarter.of(dt.date(2018, 12, 31)) == Quarter(2018, 4) and Quarter(2018, 4).next == Quarter(2019, 1)


def test_challenges_launched_and_events_held_use_the_country_time_at_the_edges():
    indonesia = CountryFactory(code="ID")
    # 1 July 00:30 in Jakarta is 30 June in UTC: it is Q3's.
    ChallengeFactory(country=indonesia, status="live", starts_at=local(2018, 7, 1, 0, 30))
    # 30 June 23:30 in Jakarta: Q2's, although it is... still 30 June in UTC too.
    ChallengeFactory(country=indonesia, status="ended", starts_at=local(2018, 6, 30, 23, 30))
    # 1 October 00:10 in Jakarta is 30 September in UTC: Q4's.
    ChallengeFactory(country=indonesia, status="live", starts_at=local(2018, 10, 1, 0, 10))
    ChallengeFactory(country=indonesia, status="planned", starts_at=local(2018, 8, 1))  # not launched
    EventFactory(country=indonesia, status="held", starts_at=local(2018, 7, 1, 0, 5))
    EventFactory(country=indonesia, status="held", starts_at=local(2018, 10, 1, 0, 5))
    EventFactory(country=indonesia, status="cancelled", starts_at=local(2018, 8, 1))
    got = figures(indonesia)
    assert got[Metric.CHALLENGES_LAUNCHED].actual == 1
    assert got[Metric.EVENTS_HELD].actual == 1


def test_views_gained_in_the_quarter_from_snapshots():
    indonesia = CountryFactory(code="ID")
    frame = ChallengeFactory(country=indonesia, status="live", starts_at=local(2018, 6, 25))
    MetricSnapshotFactory(challenge=frame, captured_at=local(2018, 6, 30, 23), views=1_000_000)  # before Q3
    MetricSnapshotFactory(challenge=frame, captured_at=local(2018, 7, 8), views=54_000_000)
    MetricSnapshotFactory(challenge=frame, captured_at=local(2018, 10, 1, 0, 30), views=60_000_000)  # Q4
    fresh = ChallengeFactory(country=indonesia, status="live", starts_at=local(2018, 8, 1))
    MetricSnapshotFactory(challenge=fresh, captured_at=local(2018, 8, 2), views=2_000)  # all of it gained
    old = ChallengeFactory(country=indonesia, status="ended", starts_at=local(2018, 1, 1))
    MetricSnapshotFactory(challenge=old, captured_at=local(2018, 2, 1), views=9_000)  # nothing in Q3
    GoalFactory(year=2018, quarter=3, country=indonesia, metric=Metric.CHALLENGE_VIEWS, target=100_000_000)
    views = figures(indonesia)[Metric.CHALLENGE_VIEWS]
    assert views.actual == 53_000_000 + 2_000
    assert views.percent == 53
    # Half the quarter gone: about half the target expected; the rest needs a weekly pace.
    assert 45_000_000 < views.expected < 55_000_000
    assert views.standing == Standing.ON_TRACK
    assert views.pace_per_week > 0


def test_core_active_and_crossovers():
    indonesia = CountryFactory(code="ID")
    InfluencerFactory.create_batch(3, country=indonesia, is_core=True, stage="active")
    InfluencerFactory(country=indonesia, is_core=True, stage="dormant")
    InfluencerFactory(country=indonesia, is_core=False, stage="active")
    InfluencerFactory(country=indonesia, crossed_over_on=dt.date(2018, 7, 1))
    InfluencerFactory(country=indonesia, crossed_over_on=dt.date(2018, 9, 30))
    InfluencerFactory(country=indonesia, crossed_over_on=dt.date(2018, 6, 30))
    GoalFactory(year=2018, quarter=3, country=indonesia, metric=Metric.CORE_ACTIVE, target=100)
    got = figures(indonesia)
    assert got[Metric.CORE_ACTIVE].actual == 3
    assert got[Metric.CORE_ACTIVE].standing == Standing.BEHIND
    assert got[Metric.CROSSOVERS].actual == 1  # as of mid-August: 30 September has not come
    last_minute = dt.datetime(2018, 9, 30, 16, 59, tzinfo=dt.UTC)  # 23:59 on 30 September in Jakarta
    assert figures(indonesia, now=last_minute)[Metric.CROSSOVERS].actual == 2
    assert got[Metric.CROSSOVERS].target is None and got[Metric.CROSSOVERS].standing is None


def test_a_past_quarter_counts_core_by_its_last_day():
    indonesia = CountryFactory(code="ID")
    InfluencerFactory(country=indonesia, is_core=True, stage="active", core_since=dt.date(2018, 5, 1))
    InfluencerFactory(country=indonesia, is_core=True, stage="active", core_since=dt.date(2018, 11, 1))
    got = figures(indonesia, Q3, now=dt.datetime(2019, 1, 5, tzinfo=dt.UTC))
    assert got[Metric.CORE_ACTIVE].actual == 1


def test_rank_lower_is_better_and_latest_figure_in_the_quarter_counts():
    indonesia = CountryFactory(code="ID")
    GoalFactory(year=2018, quarter=3, country=indonesia, metric=Metric.CHART_RANK, target=1)
    ExternalFigureFactory(country=indonesia, metric="chart_rank", measured_on=dt.date(2018, 7, 10), value=1)
    ExternalFigureFactory(
        country=indonesia, metric="chart_rank", measured_on=dt.date(2018, 8, 10), value=4, source="App Annie"
    )
    ExternalFigureFactory(country=indonesia, metric="chart_rank", measured_on=dt.date(2018, 10, 1), value=1)  # Q4
    rank = figures(indonesia)[Metric.CHART_RANK]
    assert rank.actual == 4 and rank.source == "App Annie" and rank.measured_on == dt.date(2018, 8, 10)
    assert rank.standing == Standing.BEHIND and rank.percent == 25 and rank.pace_per_week is None
    ExternalFigureFactory(country=indonesia, metric="chart_rank", measured_on=dt.date(2018, 8, 12), value=1)
    rank = figures(indonesia)[Metric.CHART_RANK]
    assert rank.actual == 1 and rank.standing == Standing.REACHED and rank.percent == 100


def test_external_without_a_figure_and_a_missed_quarter():
    indonesia = CountryFactory(code="ID")
    GoalFactory(year=2018, quarter=3, country=indonesia, metric=Metric.MONTHLY_ACTIVE_USERS, target=5)
    GoalFactory(year=2018, quarter=3, country=indonesia, metric=Metric.EVENTS_HELD, target=3)
    got = figures(indonesia)
    assert got[Metric.MONTHLY_ACTIVE_USERS].standing == Standing.NO_FIGURE
    got = figures(indonesia, now=dt.datetime(2018, 10, 2, tzinfo=dt.UTC))
    assert got[Metric.EVENTS_HELD].standing == Standing.MISSED


def test_several_countries_in_a_fixed_number_of_queries(django_assert_num_queries):
    countries = [CountryFactory(code=code) for code in ("ID", "TH", "JP")]
    for country in countries:
        GoalFactory(year=2018, quarter=3, country=country, metric=Metric.EVENTS_HELD, target=2)
        EventFactory(country=country, status="held", starts_at=local(2018, 8, 1))
    # Thailand's quarter starts at its own midnight: an event at 00:30 on 1 July Bangkok time is Q3's.
    EventFactory(
        country=countries[1], status="held", starts_at=dt.datetime(2018, 7, 1, 0, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
    )
    with django_assert_num_queries(3):
        rows = attainment(countries, Q3, now=MID_Q3)
    assert [r.by_metric()[Metric.EVENTS_HELD].actual for r in rows] == [1, 2, 1]
