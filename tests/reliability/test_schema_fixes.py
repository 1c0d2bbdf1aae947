"""What fuzzing the API against its own schema found (issue 19): the schema and the answers agree."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import client_for, make_token


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_an_events_copied_from_is_documented_as_nullable(schema):
    assert schema["components"]["schemas"]["Event"]["properties"]["copied_from"]["nullable"] is True


def test_every_webhook_operation_documents_its_404(schema):
    for path, operations in schema["paths"].items():
        if "/webhooks/{id}" in path:
            for method, operation in operations.items():
                assert "404" in operation["responses"], (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0.5", "1e3", "99999999999999999999999"])
def test_a_count_filter_takes_whole_numbers_only(indonesia, value):
    key, _token = make_token([indonesia])
    response = client_for(key).get("/api/v1/challenges/", {"views_min": value})
    assert response.status_code == 400
    assert "views_min" in response.json()["errors"]


@pytest.mark.django_db
def test_a_whole_number_count_filter_still_works(indonesia):
    key, _token = make_token([indonesia])
    assert client_for(key).get("/api/v1/challenges/", {"views_min": "5"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_an_unknown_api_address_is_a_json_404_for_every_method_even_without_csrf(indonesia, method):
    from rest_framework.test import APIClient

    key, _token = make_token([indonesia])
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["csrftoken"] = "x" * 32
    response = getattr(client, method)("/api/v1/webhooks/9.47e-76/", {"url": "x"})
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/follower-snapshots/?account=-3.02e%2B203", "/api/v1/government-interactions/?contact=3.01e%2B43"]
)
def test_an_id_filter_too_large_or_fractional_is_400_not_500(indonesia, path):
    key, _token = make_token([indonesia], scopes=("read", "government"))
    response = client_for(key).get(path)
    assert response.status_code == 400, response.content


@pytest.mark.django_db
def test_an_occurrence_without_an_end_or_with_a_year_out_of_range_is_not_a_500(indonesia):
    from tests import factories as f

    key, _token = make_token([indonesia])
    moment = f.CulturalMomentFactory(country=indonesia)
    api = client_for(key)
    url = f"/api/v1/cultural-moments/{moment.pk}/"
    bad_year = api.patch(url, {"occurrences": [{"year": 412491, "starts_on": "2026-04-13"}]}, format="json")
    assert bad_year.status_code == 400 and "occurrences.0.year" in bad_year.json()["errors"], bad_year.json()
    no_end = api.patch(url, {"occurrences": [{"year": 2026, "starts_on": "2026-04-13"}]}, format="json")
    assert no_end.status_code == 400 and "occurrences.0.ends_on" in no_end.json()["errors"], no_end.json()
