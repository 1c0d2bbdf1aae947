"""The guest pickers (event page, quick capture) list a few influencers, found by a search; any
influencer of the event's country can still be chosen, none of another country's."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from events.forms import PICKER_SIZE
from events.models import EventGuest
from tests import factories as f

pytestmark = pytest.mark.django_db


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


@pytest.mark.parametrize("page", ["events:detail", "events:capture"])
def test_the_picker_lists_a_page_of_influencers_and_the_search_finds_the_others(page, id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    f.InfluencerFactory.create_batch(PICKER_SIZE + 5, country=indonesia)
    rara = f.InfluencerFactory(country=indonesia, name="Rara Sekar", total_followers=0)
    client = Client()
    client.force_login(id_operator)

    listed = _options(client.get(reverse(page, args=[event.pk])).content.decode(), "guest-influencer")
    assert len(listed) == PICKER_SIZE and str(rara.pk) not in listed

    found = client.get(reverse(page, args=[event.pk]), {"guest_q": "rara sek"}).content.decode()
    assert _options(found, "guest-influencer") == [str(rara.pk)]


def test_an_influencer_not_listed_can_still_be_invited_but_not_another_countrys(id_operator, indonesia, thailand):
    event = f.EventFactory(country=indonesia)
    f.InfluencerFactory.create_batch(PICKER_SIZE + 5, country=indonesia, total_followers=10**6)
    quiet = f.InfluencerFactory(country=indonesia, total_followers=0)
    elsewhere = f.InfluencerFactory(country=thailand)
    client = Client()
    client.force_login(id_operator)
    add = reverse("events:guest_add", args=[event.pk])

    assert client.post(add, {"guest-influencer": quiet.pk, "guest-status": "invited"}).status_code == 302
    assert EventGuest.objects.filter(event=event, influencer=quiet).exists()
    refused = client.post(add, {"guest-influencer": elsewhere.pk, "guest-status": "invited"})
    assert refused.status_code == 400
    assert refused.context["guest_form"].errors["influencer"]
    assert not EventGuest.objects.filter(event=event, influencer=elsewhere).exists()
