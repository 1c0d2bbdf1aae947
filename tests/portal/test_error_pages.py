"""The portal's own error pages (no browser: status, frame, language; the browser test looks at them)."""

import pytest
from django.test import RequestFactory

from opsportal.portal.errors import server_error
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_not_found_is_the_portals_page_and_does_not_confirm_existence(client, id_operator, thailand):
    client.force_login(id_operator)
    thai = f.ChallengeFactory(country=thailand, hashtag="SecretThaiLaunch")
    unknown = client.get("/challenges/999999/")
    other = client.get(f"/challenges/{thai.pk}/")
    assert unknown.status_code == other.status_code == 404
    for response in (unknown, other):
        html = response.content.decode()
        assert "We could not find that page" in html and 'id="main-nav"' in html
        assert "SecretThaiLaunch" not in html


def test_a_refused_edit_is_the_portals_403_with_a_way_back(client, id_viewer, indonesia):
    event = f.EventFactory(country=indonesia)
    client.force_login(id_viewer)
    response = client.get(f"/events/{event.pk}/edit/", HTTP_REFERER=f"http://testserver/events/{event.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this with your role" in html
    assert f'href="http://testserver/events/{event.pk}/"' in html  # "Back" goes where the person came from


def test_back_never_points_off_site(client, id_viewer, indonesia):
    event = f.EventFactory(country=indonesia)
    client.force_login(id_viewer)
    response = client.get(f"/events/{event.pk}/edit/", HTTP_REFERER="https://evil.example/phish")
    assert "evil.example" not in response.content.decode()


def test_a_signed_out_visitor_gets_the_page_with_a_sign_in_link(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert 'href="/accounts/login/"' in response.content.decode()


def test_the_page_is_in_the_readers_language(client, id_operator):
    id_operator.profile.preferred_language = "id"
    id_operator.profile.save()
    client.force_login(id_operator)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert '<html lang="id">' in response.content.decode()


def test_server_error_needs_no_database_and_the_api_gets_json():
    request = RequestFactory().get("/challenges/")
    response = server_error(request)
    assert response.status_code == 500 and b"Something went wrong on our side" in response.content
    api = server_error(RequestFactory().get("/api/v1/challenges/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_unknown_api_address_answers_json(client, id_operator):
    client.force_login(id_operator)
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_a_token_holder_outside_the_api_gets_json_not_a_portal_page(client, db):
    response = client.get("/exports/no-such-list.csv", HTTP_AUTHORIZATION="Bearer ops_unknown")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")
