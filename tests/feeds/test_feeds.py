import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from feeds.models import CalendarFeedToken
from feeds.services import feed_token_reset, feed_url
from locales.models import TeamMembership
from tests import factories as f

pytestmark = pytest.mark.django_db


def _path(token: CalendarFeedToken) -> str:
    return reverse("feeds:calendar", args=[token.token])


def _read(client, token) -> Calendar:
    response = client.get(_path(token))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _summaries(cal: Calendar) -> set[str]:
    return {str(ev["SUMMARY"]) for ev in cal.walk("VEVENT")}


@pytest.fixture
def world(indonesia, thailand, id_lead, id_operator):
    now = timezone.now()
    dwp = f.EventFactory(
        country=indonesia,
        name="Djakarta Warehouse Project",
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=21),
        venue="JIExpo Kemayoran",
    )
    th_event = f.EventFactory(country=thailand, name="Bangkok meet-up", city="Bangkok")
    challenge = f.ChallengeFactory(
        country=indonesia,
        hashtag="MultiFrame",
        title="Multi-person frame",
        status="planned",
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=10),
    )
    f.OccurrenceFactory(
        moment=f.CulturalMomentFactory(country=indonesia, name="Lebaran"),
        year=now.year,
        starts_on=now.date() + dt.timedelta(days=30),
        ends_on=now.date() + dt.timedelta(days=31),
    )
    f.OccurrenceFactory(
        moment=f.CulturalMomentFactory(country=thailand, name="Songkran"),
        year=now.year,
        starts_on=now.date() + dt.timedelta(days=40),
        ends_on=now.date() + dt.timedelta(days=42),
    )
    f.EventTaskFactory(event=dwp, title="Book the stage crew", assignee=id_operator)
    f.EventTaskFactory(event=dwp, title="Print lanyards", assignee=id_lead)
    f.EventTaskFactory(event=dwp, title="Already done", assignee=id_operator, done_at=now)
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider", relationship_owner=id_operator)
    f.InfluencerInteractionFactory(influencer=kaykai, next_follow_up_on=now.date() + dt.timedelta(days=5))
    contact = f.GovernmentContactFactory(country=indonesia, person_name="Rudiantara")
    f.GovernmentInteractionFactory(contact=contact, follow_up_on=now.date() + dt.timedelta(days=7), owner=id_lead)
    return {"dwp": dwp, "th_event": th_event, "challenge": challenge, "kaykai": kaykai}


