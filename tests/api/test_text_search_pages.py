"""The API's ``q`` filter cuts each side of its match to the keyset page asked for (PostgreSQL):
walking every page still gives every match once, in the page order, with the other filters
applied, a creator with several matching handles included once."""

import pytest

from influencers.models import Stage
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db


def _walk(api, url: str) -> list[int]:
    ids = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        ids += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return ids


@pytest.fixture
def creators(indonesia, thailand):
    """Indonesia: six "Glow" creators by name (followers tied in pairs), two by three handles
    each, three that do not match; one Thai "Glow" creator outside the token's country."""
    by_name = [
        f.InfluencerFactory(
            country=indonesia,
            name=f"Glow Up {i}",
            total_followers=(i // 2) * 1000,
            stage=Stage.ACTIVE if i % 2 else Stage.PROSPECT,
        )
        for i in range(6)
    ]
    by_handles = []
    for i in range(2):
        creator = f.InfluencerFactory(country=indonesia, name=f"Someone {i}", total_followers=1500, stage=Stage.ACTIVE)
        for j in range(3):
            f.PlatformAccountFactory(
                influencer=creator, platform=["tiktok", "youtube", "instagram"][j], handle=f"glowfan{i}{j}"
            )
        by_handles.append(creator)
    f.InfluencerFactory.create_batch(3, country=indonesia, name="Nobody")
    f.InfluencerFactory(country=thailand, name="Glow Thai")
    return by_name + by_handles


@pytest.mark.parametrize("ordering", ["", "-total_followers", "total_followers", "name", "-name"])
@pytest.mark.parametrize("stage", ["", Stage.ACTIVE])
@pytest.mark.parametrize("page_size", [1, 2, 3, 50])
def test_every_page_of_a_search_in_order(indonesia, creators, ordering, stage, page_size):
    key, _token = make_token([indonesia], ("read",))
    api = client_for(key)
    url = f"/api/v1/influencers/?q=glow&page_size={page_size}&ordering={ordering}&stage={stage}"
    expected = [c for c in creators if not stage or c.stage == stage]
    field = ordering.lstrip("-") or "pk"
    desc = ordering.startswith("-") or not ordering  # the default order is newest first
    expected.sort(key=lambda c: (getattr(c, field), c.pk), reverse=desc)
    assert _walk(api, url) == [c.pk for c in expected]
