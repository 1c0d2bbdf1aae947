"""Reminder rules, once per recipient and occasion, in the country's working hours."""

import datetime as dt
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.core.management import call_command

from notifications.models import Notification
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus
from reminders import services, tasks
from reminders.kinds import ReminderKind
from tests import factories as f

JKT = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=JKT)  # Monday 10:00 in Jakarta
TODAY = NOW.date()


def queued(country, now=NOW):
    ids = services.queue_country_reminders(country, now)
    return {
        (r.kind, r.recipient.username) for r in ReminderDelivery.objects.filter(pk__in=ids).select_related("recipient")
    }


def days(n):
    return TODAY + dt.timedelta(days=n)


def local(day, hour=12):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=JKT)


def test_working_hours_in_local_time(indonesia, thailand):
    assert services.countries_due(dt.datetime(2026, 11, 23, 20, tzinfo=dt.UTC)) == []  # 03:00 in Jakarta
    assert services.countries_due(dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC)) == [indonesia.pk, thailand.pk]  # 09:00
    assert services.countries_due(dt.datetime(2026, 11, 23, 11, tzinfo=dt.UTC)) == []  # 18:00


def test_event_tasks_due_in_two_days_today_and_an_overdue_digest(indonesia, id_operator, id_lead):
    event = f.EventFactory(country=indonesia, starts_at=local(days(20)))
    f.EventTaskFactory(event=event, assignee=id_operator, due_on=days(2), title="Print badges")
    f.EventTaskFactory(event=event, assignee=id_operator, due_on=days(0), title="Book the stage")
    f.EventTaskFactory(event=event, assignee=id_operator, due_on=days(1))  # tomorrow: no rule
    f.EventTaskFactory(event=event, assignee=id_lead, due_on=days(-3))
    f.EventTaskFactory(event=event, assignee=id_lead, due_on=days(-1))
    f.EventTaskFactory(event=event, assignee=id_lead, due_on=days(-5), done_at=NOW)  # done
    assert sorted(Counter(queued(indonesia)).items()) == [
        (("task_due", "id-operator"), 1),
        (("task_overdue", "id-lead"), 1),
    ]
    rows = ReminderDelivery.objects.all()
    assert rows.filter(kind="task_due").count() == 2
    digest = rows.get(kind="task_overdue")
    assert digest.payload["count"] == 2
    assert queued(indonesia) == set()  # the same day again: nothing new
    # Next day: a new digest each, and the task due tomorrow is now due today.
    assert queued(indonesia, NOW + dt.timedelta(days=1)) == {
        ("task_overdue", "id-lead"),
        ("task_overdue", "id-operator"),
        ("task_due", "id-operator"),
    }


def test_events_starting_in_seven_days_and_tomorrow_reach_owner_and_team(indonesia, id_operator, id_lead, th_operator):
    outsider = f.UserFactory(username="owner-elsewhere")
    f.EventFactory(country=indonesia, name="DWP", starts_at=local(days(7), 20), owner=outsider)
    f.EventFactory(country=indonesia, name="Meet-up", starts_at=local(days(1), 1))  # 01:00 tomorrow, local
    f.EventFactory(country=indonesia, name="Cancelled", status="cancelled", starts_at=local(days(1)))
    f.EventFactory(country=indonesia, name="Later", starts_at=local(days(8)))
    ids = services.queue_country_reminders(indonesia, NOW)
    rows = ReminderDelivery.objects.filter(pk__in=ids)
    # An owner off the country's team (set before owners were checked, or moved away) hears nothing.
    assert Counter(r.payload["event"] for r in rows) == {"DWP": 2, "Meet-up": 2}
    assert {r.recipient.username for r in rows} == {"id-operator", "id-lead"}


