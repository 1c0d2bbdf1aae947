"""Every resource through the HTTP client: list, read, create, update, delete, scoping."""

import pytest

from tests.api.conftest import client_for, make_token
from tests.api.resources import RESOURCES, WRITABLE

pytestmark = pytest.mark.django_db

ids = [r.path for r in RESOURCES]


def _api_for(resource, country):
    scopes = resource.scopes("read", "write")
    key, _token = make_token([country], scopes)
    return client_for(key)


@pytest.mark.parametrize("resource", RESOURCES, ids=ids)
def test_list_and_read_only_own_country(resource, indonesia, thailand):
    api = _api_for(resource, indonesia)
    mine = resource.make(indonesia)
    theirs = resource.make(thailand)
    response = api.get(resource.url())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"next", "results"}
    listed = {row["id"] for row in body["results"]}
    assert mine.pk in listed
    assert theirs.pk not in listed
    detail = api.get(resource.url(mine.pk))
    assert detail.status_code == 200
    assert detail.json()["id"] == mine.pk
    assert detail.json()["url"].endswith(resource.url(mine.code if resource.path == "countries" else mine.pk))
    # The list row and the detail are the same representation.
    assert [row for row in body["results"] if row["id"] == mine.pk][0] == detail.json()
    # Another country's record is not found, never forbidden.
    other = api.get(resource.url(theirs.pk))
    assert other.status_code == 404
    assert other.json()["type"] == "not_found"


@pytest.mark.parametrize("resource", WRITABLE, ids=[r.path for r in WRITABLE])
def test_create_update_delete(resource, indonesia):
    api = _api_for(resource, indonesia)
    created = api.post(resource.url(), resource.create(indonesia), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api.get(resource.url(pk)).status_code == 200
    updated = api.patch(resource.url(pk), resource.update, format="json")
    assert updated.status_code == 200, updated.json()
    for name, value in resource.update.items():
        got = updated.json()[name]
        if name.endswith("_at") and value:
            assert got.startswith(value[:10]) or got.endswith("Z")
        else:
            assert got == value, name
    response = api.delete(resource.url(pk))
    assert response.status_code == 204
    assert api.get(resource.url(pk)).status_code == 404


@pytest.mark.parametrize("resource", WRITABLE, ids=[r.path for r in WRITABLE])
def test_cannot_write_in_another_country(resource, indonesia, thailand):
    api = _api_for(resource, indonesia)
    theirs = resource.make(thailand)
    assert api.patch(resource.url(theirs.pk), resource.update, format="json").status_code == 404
    assert api.delete(resource.url(theirs.pk)).status_code == 404
    # Creating there: the country (or the parent record) is unknown to this token.
    response = api.post(resource.url(), resource.create(thailand), format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"]


@pytest.mark.parametrize("resource", WRITABLE, ids=[r.path for r in WRITABLE])
def test_read_scope_cannot_write(resource, indonesia):
    scopes = resource.scopes("read")
    key, _token = make_token([indonesia], scopes)
    api = client_for(key)
    mine = resource.make(indonesia)
    assert api.get(resource.url(mine.pk)).status_code == 200
    for response in (
        api.post(resource.url(), resource.create(indonesia), format="json"),
        api.patch(resource.url(mine.pk), resource.update, format="json"),
        api.delete(resource.url(mine.pk)),
    ):
        assert response.status_code == 403
        assert response.json()["type"] == "permission_denied"


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.government], ids=lambda r: r.path)
def test_government_needs_the_scope(resource, indonesia):
    key, _token = make_token([indonesia], ("read", "write"))
    api = client_for(key)
    record = resource.make(indonesia)
    for response in (api.get(resource.url()), api.get(resource.url(record.pk))):
        assert response.status_code == 403
        assert response.json()["type"] == "permission_denied"


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.finance], ids=lambda r: r.path)
def test_finance_needs_the_scope(resource, indonesia):
    key, _token = make_token([indonesia], ("read", "write", "government"))
    api = client_for(key)
    record = resource.make(indonesia)
    for response in (api.get(resource.url()), api.get(resource.url(record.pk))):
        assert response.status_code == 403
        assert response.json()["type"] == "permission_denied"


def test_operator_session_sees_no_government_data(client, id_operator, id_lead, indonesia):
    from tests import factories as f

    f.GovernmentContactFactory(country=indonesia)
    assert client_for(user=id_operator).get("/api/v1/government-contacts/").status_code == 403
    response = client_for(user=id_lead).get("/api/v1/government-contacts/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_viewer_session_reads_but_cannot_write(id_viewer, indonesia):
    api = client_for(user=id_viewer)
    assert api.get("/api/v1/challenges/").status_code == 200
    response = api.post(
        "/api/v1/challenges/", {"country": "ID", "hashtag": "x", "title": "x", "format": "dance"}, format="json"
    )
    assert response.status_code == 403


def test_operator_of_two_countries_cannot_create_where_only_viewer(indonesia, thailand):
    from locales.models import Role
    from tests import factories as f

    user = f.UserFactory(username="mixed")
    f.MembershipFactory(user=user, country=indonesia, role=Role.OPERATOR)
    f.MembershipFactory(user=user, country=thailand, role=Role.VIEWER)
    api = client_for(user=user)
    payload = {"hashtag": "x", "title": "x", "format": "dance"}
    assert api.post("/api/v1/challenges/", {**payload, "country": "ID"}, format="json").status_code == 201
    response = api.post("/api/v1/challenges/", {**payload, "country": "TH"}, format="json")
    assert response.status_code == 403
    # Nor move a record there.
    pk = api.get("/api/v1/challenges/?country=ID").json()["results"][0]["id"]
    assert api.patch(f"/api/v1/challenges/{pk}/", {"country": "TH"}, format="json").status_code == 403
