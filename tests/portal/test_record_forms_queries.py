"""Query budgets of the pages issue 14 added or extended: constant whatever the rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

from .test_query_counts import build_rows, count_queries

pytestmark = pytest.mark.django_db


def test_cultural_moments_list_has_a_constant_query_count(client, indonesia, id_lead, django_assert_max_num_queries):
    client.force_login(id_lead)
    url = reverse("locales:moments")
    build_rows(indonesia, id_lead, 1)
    with_one = count_queries(client, url, {}, django_assert_max_num_queries)
    build_rows(indonesia, id_lead, 49)
    with_fifty = count_queries(client, url, {}, django_assert_max_num_queries)
    assert with_fifty == with_one


def test_challenge_page_with_its_numbers_has_a_constant_query_count(
    client, indonesia, id_operator, django_assert_max_num_queries
):
    client.force_login(id_operator)
    challenge = f.ChallengeFactory(country=indonesia, status="live")
    now = timezone.now()
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now)
    url = reverse("challenges:detail", args=[challenge.pk])
    with_one = count_queries(client, url, {}, django_assert_max_num_queries)
    for day in range(1, 40):
        f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=day))
    assert count_queries(client, url, {}, django_assert_max_num_queries) == with_one


def test_event_page_with_its_add_forms_has_a_constant_query_count(
    client, indonesia, id_operator, django_assert_max_num_queries
):
    client.force_login(id_operator)
    event = f.EventFactory(country=indonesia)

    def add(n):
        for _ in range(n):
            f.EventTaskFactory(event=event, assignee=id_operator)
            f.EventGuestFactory(event=event, influencer=f.InfluencerFactory(country=indonesia))
            f.InfluencerFactory(country=indonesia)  # one more to choose from
            f.EventPartnerFactory(event=event, partner=f.PartnerFactory(country=indonesia))

    url = reverse("events:detail", args=[event.pk])
    add(1)
    with_one = count_queries(client, url, {}, django_assert_max_num_queries)
    add(30)
    assert count_queries(client, url, {}, django_assert_max_num_queries) == with_one