def test_challenges_launching_ending_and_stale(indonesia, id_operator):
    f.ChallengeFactory(
        country=indonesia, hashtag="launch", status="planned", starts_at=local(days(1), 8), owner=id_operator
    )
    ending = f.ChallengeFactory(
        country=indonesia,
        hashtag="ending",
        status="live",
        starts_at=local(days(-20)),
        ends_at=local(days(2), 23),
        owner=id_operator,
    )
    f.MetricSnapshotFactory(challenge=ending, captured_at=NOW - dt.timedelta(hours=1))
    stale = f.ChallengeFactory(
        country=indonesia, hashtag="stale", status="live", starts_at=local(days(-10)), owner=id_operator
    )
    f.MetricSnapshotFactory(challenge=stale, captured_at=NOW - dt.timedelta(hours=49))
    fresh = f.ChallengeFactory(
        country=indonesia, hashtag="fresh", status="live", starts_at=local(days(-10)), owner=id_operator
    )
    f.MetricSnapshotFactory(challenge=fresh, captured_at=NOW - dt.timedelta(hours=47))
    f.ChallengeFactory(
        country=indonesia,
        hashtag="justlaunched",
        status="live",
        starts_at=NOW - dt.timedelta(hours=5),
        owner=id_operator,
    )  # no numbers yet, but not for 48 hours
    ids = services.queue_country_reminders(indonesia, NOW)
    kinds = sorted((r.kind, r.payload["hashtag"]) for r in ReminderDelivery.objects.filter(pk__in=ids))
    assert kinds == [("challenge_ending", "ending"), ("challenge_launch", "launch"), ("challenge_stale", "stale")]

    # Stale once per quiet spell: a new snapshot, then 48 quiet hours again, reminds again.
    def stale_tags(now):
        ids = services.queue_country_reminders(indonesia, now)
        return {r.payload["hashtag"] for r in ReminderDelivery.objects.filter(pk__in=ids, kind="challenge_stale")}

    later = NOW + dt.timedelta(days=1)
    assert stale_tags(later) == {"fresh"}  # "stale" was already reminded for this spell; "fresh" went quiet
    f.MetricSnapshotFactory(challenge=stale, captured_at=later)
    assert stale_tags(later + dt.timedelta(hours=49)) >= {"stale"}


def test_influencer_follow_up_goes_to_the_relationship_owner(indonesia, id_operator, id_lead):
    owned = f.InfluencerFactory(country=indonesia, relationship_owner=id_lead)
    f.InfluencerInteractionFactory(influencer=owned, owner=id_operator, next_follow_up_on=TODAY)
    unowned = f.InfluencerFactory(country=indonesia)
    f.InfluencerInteractionFactory(influencer=unowned, owner=id_operator, next_follow_up_on=days(-2))
    f.InfluencerInteractionFactory(influencer=unowned, owner=id_operator, next_follow_up_on=days(1))  # not yet
    f.InfluencerInteractionFactory(influencer=unowned, owner=id_operator, next_follow_up_on=TODAY, follow_up_done=True)
    f.InfluencerInteractionFactory(influencer=unowned, owner=id_operator, next_follow_up_on=days(-30))  # long gone
    assert Counter(queued(indonesia)) == {
        ("influencer_follow_up", "id-lead"): 1,
        ("influencer_follow_up", "id-operator"): 1,
    }


def test_government_reminders_reach_only_government_roles_and_the_lead(
    indonesia, id_operator, id_lead, id_gr, id_viewer
):
    f.GovernmentContactFactory(country=indonesia, last_contacted_at=NOW - dt.timedelta(days=91))
    f.GovernmentContactFactory(country=indonesia, last_contacted_at=NOW - dt.timedelta(days=89))
    incident = f.IncidentFactory(country=indonesia, opened_at=NOW - dt.timedelta(days=3))
    f.GovernmentInteractionFactory(
        contact=f.GovernmentContactFactory(country=indonesia, last_contacted_at=NOW),
        incident=incident,
        occurred_at=NOW - dt.timedelta(hours=30),
    )
    f.IncidentFactory(country=indonesia, opened_at=NOW - dt.timedelta(hours=2))  # opened today: not quiet yet
    assert queued(indonesia) == {
        ("government_contact", "id-lead"),
        ("government_contact", "id-gr"),
        ("incident_stale", "id-lead"),
        ("incident_stale", "id-gr"),
    }
    indonesia.government_touch_days = 30
    indonesia.save()
    assert Counter(k for k, _u in queued(indonesia)) == {"government_contact": 2}  # the 89-day one too now


def test_commitments_remind_their_owner_ahead_and_on_the_day(indonesia, id_operator, id_lead, id_gr):
    incident = f.IncidentFactory(country=indonesia, title="2018 temporary ban")
    f.CommitmentFactory(country=indonesia, incident=incident, owner=id_gr, due_on=days(3), description="Ahead")
    f.CommitmentFactory(country=indonesia, owner=id_lead, due_on=TODAY, description="Today")
    f.CommitmentFactory(country=indonesia, owner=id_gr, due_on=days(9))  # not yet
    f.CommitmentFactory(country=indonesia, owner=id_gr, due_on=days(1), status="done")  # kept already
    f.CommitmentFactory(country=indonesia, owner=id_operator, due_on=TODAY)  # no government role: never told
    assert queued(indonesia) == {("commitment_due", "id-gr"), ("commitment_due", "id-lead")}
    ahead = ReminderDelivery.objects.get(recipient=id_gr)
    assert ahead.payload["incident"] == "2018 temporary ban" and ahead.payload["path"].endswith(f"/{incident.pk}/")
    assert queued(indonesia, NOW + dt.timedelta(days=1)) == set()  # still "ahead": already told
    assert queued(indonesia, NOW + dt.timedelta(days=3)) == {("commitment_due", "id-gr")}  # its day