def test_country_feed_parses_with_timezones_links_and_alarms(client, world, id_lead, indonesia, settings):
    settings.OPSPORTAL_BASE_URL = "https://ops.example.com"
    token = feed_token_reset(id_lead, indonesia)
    cal = _read(client, token)

    assert str(cal["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    events = {str(ev["SUMMARY"]): ev for ev in cal.walk("VEVENT")}
    dwp = events["Djakarta Warehouse Project"]
    assert dwp["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert dwp.decoded("DTSTART") == world["dwp"].starts_at.replace(microsecond=0)
    assert str(dwp["URL"]) == f"https://ops.example.com/events/{world['dwp'].pk}/"
    assert "JIExpo Kemayoran" in str(dwp["LOCATION"])
    assert len(dwp.walk("VALARM")) == 2
    challenge = events["#MultiFrame · Multi-person frame"]
    assert str(challenge["STATUS"]) == "TENTATIVE"
    assert f"/challenges/{world['challenge'].pk}/" in str(challenge["DESCRIPTION"])
    lebaran = events["Lebaran"]
    assert isinstance(lebaran.decoded("DTSTART"), dt.date) and not isinstance(lebaran.decoded("DTSTART"), dt.datetime)
    # A country feed holds every open task of the country, follow-ups, and (for a lead) government ones.
    summaries = set(events)
    assert {
        "Due: Book the stage crew (Djakarta Warehouse Project)",
        "Due: Print lanyards (Djakarta Warehouse Project)",
    } <= summaries
    assert not any("Already done" in s for s in summaries)
    assert "Follow up: Kaykai Salaider" in summaries
    assert any(s.startswith("Government follow-up: Rudiantara") for s in summaries)
    # Every UID is unique and stable across reads.
    uids = [str(ev["UID"]) for ev in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert uids == [str(ev["UID"]) for ev in _read(client, token).walk("VEVENT")]


def test_another_countrys_items_are_absent(client, world, id_lead, indonesia):
    summaries = _summaries(_read(client, feed_token_reset(id_lead, indonesia)))
    assert "Bangkok meet-up" not in summaries
    assert "Songkran" not in summaries


def test_operator_gets_no_government_items(client, world, id_operator, indonesia):
    for country in (indonesia, None):
        cal = _read(client, feed_token_reset(id_operator, country))
        assert not any("Government" in s or "Rudiantara" in s for s in _summaries(cal))
        assert b"Rudiantara" not in cal.to_ical()


def test_personal_feed_holds_my_tasks_and_follow_ups(client, world, id_operator, thailand):
    TeamMembership.objects.create(user=id_operator, country=thailand, role="operator")
    summaries = _summaries(_read(client, feed_token_reset(id_operator, None)))
    assert "[ID] Due: Book the stage crew (Djakarta Warehouse Project)" in summaries
    assert not any("Print lanyards" in s for s in summaries)  # someone else's task
    assert "[ID] Follow up: Kaykai Salaider" in summaries  # I own the relationship
    assert "[TH] Bangkok meet-up" in summaries  # both of my countries


def test_reset_kills_the_old_url(client, world, id_lead, indonesia):
    token = feed_token_reset(id_lead, indonesia)
    old_path = _path(token)
    assert client.get(old_path).status_code == 200
    new = feed_token_reset(id_lead, indonesia)
    assert client.get(old_path).status_code == 404
    assert client.get(_path(new)).status_code == 200
    assert CalendarFeedToken.objects.filter(user=id_lead).count() == 1


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("feeds:calendar", args=["x" * 43])).status_code == 404


def test_losing_a_membership_empties_the_feed_at_read_time(client, world, id_operator, indonesia):
    token = feed_token_reset(id_operator, indonesia)
    personal = feed_token_reset(id_operator, None)
    TeamMembership.objects.filter(user=id_operator).delete()
    assert client.get(_path(token)).status_code == 404
    assert _summaries(_read(client, personal)) == set()


def test_token_is_not_stored_in_clear(id_lead, indonesia):
    token = feed_token_reset(id_lead, indonesia)
    row = CalendarFeedToken.objects.values().get(pk=token.pk)
    assert token.token not in {str(v) for v in row.values()}
    assert feed_url(token).endswith(f"/feeds/{token.token}.ics")


def test_cannot_make_a_feed_for_a_country_i_cannot_read(id_operator, thailand):
    with pytest.raises(PermissionError):
        feed_token_reset(id_operator, thailand)


@pytest.mark.parametrize("rows", [1, 50])
def test_feed_query_count_does_not_grow(client, id_lead, indonesia, django_assert_max_num_queries, rows):
    for n in range(rows):
        event = f.EventFactory(country=indonesia, name=f"Meet-up {n}")
        f.EventTaskFactory(event=event, assignee=id_lead)
        f.ChallengeFactory(country=indonesia, starts_at=timezone.now() + dt.timedelta(days=n % 20))
    token = feed_token_reset(id_lead, indonesia)
    with django_assert_max_num_queries(14):
        assert client.get(_path(token)).status_code == 200


def test_feeds_page_lists_and_resets(client, id_operator, indonesia):
    client.force_login(id_operator)
    page = client.get(reverse("feeds:list"))
    assert page.status_code == 200
    assert "Indonesia" in page.content.decode()
    response = client.post(reverse("feeds:reset"), {"country": str(indonesia.pk)})
    assert response.status_code == 302
    token = CalendarFeedToken.objects.get(user=id_operator, country=indonesia)
    assert feed_url(token) in client.get(reverse("feeds:list")).content.decode()
    client.post(reverse("feeds:reset"), {"country": ""})
    assert CalendarFeedToken.objects.filter(user=id_operator, country=None).exists()


def test_feeds_page_refuses_another_country(client, id_operator, thailand):
    client.force_login(id_operator)
    assert client.post(reverse("feeds:reset"), {"country": str(thailand.pk)}).status_code == 404
    assert client.get(reverse("feeds:reset")).status_code == 405


def test_deactivated_person_feed_is_404(client, id_lead, indonesia):
    token = feed_token_reset(id_lead, indonesia)
    id_lead.is_active = False
    id_lead.save()
    assert client.get(_path(token)).status_code == 404
