"""A NUL byte (which PostgreSQL text cannot hold) in a URL, a filter, a natural key or a body is
a 400 or a 404, never a 500, at the API and in the portal."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

API_READS = [
    "/api/v1/challenges/?q=a%00b",
    "/api/v1/challenges/?hashtag=a%00b",
    "/api/v1/challenges/?ordering=%00",
    "/api/v1/challenges/?cursor=%00",
    "/api/v1/challenges/ID:a%00b/",
    "/api/v1/influencers/?q=a%00b",
    "/api/v1/platform-accounts/youtube:a%00/",
    "/api/v1/countries/I%00/",
    "/api/v1/events/?q=%00",
]
PORTAL_READS = [
    "/search/?q=a%00b",
    "/challenges/?q=a%00b",
    "/challenges/?status=%00",
    "/influencers/?q=%00",
    "/influencers/board/?q=%00",
    "/events/?q=%00",
    "/calendar/?month=%00",
    "/government/?q=%00",
]


@pytest.mark.parametrize("url", API_READS)
def test_api_reads(api, indonesia, url):
    assert api.get(url).status_code in {200, 400, 404}


@pytest.mark.parametrize("url", PORTAL_READS)
def test_portal_reads(client, id_lead, url):
    client.force_login(id_lead)
    assert client.get(url).status_code in {200, 400, 404}


def test_api_writes_name_the_field(api, indonesia):
    f.ChallengeFactory(country=indonesia, hashtag="real")
    snapshot = {
        "challenge": {"country": "ID", "hashtag": "re\x00al"},
        "captured_at": "2026-07-01T00:00:00Z",
        "views": 1,
    }
    response = api.post("/api/v1/challenge-metrics/", snapshot, format="json")
    assert response.status_code == 400 and "challenge" in response.json()["errors"]
    challenge = {"country": "ID", "hashtag": "nul\x00tag", "title": "t"}
    response = api.post("/api/v1/challenges/", challenge, format="json")
    assert response.status_code == 400 and "hashtag" in response.json()["errors"]