def test_government_follow_up_until_the_contact_is_met_again(indonesia, id_operator, id_lead, id_gr):
    owned = f.GovernmentContactFactory(country=indonesia, relationship_owner=id_gr)
    f.GovernmentInteractionFactory(
        contact=owned, owner=id_lead, occurred_at=NOW - dt.timedelta(days=9), follow_up_on=TODAY
    )
    met_again = f.GovernmentContactFactory(country=indonesia)
    f.GovernmentInteractionFactory(
        contact=met_again, owner=id_lead, occurred_at=NOW - dt.timedelta(days=9), follow_up_on=days(-1)
    )
    f.GovernmentInteractionFactory(contact=met_again, owner=id_lead, occurred_at=NOW - dt.timedelta(days=2))
    unowned = f.GovernmentContactFactory(country=indonesia)
    f.GovernmentInteractionFactory(
        contact=unowned, owner=id_lead, occurred_at=NOW - dt.timedelta(days=9), follow_up_on=days(-2)
    )
    f.GovernmentInteractionFactory(
        contact=f.GovernmentContactFactory(country=indonesia), owner=id_lead, follow_up_on=days(1)
    )
    assert Counter(queued(indonesia)) == {
        ("government_follow_up", "id-gr"): 1,
        ("government_follow_up", "id-lead"): 1,
    }


def test_cold_relationships_in_one_weekly_digest_per_person(indonesia, id_operator, id_lead):
    long_ago = NOW - dt.timedelta(days=61)
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai", stage="active", relationship_owner=id_operator)
    f.InfluencerInteractionFactory(influencer=kaykai, occurred_at=long_ago)
    unowned = f.InfluencerFactory(country=indonesia, name="Unowned", stage="onboarded")
    f.InfluencerInteractionFactory(influencer=unowned, occurred_at=long_ago)
    warm = f.InfluencerFactory(country=indonesia, stage="active", relationship_owner=id_operator)
    f.InfluencerInteractionFactory(influencer=warm, occurred_at=NOW - dt.timedelta(days=59))
    prospect = f.InfluencerFactory(country=indonesia, stage="prospect", relationship_owner=id_operator)
    f.InfluencerInteractionFactory(influencer=prospect, occurred_at=long_ago)
    partner = f.PartnerFactory(country=indonesia, name="DWP")
    f.EventPartnerFactory(partner=partner, event=f.EventFactory(country=indonesia, starts_at=long_ago))
    from influencers.services import influencer_touch

    for person in (kaykai, unowned, warm, prospect):
        influencer_touch(person)
    kaykai.refresh_from_db()
    assert kaykai.last_contacted_at == long_ago
    assert queued(indonesia) == {("cold_relationship", "id-operator"), ("cold_relationship", "id-lead")}
    digests = {r.recipient.username: r.payload for r in ReminderDelivery.objects.all()}
    assert [i["name"] for i in digests["id-operator"]["items"]] == ["Kaykai"]
    assert [(i["kind"], i["name"]) for i in digests["id-lead"]["items"]] == [
        ("influencer", "Unowned"),
        ("partner", "DWP"),
    ]
    assert queued(indonesia, NOW + dt.timedelta(days=2)) == set()  # once a week
    # The threshold is the country's: at 90 days nobody here is cold.
    indonesia.cold_after_days = 90
    indonesia.save()
    assert queued(indonesia, NOW + dt.timedelta(days=7)) == set()


def test_cultural_moment_thirty_days_ahead_with_nothing_planned(indonesia, id_operator, id_lead):
    lebaran = f.CulturalMomentFactory(country=indonesia, name="Lebaran")
    f.OccurrenceFactory(moment=lebaran, starts_on=days(30), ends_on=days(31))
    songkran = f.CulturalMomentFactory(country=indonesia, name="Planned")
    f.OccurrenceFactory(moment=songkran, starts_on=days(30), ends_on=days(31))
    f.ChallengeFactory(country=indonesia, cultural_moment=songkran, status="planned")
    far = f.CulturalMomentFactory(country=indonesia, name="Far")
    f.OccurrenceFactory(moment=far, starts_on=days(45), ends_on=days(45))
    assert queued(indonesia) == {("moment_unplanned", "id-operator"), ("moment_unplanned", "id-lead")}


def test_muted_kinds_are_recorded_as_skipped_and_never_sent(indonesia, id_operator, django_capture_on_commit_callbacks):
    id_operator.profile.muted_reminders = ["task_due"]
    id_operator.profile.save()
    f.EventTaskFactory(event=f.EventFactory(country=indonesia), assignee=id_operator, due_on=TODAY)
    assert services.queue_country_reminders(indonesia, NOW) == []
    row = ReminderDelivery.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.SKIPPED, "muted by the recipient")
    assert not Notification.objects.exists()


