"""The dashboard's core-influencer figures: how many, and how many became core this week."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_core_figures_count_this_countrys_core_influencers_and_this_weeks(client, id_lead, indonesia, thailand):
    today = timezone.localdate(timezone=indonesia.zone)
    f.InfluencerFactory(country=indonesia, is_core=True, core_since=today - dt.timedelta(days=30))
    f.InfluencerFactory(country=indonesia, is_core=True, core_since=today - dt.timedelta(days=2))
    f.InfluencerFactory(country=indonesia, is_core=True, core_since=None)  # core since a day nobody noted
    f.InfluencerFactory(country=indonesia, is_core=False, core_since=today)
    f.InfluencerFactory(country=thailand, is_core=True, core_since=today)
    client.force_login(id_lead)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "<dt>Core influencers</dt><dd>3</dd>" in page
    assert "<dt>New this week</dt><dd>1</dd>" in page


def test_a_cultural_moment_across_new_year_shows_the_year_of_both_ends(client, id_lead, indonesia):
    today = timezone.localdate(timezone=indonesia.zone)
    start = today + dt.timedelta(days=5)
    end = dt.date(start.year + 1, 1, 2)
    moment = f.CulturalMomentFactory(country=indonesia, name="Year-end holidays")
    f.OccurrenceFactory(moment=moment, year=start.year, starts_on=start, ends_on=end)
    client.force_login(id_lead)
    page = client.get(reverse("portal:dashboard")).content.decode()
    line = page.rsplit("Year-end holidays", 1)[1].split("</li>", 1)[0]  # the moments card, after the attention list
    assert str(start.year) in line and str(end.year) in line, line
