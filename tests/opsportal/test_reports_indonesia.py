"""The Indonesian report of 2026-W47 (Mon 16 – Sun 22 November, Asia/Jakarta, UTC+7), against figures
computed by hand in the comments next to the data."""

import datetime as dt
from email.mime.image import MIMEImage
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from influencers.models import Influencer
from influencers.services import influencer_log_interaction
from opsportal import mail
from reports import figures, services
from reports.models import WeeklyReport
from tests import factories as f

JKT = ZoneInfo("Asia/Jakarta")
WEEK = "2026-W47"


def local(y, m, d, hour=12, minute=0):
    return dt.datetime(y, m, d, hour, minute, tzinfo=JKT)


def snapshot(challenge, when, views, videos, likes, shares):
    f.MetricSnapshotFactory(
        challenge=challenge, captured_at=when, views=views, videos=videos, likes=likes, shares=shares
    )


def build_week(indonesia, thailand, owner):
    # --- Challenges ------------------------------------------------------------------
    a = f.ChallengeFactory(
        country=indonesia,
        hashtag="multiframe",
        status="live",
        starts_at=local(2026, 11, 10),
        target_views=60_000_000,
        owner=owner,
    )
    snapshot(a, local(2026, 11, 10, 10), 1_000_000, 10_000, 50_000, 2_000)
    snapshot(a, local(2026, 11, 15, 20), 20_000_000, 150_000, 900_000, 40_000)  # last before the week
    snapshot(a, local(2026, 11, 16, 21), 25_000_000, 180_000, 1_100_000, 50_000)
    snapshot(a, local(2026, 11, 18, 12), 40_000_000, 260_000, 1_700_000, 70_000)
    snapshot(a, local(2026, 11, 22, 23), 53_000_000, 300_000, 2_000_000, 90_000)  # Sunday 23:00 local: in the week
    snapshot(a, local(2026, 11, 23, 10), 55_000_000, 310_000, 2_100_000, 95_000)  # next week: ignored
    b = f.ChallengeFactory(
        country=indonesia,
        hashtag="reversal",
        status="ended",
        starts_at=local(2026, 11, 1),
        ends_at=local(2026, 11, 19, 12),
        target_views=10_000_000,
        target_videos=50_000,
    )
    snapshot(b, local(2026, 11, 5, 10), 2_000_000, 20_000, 100_000, 5_000)  # last before last week
    snapshot(b, local(2026, 11, 14, 10), 6_000_000, 40_000, 300_000, 15_000)
    snapshot(b, local(2026, 11, 19, 10), 8_000_000, 45_000, 400_000, 20_000)
    old = f.ChallengeFactory(
        country=indonesia, hashtag="oldone", status="ended", starts_at=local(2026, 10, 1), ends_at=local(2026, 11, 1)
    )
    snapshot(old, local(2026, 10, 20), 9_000_000, 1, 1, 1)
    f.ChallengeFactory(country=indonesia, hashtag="someday", status="idea")
    thai = f.ChallengeFactory(country=thailand, hashtag="imitation", status="live", starts_at=local(2026, 11, 1))
    snapshot(thai, local(2026, 11, 17), 99_000_000, 9, 9, 9)

    # --- Influencers -------------------------------------------------------------------
    i1 = f.InfluencerFactory(
        country=indonesia, name="Kaykai", is_core=True, core_since=dt.date(2026, 3, 1), stage="onboarded"
    )
    i2 = f.InfluencerFactory(
        country=indonesia,
        name="Nate and Mee",
        is_core=True,
        core_since=dt.date(2026, 11, 18),
        stage="active",
        crossed_over_on=dt.date(2026, 11, 19),
    )
    f.InfluencerFactory(country=indonesia, name="Later", is_core=True, core_since=dt.date(2026, 11, 23))
    i4 = f.InfluencerFactory(country=indonesia, name="Dewi", is_core=True, core_since=None, stage="contacted")
    i5 = f.InfluencerFactory(country=indonesia, name="Budi", stage="prospect")
    f.InfluencerFactory(country=thailand, name="Tor", is_core=True, core_since=dt.date(2026, 11, 18))
    Influencer.objects.update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Influencer.objects.filter(pk=i5.pk).update(created_at=local(2026, 11, 17))
    Influencer.history.update(history_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    def move(influencer, stage, when, **changes):
        influencer.refresh_from_db()
        influencer.stage = stage
        for name, value in changes.items():
            setattr(influencer, name, value)
        influencer._history_date = when
        influencer.save()

    move(i2, "active", local(2026, 11, 10))  # last week; and no change of stage
    move(i5, "contacted", local(2026, 11, 17))  # prospect → contacted
    move(i1, "active", local(2026, 11, 19))  # onboarded → active
    # Relationships: Kaykai called three weeks before the week's end (warm); the others never (cold).
    influencer_log_interaction(i1, kind="call", summary="Catch-up", occurred_at=local(2026, 11, 1))
    move(i4, "onboarded", local(2026, 11, 20))  # contacted → onboarded
    move(i4, "onboarded", local(2026, 11, 21), notes="called")  # not a move

    def account(influencer, platform, handle, followers=0, **counts):
        acc = f.PlatformAccountFactory(influencer=influencer, platform=platform, handle=handle, followers=followers)
        for day, value in counts.items():
            f.FollowerSnapshotFactory(account=acc, date=dt.date.fromisoformat(day), followers=value)
        return acc

    account(i1, "tiktok", "kaykai", **{"2026-11-14": 1_000_000, "2026-11-22": 1_300_000})  # +300,000
    account(i1, "youtube", "kaykai_yt", **{"2026-11-14": 5_700_000, "2026-11-21": 5_750_000})  # +50,000
    account(i2, "tiktok", "natemee", followers=260_000, **{"2026-11-16": 200_000, "2026-11-20": 260_000})  # +60,000
    account(i2, "instagram", "natemee_ig", followers=250_000)
    account(i4, "tiktok", "dewi", **{"2026-11-10": 50_000, "2026-11-22": 50_000})  # +0: not a gain
    account(i5, "instagram", "budi", **{"2026-11-15": 10_000, "2026-11-23": 20_000})  # nothing in the week

    # --- Events ------------------------------------------------------------------------
    dwp = f.EventFactory(
        country=indonesia,
        name="DWP",
        status="held",
        starts_at=local(2026, 11, 21, 19),
        attendance=12_000,
        expected_attendance=10_000,
    )
    f.EventFactory(
        country=indonesia, name="Meet-up Jakarta", status="held", starts_at=local(2026, 11, 16, 10), attendance=300
    )
    cancelled = f.EventFactory(country=indonesia, name="Rained off", status="cancelled", starts_at=local(2026, 11, 18))
    soon = f.EventFactory(country=indonesia, name="Talent exchange", status="confirmed", starts_at=local(2026, 11, 28))
    f.EventFactory(country=indonesia, name="Later", status="planning", starts_at=local(2026, 12, 10))
    f.EventFactory(
        country=thailand, name="Songkran meet", status="held", starts_at=local(2026, 11, 20), attendance=5000
    )
    old_event = f.EventFactory(country=indonesia, name="June meet-up", status="held", starts_at=local(2026, 6, 1))
    f.EventPartnerFactory(event=old_event, partner=f.PartnerFactory(country=indonesia, name="Old sponsor"))
    f.EventPartnerFactory(event=dwp, partner=f.PartnerFactory(country=indonesia, name="DWP organizer"))
    f.EventTaskFactory(event=soon, title="Book the stage", due_on=dt.date(2026, 11, 20), assignee=owner)  # overdue
    f.EventTaskFactory(event=soon, title="Print badges", due_on=dt.date(2026, 11, 25))
    f.EventTaskFactory(event=dwp, title="Done already", due_on=dt.date(2026, 11, 10), done_at=local(2026, 11, 9))
    f.EventTaskFactory(event=cancelled, title="Cancelled anyway", due_on=dt.date(2026, 11, 18))

    # --- Government relations ----------------------------------------------------------
    minister = f.GovernmentContactFactory(country=indonesia, last_contacted_at=local(2026, 11, 18))
    f.GovernmentContactFactory(country=indonesia, person_name="Quiet official", last_contacted_at=local(2026, 6, 1))
    for day, kind in ((17, "meeting"), (18, "meeting"), (20, "call"), (5, "letter")):
        f.GovernmentInteractionFactory(contact=minister, kind=kind, occurred_at=local(2026, 11, day))
    ban = f.IncidentFactory(country=indonesia, title="Temporary ban", opened_at=local(2026, 11, 18))
    f.CommitmentFactory(
        country=indonesia, incident=ban, description="Local moderation team", due_on=dt.date(2026, 11, 30)
    )
    f.CommitmentFactory(country=indonesia, description="Quarterly briefing", due_on=dt.date(2026, 11, 20))  # overdue
    f.CommitmentFactory(country=indonesia, description="Undated promise")
    f.CommitmentFactory(country=indonesia, description="Kept", due_on=dt.date(2026, 11, 1), status="done")
    f.IncidentFactory(
        country=indonesia,
        title="Old takedown",
        status="resolved",
        opened_at=local(2026, 9, 1),
        resolved_at=local(2026, 9, 3),
    )

    # --- Cultural moments --------------------------------------------------------------
    lebaran = f.CulturalMomentFactory(country=indonesia, name="Lebaran")
    f.OccurrenceFactory(moment=lebaran, year=2026, starts_on=dt.date(2026, 12, 20), ends_on=dt.date(2026, 12, 21))
    independence = f.CulturalMomentFactory(country=indonesia, name="Independence Day")
    f.OccurrenceFactory(moment=independence, year=2027, starts_on=dt.date(2027, 8, 17), ends_on=dt.date(2027, 8, 17))
    return a, b


@pytest.fixture
def week_data(indonesia, thailand, id_operator):
    return build_week(indonesia, thailand, id_operator)


def test_hand_computed_figures(indonesia, week_data):
    a, b = week_data
    data = figures.country_figures(indonesia, WEEK)
    ch = data["challenges"]
    assert (ch["live"], ch["ended"]) == (1, 1)
    # multiframe 53M − 20M, reversal 8M − 6M; last week 20M − 0 and 6M − 2M.
    assert ch["gained"] == {"views": 35_000_000, "videos": 155_000, "likes": 1_200_000, "shares": 55_000}
    assert ch["previous"] == {"views": 24_000_000, "videos": 170_000, "likes": 1_100_000, "shares": 50_000}
    assert ch["change_pct"] == {"views": 45.8, "videos": -8.8, "likes": 9.1, "shares": 10.0}
    assert [(m["hashtag"], m["views_gained"], m["views_change_pct"]) for m in ch["top_movers"]] == [
        ("multiframe", 33_000_000, 65.0),
        ("reversal", 2_000_000, -50.0),
    ]
    [ended] = ch["ended_list"]
    assert (ended["hashtag"], ended["views_attainment_pct"], ended["videos_attainment_pct"]) == ("reversal", 80.0, 90.0)
    assert ch["daily_views"]["#multiframe"] == [
        ["2026-11-16", 5_000_000],
        ["2026-11-17", 0],
        ["2026-11-18", 15_000_000],
        ["2026-11-19", 0],
        ["2026-11-20", 0],
        ["2026-11-21", 0],
        ["2026-11-22", 13_000_000],
    ]
    assert dict(ch["daily_views"]["#reversal"])["2026-11-19"] == 2_000_000

    inf = data["influencers"]
    assert (inf["core"], inf["new_core"], inf["total"], inf["added"]) == (3, 1, 5, 1)
    assert sorted((m["from"], m["to"], m["count"]) for m in inf["pipeline"]) == [
        ("contacted", "onboarded", 1),
        ("onboarded", "active", 1),
        ("prospect", "contacted", 1),
    ]
    assert {p: [(r["handle"], r["gain"], r["followers"]) for r in rows] for p, rows in inf["top_gains"].items()} == {
        "tiktok": [("kaykai", 300_000, 1_300_000), ("natemee", 60_000, 260_000)],
        "youtube": [("kaykai_yt", 50_000, 5_750_000)],
    }
    assert [(x["name"], x["own_followers"], x["other_followers"], x["other_platform"]) for x in inf["crossovers"]] == [
        ("Nate and Mee", 260_000, 250_000, "instagram")
    ]

    ev = data["events"]
    assert (ev["held_count"], ev["attendance"], ev["upcoming_count"], ev["overdue_tasks_count"]) == (2, 12_300, 1, 1)
    assert [e["name"] for e in ev["held"]] == ["Meet-up Jakarta", "DWP"]
    assert [t["title"] for t in ev["overdue_tasks"]] == ["Book the stage"]

    gov = data["government"]
    assert (gov["interactions"], gov["open_incidents_count"], gov["overdue_contacts_count"]) == (3, 1, 1)
    assert gov["interactions_by_kind"] == {"meeting": 2, "call": 1}
    assert [c["name"] for c in gov["overdue_contacts"]] == ["Quiet official"]
    assert (gov["open_commitments_count"], gov["overdue_commitments_count"]) == (3, 1)
    assert [(c["description"], c["overdue"], c["incident"]) for c in gov["open_commitments"]] == [
        ("Quarterly briefing", True, ""),
        ("Local moderation team", False, "Temporary ban"),
        ("Undated promise", False, ""),
    ]

    assert [(m["name"], m["days_away"], m["challenges"]) for m in data["moments"]] == [("Lebaran", 27, 0)]
    assert data["has_data"] is True
    cold = data["relationships"]
    assert (cold["days"], cold["influencers_count"], cold["partners_count"]) == (60, 2, 1)
    assert [r["name"] for r in cold["influencers"]] == ["Nate and Mee", "Dewi"]  # Kaykai was called on 1 Nov
    assert [(r["name"], r["last_touch"][:10]) for r in cold["partners"]] == [("Old sponsor", "2026-06-01")]


def test_same_number_of_queries_whatever_the_data(indonesia, thailand, id_operator):
    """An empty country and a full one cost the same queries."""
    with CaptureQueriesContext(connection) as empty:
        figures.country_figures(thailand, WEEK)
    build_week(indonesia, thailand, id_operator)
    with CaptureQueriesContext(connection) as full:
        figures.country_figures(indonesia, WEEK)
    assert len(empty) == len(full) == figures.COUNTRY_QUERIES


def test_operator_and_lead_receive_their_versions(
    indonesia, week_data, id_operator, id_lead, django_capture_on_commit_callbacks
):
    indonesia.extra_report_recipients = ["partners@example.com", "not an address"]
    indonesia.save()
    id_operator.profile.preferred_language = "id"
    id_operator.profile.save()
    id_lead.profile.preferred_language = "en"
    id_lead.profile.save()
    dispatch = services.weekly_report_dispatch(indonesia, WEEK)
    for delivery_id in dispatch.delivery_ids:
        assert mail.deliver(delivery_id).status == "sent"
    by_address = {m.to[0]: m for m in django_mail.outbox}
    assert set(by_address) == {"id-operator@example.com", "id-lead@example.com", "partners@example.com"}

    operator = by_address["id-operator@example.com"]
    html = operator.alternatives[0][0]
    assert "Indonesia" in operator.subject and WEEK in operator.subject
    assert "35.000.000" in html  # Indonesian number format
    with translation.override("id"):
        in_indonesian = [translation.gettext(t) for t in ("Gained this week", "Top movers", "Last week")]
    assert all(text in html for text in in_indonesian) and "Gained this week" not in html
    assert 'src="cid:weekly-chart"' in html
    [image] = [part for part in operator.attachments if isinstance(part, MIMEImage)]
    assert image["Content-ID"] == "<weekly-chart>"
    assert image.get_payload(decode=True).startswith(b"\x89PNG")
    assert operator.message().get_content_subtype() == "related"
    for secret in ("Temporary ban", "Quiet official", "Government relations", "Quarterly briefing"):
        assert secret not in html and secret not in operator.body
    assert "multiframe" in operator.body and "Lebaran" in operator.body

    lead = by_address["id-lead@example.com"]
    assert "Temporary ban" in lead.alternatives[0][0] and "Quiet official" in lead.body
    assert "Quarterly briefing" in lead.alternatives[0][0] and "overdue since 20 Nov 2026" in lead.body
    assert "Relationships going cold" in lead.body and "Old sponsor" in operator.alternatives[0][0]
    assert "35,000,000" in lead.alternatives[0][0]
    partners = by_address["partners@example.com"]  # an extra address: the country's language, no government
    assert "Temporary ban" not in partners.alternatives[0][0] and "35.000.000" in partners.alternatives[0][0]

    report = WeeklyReport.objects.get(country=indonesia, week=WEEK)
    assert report.sent_at and len(report.recipients) == 3
    assert services.weekly_report_dispatch(indonesia, WEEK).already_sent


def test_quiet_week_still_sends_a_short_report(thailand, th_operator):
    th_operator.profile.preferred_language = "en"
    th_operator.profile.save()
    dispatch = services.weekly_report_dispatch(thailand, WEEK)
    assert dispatch.report.data["has_data"] is False
    assert mail.deliver(dispatch.delivery_ids[0]).status == "sent"
    [message] = django_mail.outbox
    assert "A quiet week" in message.body
    assert not [p for p in message.attachments if isinstance(p, MIMEImage)]
