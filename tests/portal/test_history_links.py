"""Detail pages show the shared audit trail and, for editors, the personal-data links."""

import pytest
from django.urls import reverse

from opsportal.audit import audit_context
from opsportal.db import Door

pytestmark = pytest.mark.django_db


def _page(client, name: str, pk: int) -> str:
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_challenge_page_shows_an_edit_made_through_the_portal(client, world, id_operator):
    challenge = world["ID"]["challenge"]
    old_title = challenge.title
    client.force_login(id_operator)
    data = {
        "hashtag": challenge.hashtag,
        "title": "Dance of the islands",
        "format": challenge.format,
        "cultural_moment": challenge.cultural_moment_id,
        "target_views": challenge.target_views,
    }
    response = client.post(reverse("challenges:edit", args=[challenge.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = _page(client, "challenges:detail", challenge.pk)
    assert html.count('class="card record-history"') == 1  # the shared include replaced the old list
    trail = html[html.index('class="card record-history"') :]
    assert "History of changes" in trail
    assert "id-operator" in trail and "(in the portal)" in trail
    assert old_title in trail and "Dance of the islands" in trail


def test_every_detail_page_shows_the_trail(client, world, id_lead):
    client.force_login(id_lead)
    pages = [
        ("challenges:detail", "challenge"),
        ("influencers:detail", "influencer"),
        ("events:detail", "event"),
        ("locales:contact", "contact"),
        ("locales:incident", "incident"),
    ]
    for name, key in pages:
        html = _page(client, name, world["ID"][key].pk)
        assert "History of changes" in html, name


def test_influencer_privacy_links_for_an_operator_not_a_viewer(client, world, id_operator, id_viewer):
    influencer = world["ID"]["influencer"]
    export = reverse("security:privacy_export", args=["influencer", influencer.pk])
    erase = reverse("security:privacy_erase", args=["influencer", influencer.pk])
    client.force_login(id_operator)
    html = _page(client, "influencers:detail", influencer.pk)
    assert "Personal data" in html and export in html and erase in html
    assert "Export what we hold" in html and "Erase on request" in html
    client.force_login(id_viewer)
    html = _page(client, "influencers:detail", influencer.pk)
    assert "Personal data" not in html and export not in html and erase not in html
    assert "History of changes" in html  # reading the trail is not editing


def test_contact_page_and_its_history_do_not_exist_for_an_operator(client, world, id_operator):
    contact = world["ID"]["contact"]
    with audit_context(Door.COMMAND):
        contact.notes = "secret stance notes"
        contact.save()
    client.force_login(id_operator)
    response = client.get(reverse("locales:contact", args=[contact.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "secret stance notes" not in html and "History of changes" not in html


def test_contact_page_shows_history_and_privacy_links_to_government_relations(client, world, id_gr):
    contact = world["ID"]["contact"]
    with audit_context(Door.COMMAND):
        contact.notes = "after the ban"
        contact.save()
    client.force_login(id_gr)
    html = _page(client, "locales:contact", contact.pk)
    assert "after the ban" in html and "(from the command line)" in html
    assert reverse("security:privacy_export", args=["contact", contact.pk]) in html
    assert reverse("security:privacy_erase", args=["contact", contact.pk]) in html


def test_footer_links_to_sign_out_everywhere(client, world, id_viewer):
    client.force_login(id_viewer)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("security:sign_out_everywhere") in html and "Sign out everywhere" in html
    assert reverse("password_change") in html


@pytest.mark.parametrize("name,key", [("challenges:detail", "challenge"), ("influencers:detail", "influencer")])
def test_detail_query_count_does_not_grow_with_the_trail(
    client, world, id_lead, django_assert_max_num_queries, name, key
):
    """The trail is read in a bounded number of queries, however many changes it holds."""
    obj = world["ID"][key]
    client.force_login(id_lead)
    url = reverse(name, args=[obj.pk])
    client.get(url)  # warm the session

    def count() -> int:
        with django_assert_max_num_queries(60) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def change(times: int) -> None:
        for i in range(times):
            with audit_context(Door.PORTAL, user=id_lead):
                if key == "challenge":
                    obj.title = f"Title {i}"
                    obj.owner = id_lead if i % 2 else None
                else:
                    obj.notes = f"note {i}"
                    obj.relationship_owner = id_lead if i % 2 else None
                obj.save()

    change(2)  # one change of each kind: a related record's name costs one query per model
    before = count()
    change(30)
    assert count() == before
