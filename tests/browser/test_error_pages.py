"""The run command's default mode shows the portal's own 404 and 403, in the reader's language.

Django's handlers would answer an English "403 Forbidden" with no way back, or (with debug pages)
the technical 404 listing every URL pattern.
"""

import pytest
from django.utils import translation

from locales.models import StaffProfile
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _text(lang: str, msgid: str) -> str:
    with translation.override(lang):
        text = str(translation.gettext(msgid))
    assert text != msgid, f"{msgid!r} is not translated into {lang}"
    return text


def test_another_countrys_record_is_the_portals_own_404_in_indonesian(page, demo, settings):
    assert not settings.DEBUG  # the run command's default: no technical pages
    dewi = demo["users"]["operator"]
    StaffProfile.objects.filter(user=dewi).update(preferred_language="id")
    thai = f.ChallengeFactory(country=demo["thailand"], hashtag="SongkranSplash")
    sign_in(page, "dewi")
    page.goto("/challenges/")
    # As if followed from the list (an address typed by hand has no referer: Back then goes home).
    response = page.goto(f"/challenges/{thai.pk}/", referer=page.url)
    assert response.status == 404
    body = page.locator("main").inner_text()
    assert _text("id", "We could not find that page") in body
    assert "SongkranSplash" not in page.content()  # nothing about the record leaks
    assert "urlpatterns" not in page.content() and "Using the URLconf" not in page.content()
    assert page.locator("nav#main-nav").is_visible()  # inside the portal's frame
    page.get_by_role("link", name=_text("id", "Back")).click()
    page.wait_for_url("**/challenges/")
    assert page.console_errors == []


def test_a_viewer_refused_an_edit_gets_a_403_in_japanese_with_a_way_back(page, demo):
    kenji = demo["users"]["intern"]
    StaffProfile.objects.filter(user=kenji).update(preferred_language="ja")
    sign_in(page, "kenji")
    response = page.goto(f"/events/{demo['dwp'].pk}/edit/")
    assert response.status == 403
    assert _text("ja", "You cannot do this with your role") in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name=_text("ja", "Go to the dashboard")).click()
    page.wait_for_url("**/")
    assert page.console_errors == []


def test_an_unknown_api_address_answers_the_apis_json_shape(client, demo):
    client.force_login(demo["users"]["operator"])
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"