def test_tick_sends_each_reminder_once_with_inbox_entry(indonesia, id_operator, django_capture_on_commit_callbacks):
    f.EventTaskFactory(
        event=f.EventFactory(country=indonesia), assignee=id_operator, due_on=TODAY, title="Book the stage"
    )
    for hour in (9, 9, 10, 14):  # a replayed tick, then later ticks the same day
        with django_capture_on_commit_callbacks(execute=True):
            tasks.reminders_tick(now=NOW.replace(hour=hour).isoformat())
    [message] = django_mail.outbox
    assert message.to == ["id-operator@example.com"] and "Book the stage" in message.subject
    assert Notification.objects.filter(recipient=id_operator, kind=ReminderKind.TASK_DUE).count() == 1


def test_tick_at_night_sends_nothing(indonesia, id_operator, django_capture_on_commit_callbacks):
    f.EventTaskFactory(event=f.EventFactory(country=indonesia), assignee=id_operator, due_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders_tick(now=NOW.replace(hour=3).isoformat())
    assert not django_mail.outbox and not ReminderDelivery.objects.exists()


def test_send_reminders_command_dry_run_then_once(indonesia, id_operator, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW.astimezone(dt.UTC))
    f.EventTaskFactory(
        event=f.EventFactory(country=indonesia), assignee=id_operator, due_on=TODAY, title="Book the stage"
    )
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Indonesia · task_due → id-operator@example.com: Task due today: Book the stage" in out.getvalue()
    assert not ReminderDelivery.objects.exists() and not django_mail.outbox

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Indonesia · task_due → id-operator@example.com: sent" in out.getvalue()
    assert len(django_mail.outbox) == 1

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Nothing new to send." in out.getvalue()
    assert len(django_mail.outbox) == 1
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Nothing would be sent." in out.getvalue()


def test_rules_cost_a_fixed_number_of_queries(indonesia, id_operator, id_lead, id_gr, django_assert_max_num_queries):
    def run():
        with django_assert_max_num_queries(20):  # one per rule (two for cold relationships), and the team
            services.occasions_for(indonesia, NOW)

    run()
    for n in range(30):
        event = f.EventFactory(country=indonesia, starts_at=local(days(7)))
        f.EventTaskFactory(event=event, assignee=id_operator, due_on=days(-n % 3))
        f.GovernmentContactFactory(country=indonesia, last_contacted_at=NOW - dt.timedelta(days=200))
        f.ChallengeFactory(country=indonesia, status="live", owner=id_operator, starts_at=local(days(-9)))
        f.CommitmentFactory(country=indonesia, owner=id_gr, due_on=days(n % 4))
        f.RegulatorRequestFactory(country=indonesia, handler=id_gr, received_at=NOW - dt.timedelta(hours=n * 3))
        f.GovernmentInteractionFactory(
            contact__country=indonesia, occurred_at=NOW - dt.timedelta(days=5), follow_up_on=TODAY
        )
    run()


@pytest.mark.parametrize("kind", ReminderKind.values)
def test_every_kind_has_words(kind):
    from reminders.emails import compose

    payload = {
        "timezone": "Asia/Jakarta",
        "task": "T",
        "event": "E",
        "due_on": "2026-11-23",
        "days": 1,
        "count": 1,
        "items": [{"task": "T", "event": "E", "due_on": "2026-11-20"}],
        "city": "Jakarta",
        "starts_at": "2026-11-23T03:00:00+00:00",
        "ends_at": "2026-11-23T03:00:00+00:00",
        "hashtag": "h",
        "title": "Title",
        "last_snapshot": None,
        "influencer": "I",
        "summary": "S",
        "contact": "C",
        "organization": "O",
        "last_touch": "2026-08-01T00:00:00+00:00",
        "incident": "Ban",
        "last_activity": "2026-11-22T00:00:00+00:00",
        "moment": "Lebaran",
        "starts_on": "2026-12-23",
        "commitment": "Remove flagged videos",
        "on": "2026-11-19",
        "views": 53_000_000,
        "target": 50_000_000,
        "deliverable": "Three videos",
        "agreement": "Seeding",
        "amount": "5000000.00",
        "currency": "IDR",
        "authority": "Kominfo",
        "reference": "ID-1",
        "deadline": "2026-11-23T03:00:00+00:00",
        "stage": "4h",
        "path": "/",
    }
    if kind == ReminderKind.COLD_RELATIONSHIP:
        payload["items"] = [
            {"kind": "influencer", "name": "Kaykai", "last_touch": "2026-08-01T00:00:00+00:00", "path": "/"},
            {"kind": "partner", "name": "DWP", "last_touch": "2026-07-01T00:00:00+00:00", "path": "/"},
        ]
    message = compose(kind, payload)
    assert message.subject and message.subject != kind
