"""The portal's lists page by keys first and count up to a point (opsportal.portal.pagination)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencers.models import Influencer
from locales.models import RegulatorRequest
from opsportal.portal import pagination
from opsportal.portal.pagination import KeysFirstPaginator
from opsportal.scope import system_scope
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def influencers(indonesia):
    # Names repeat, so the order's tie-break (the id) decides between them.
    return [f.InfluencerFactory(country=indonesia, name=f"Creator {i % 4}") for i in range(23)]


def _annotated():
    return (
        Influencer.objects.select_related("country")
        .annotate(n_accounts=Count("accounts"), label=F("name"))
        .order_by("name", "pk")
    )


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (5, 2), (7, 0), (50, 0)])
def test_every_page_holds_the_rows_django_slicing_gives_in_the_same_order(influencers, per_page, orphans):
    with system_scope():
        plain = Paginator(_annotated(), per_page, orphans=orphans)
        keyed = KeysFirstPaginator(_annotated(), per_page, orphans=orphans)
        assert keyed.num_pages == plain.num_pages
        for number in plain.page_range:
            expected = list(plain.page(number))
            got = list(keyed.page(number))
            assert [r.pk for r in got] == [r.pk for r in expected]
            assert [(r.n_accounts, r.label, r.country.code) for r in got] == [
                (r.n_accounts, r.label, r.country.code) for r in expected
            ]


def test_lists_of_values_and_plain_lists_are_sliced_as_django_does(influencers):
    with system_scope():
        values = KeysFirstPaginator(Influencer.objects.order_by("pk").values("pk", "name"), 5)
        assert [row["pk"] for row in values.page(2)] == [i.pk for i in influencers[5:10]]
    assert list(KeysFirstPaginator(list(range(12)), 5).page(3)) == [10, 11]


def test_lists_it_cannot_page_by_keys_are_counted_and_sliced_as_django_does(influencers, monkeypatch):
    """values(), unions and slices keep Django's exact count (the cap is for keyed lists only)."""
    monkeypatch.setattr(pagination, "COUNTED_UP_TO", 3)
    with system_scope():
        values = KeysFirstPaginator(Influencer.objects.order_by("pk").values("pk"), 5)
        assert values.count == 23 and values.more_than is None
        ordered = Influencer.objects.order_by()
        union = KeysFirstPaginator(
            ordered.filter(pk__lte=influencers[9].pk).union(ordered.filter(pk__gt=influencers[9].pk)).order_by("pk"), 5
        )
        assert union.count == 23 and union.more_than is None
        assert [r.pk for r in union.page(5)] == [i.pk for i in influencers[20:]]
        sliced = KeysFirstPaginator(Influencer.objects.order_by("pk")[2:14], 5)
        assert sliced.count == 12 and sliced.more_than is None
        assert [r.pk for r in sliced.page(3)] == [i.pk for i in influencers[12:14]]


def test_a_page_reads_only_its_own_rows(influencers):
    """Three queries: the count, the page's ids (no annotation selected), then the rows of those ids."""
    with system_scope(), CaptureQueriesContext(connection) as queries:
        page = KeysFirstPaginator(_annotated(), 5).page(2)
        list(page)
    count, ids, rows = (q["sql"] for q in queries.captured_queries)
    assert "COUNT(" in count and "LIMIT" in ids and "OFFSET" in ids and "OFFSET" not in rows
    assert '"n_accounts"' not in ids


def test_a_long_list_is_counted_up_to_a_point_and_next_still_leads_on(client, id_lead, indonesia, monkeypatch):
    f.InfluencerFactory.create_batch(120, country=indonesia)
    monkeypatch.setattr(pagination, "COUNTED_UP_TO", 10)
    client.force_login(id_lead)
    url = reverse("influencers:list")
    # Pages of 50: page 1 counts to 51 rows, enough to know a second page follows.
    first = client.get(url).content.decode()
    assert "More than 50 results" in first
    assert "Page 1 of" not in first and "Page 1<" in first
    assert 'rel="next"' in first
    # Asked for a page further on, the list counts far enough to show it and the next.
    second = client.get(url, {"page": 2}).content.decode()
    assert "More than 100 results" in second and 'rel="next"' in second and 'rel="prev"' in second
    # The last page counts the list to its end: the real figure, no Next.
    last = client.get(url, {"page": 3}).content.decode()
    assert "120 results" in last and "Page 3 of 3" in last and 'rel="next"' not in last


def test_a_short_list_shows_its_exact_count(client, id_lead, influencers):
    client.force_login(id_lead)
    page = client.get(reverse("influencers:list")).content.decode()
    assert "23 results" in page and "More than" not in page


def test_a_page_past_the_end_shows_the_last_page(client, id_lead, indonesia):
    f.RegulatorRequestFactory.create_batch(3, country=indonesia)
    client.force_login(id_lead)
    response = client.get(reverse("locales:requests"), {"page": 99})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == RegulatorRequest.objects.count() == 3


def test_another_countrys_rows_are_neither_counted_nor_shown(client, id_lead, indonesia, thailand, influencers):
    f.InfluencerFactory(country=thailand, name="Creator 0 TH")
    client.force_login(id_lead)
    page = client.get(reverse("influencers:list")).content.decode()
    assert "23 results" in page and "Creator 0 TH" not in page
