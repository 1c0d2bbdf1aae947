"""The API benchmark's bare views (benchmarks/baseline.py) answer what the API answers: the bench
refuses to time them otherwise, so a change that breaks them breaks `manage.py bench_api`."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = [
    pytest.mark.postgresql(reason="the baseline reads through its own psycopg connection"),
    # Its own connection sees committed rows only.
    pytest.mark.django_db(transaction=True),
]


@override_settings(ROOT_URLCONF="benchmarks.urls")
@pytest.mark.parametrize("name", ["influencers", "challenges"])
def test_the_baseline_answers_the_apis_first_page(name, indonesia, thailand):
    for country in (indonesia, thailand):
        f.InfluencerFactory.create_batch(3, country=country)
        f.ChallengeFactory.create_batch(3, country=country)
    key, _token = make_token([indonesia, thailand], ("read",))
    api = client_for(key).get(f"/api/v1/{name}/?page_size=50", HTTP_HOST="127.0.0.1")
    bare = Client().get(f"/bench/baseline/{name}/", HTTP_HOST="127.0.0.1")
    assert api.status_code == bare.status_code == 200
    assert json.loads(bare.content)["results"] == api.json()["results"]
    assert len(api.json()["results"]) == 6
