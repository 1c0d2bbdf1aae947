import datetime as dt

import pytest
from django.utils import timezone

from tests import factories as f


def build_country_world(country, prefix: str) -> dict:
    """One of every record a portal page shows, in one country."""
    now = timezone.now()
    # "Today" is the country's: pages show its dates in its timezone (after 17:00 UTC it is
    # already tomorrow in Jakarta, and a follow-up due on the UTC date would be overdue there).
    today = timezone.localdate(now, timezone=country.zone)
    moment = f.CulturalMomentFactory(country=country, name=f"{prefix} festival")
    f.OccurrenceFactory(
        moment=moment,
        year=now.year,
        starts_on=now.date() + dt.timedelta(days=5),
        ends_on=now.date() + dt.timedelta(days=7),
    )
    challenge = f.ChallengeFactory(
        country=country,
        hashtag=f"{prefix}dance",
        status="live",
        starts_at=now - dt.timedelta(days=10),
        views=53_000_000,
        target_views=60_000_000,
        cultural_moment=moment,
        metrics_at=now,
    )
    for day in range(10):
        f.MetricSnapshotFactory(
            challenge=challenge,
            captured_at=now - dt.timedelta(days=day),
            views=53_000_000 - day * 1_000_000,
            videos=1000 - day * 10,
        )
    influencer = f.InfluencerFactory(
        country=country, name=f"{prefix} Kaykai", stage="contacted", is_core=True, total_followers=5_700_000
    )
    own = f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle=f"{prefix}kaykai")
    yt = f.PlatformAccountFactory(influencer=influencer, platform="youtube", handle=f"{prefix}kaykaiyt")
    for day in range(5):
        date = now.date() - dt.timedelta(days=day)
        f.FollowerSnapshotFactory(account=own, date=date, followers=6_000_000 - day * 500_000)
        f.FollowerSnapshotFactory(account=yt, date=date, followers=5_700_000)
    f.InfluencerInteractionFactory(influencer=influencer, next_follow_up_on=today)
    f.ParticipationFactory(challenge=challenge, influencer=influencer, video_views=1_000_000)
    event = f.EventFactory(country=country, name=f"{prefix} meet-up", cultural_moment=moment, challenge=challenge)
    task = f.EventTaskFactory(event=event, title=f"{prefix} book venue", due_on=today - dt.timedelta(days=1))
    guest = f.EventGuestFactory(event=event, influencer=influencer)
    f.EventPartnerFactory(event=event)
    contact = f.GovernmentContactFactory(country=country, person_name=f"{prefix} Minister")
    incident = f.IncidentFactory(country=country, title=f"{prefix} ban", opened_at=now - dt.timedelta(days=3))
    f.GovernmentInteractionFactory(contact=contact, incident=incident, follow_up_on=today)
    regulator_request = f.RegulatorRequestFactory(
        country=country, incident=incident, authority=f"{prefix} Kominfo", received_at=now - dt.timedelta(hours=50)
    )
    request_item = f.RequestItemFactory(request=regulator_request, target=f"https://example.com/{prefix}/video/1")
    return {
        "request": regulator_request,
        "request_item": request_item,
        "challenge": challenge,
        "influencer": influencer,
        "event": event,
        "task": task,
        "guest": guest,
        "contact": contact,
        "incident": incident,
        "moment": moment,
    }


@pytest.fixture
def world(indonesia, thailand):
    return {"ID": build_country_world(indonesia, "id"), "TH": build_country_world(thailand, "th")}


@pytest.fixture
def users(id_lead, id_operator, id_gr, id_viewer, th_operator, hq_viewer, superuser):
    return {
        "id_lead": id_lead,
        "id_operator": id_operator,
        "id_gr": id_gr,
        "id_viewer": id_viewer,
        "th_operator": th_operator,
        "hq_viewer": hq_viewer,
        "superuser": superuser,
    }
