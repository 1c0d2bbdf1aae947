"""When weekly reports go out: Monday 09:00 in each country's own time, once per ISO week,
across daylight-saving changes, with missed ticks caught up."""

import datetime as dt
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command

from locales.models import Role
from opsportal.models import ReminderDelivery
from reports import services, tasks
from reports.models import WeeklyReport
from reports.weeks import WeekError, due_week, parse_week, send_time, week_bounds
from tests import factories as f

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def germany(db):
    return f.CountryFactory(code="DE", name="Germany", languages=["de"], default_language="en")


@pytest.fixture
def teams(indonesia, germany, id_operator, id_lead, hq_viewer):
    de_user = f.UserFactory(username="de-operator")
    f.StaffProfileFactory(user=de_user)
    f.MembershipFactory(user=de_user, country=germany, role=Role.OPERATOR)
    return {"DE": de_user, "ID": id_operator}


def travel(start: dt.datetime, end: dt.datetime, capture, step=dt.timedelta(minutes=15)):
    """Run the beat's weekly tick at every quarter hour between start and end (eager Celery)."""
    now = start
    while now < end:
        with capture(execute=True):
            tasks.weekly_reports_tick(now=now.isoformat())
        now += step


def test_week_arithmetic_across_dst():
    # The spring-forward week in Berlin is 167 hours long, the autumn one 169; Jakarta keeps 168.
    spring, autumn = week_bounds("2026-W13", BERLIN), week_bounds("2026-W43", BERLIN)
    assert spring.end - spring.start == dt.timedelta(hours=167)
    assert autumn.end - autumn.start == dt.timedelta(hours=169)
    assert week_bounds("2026-W13", JAKARTA).end - week_bounds("2026-W13", JAKARTA).start == dt.timedelta(hours=168)
    assert send_time("2026-W12", BERLIN) == dt.datetime(2026, 3, 23, 8, tzinfo=UTC)  # CET
    assert send_time("2026-W13", BERLIN) == dt.datetime(2026, 3, 30, 7, tzinfo=UTC)  # CEST
    assert send_time("2026-W43", BERLIN) == dt.datetime(2026, 10, 26, 8, tzinfo=UTC)  # CET again
    assert due_week(dt.datetime(2026, 3, 30, 6, 59, tzinfo=UTC), BERLIN) is None
    assert due_week(dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC), BERLIN) == "2026-W13"
    # ISO years: the last days of 2026 belong to week 53, the first of 2027 to week 53 of 2026 too.
    assert send_time("2026-W53", JAKARTA) == dt.datetime(2027, 1, 4, 2, tzinfo=UTC)
    with pytest.raises(WeekError):
        parse_week("2026-47")
    with pytest.raises(WeekError):
        parse_week("2025-W53")  # 2025 has 52 ISO weeks


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        # Berlin springs forward on Sunday 29 March 2026 ...
        (
            dt.datetime(2026, 3, 16, tzinfo=UTC),
            dt.datetime(2026, 3, 31, tzinfo=UTC),
            ["2026-W11", "2026-W12", "2026-W13"],
        ),
        # ... and falls back on Sunday 25 October 2026.
        (
            dt.datetime(2026, 10, 19, tzinfo=UTC),
            dt.datetime(2026, 11, 3, tzinfo=UTC),
            ["2026-W42", "2026-W43", "2026-W44"],
        ),
    ],
)
def test_each_report_once_per_week_at_nine_local(
    teams, germany, indonesia, start, end, weeks, django_capture_on_commit_callbacks
):
    travel(start, end, django_capture_on_commit_callbacks)

    for country, zone in ((germany, BERLIN), (indonesia, JAKARTA)):
        reports = WeeklyReport.objects.filter(country=country).order_by("week")
        assert [r.week for r in reports] == weeks
        for report in reports:
            local = report.sent_at.astimezone(zone)
            assert (local.weekday(), local.hour, local.minute) == (0, 9, 0), (country.code, report.week, local)
    hq = WeeklyReport.objects.filter(country__isnull=True).order_by("week")
    assert [r.week for r in hq] == weeks
    assert all(r.sent_at.astimezone(UTC).hour == 9 for r in hq)  # HQ's Monday 09:00, after every country

    per_recipient = Counter((m.to[0], m.subject) for m in django_mail.outbox)
    assert set(per_recipient.values()) == {1}
    for address in (
        "de-operator@example.com",
        "id-operator@example.com",
        "id-lead@example.com",
        "hq-viewer@example.com",
    ):
        assert sum(1 for to, _subject in per_recipient if to == address) == 3


def test_a_missed_tick_is_caught_up_once(teams, indonesia, germany, django_capture_on_commit_callbacks):
    # Workers down from Monday 01:00 to 05:00 UTC (08:00–12:00 in Jakarta): the 05:00 tick sends.
    travel(
        dt.datetime(2026, 11, 23, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 1, tzinfo=UTC),
        django_capture_on_commit_callbacks,
    )
    assert not WeeklyReport.objects.filter(country=indonesia).exists()
    travel(
        dt.datetime(2026, 11, 23, 5, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 7, tzinfo=UTC),
        django_capture_on_commit_callbacks,
    )
    report = WeeklyReport.objects.get(country=indonesia)
    assert (report.week, report.sent_at) == ("2026-W47", dt.datetime(2026, 11, 23, 5, tzinfo=UTC))
    assert len([m for m in django_mail.outbox if m.to == ["id-operator@example.com"]]) == 1


def test_a_week_missed_for_longer_than_the_catchup_window_waits_for_a_person(teams, indonesia):
    due = (indonesia.pk, "2026-W47")
    assert due in services.due_country_reports(dt.datetime(2026, 11, 25, 1, 59, tzinfo=UTC))  # 47h59 late: still due
    assert due not in services.due_country_reports(dt.datetime(2026, 11, 25, 2, 1, tzinfo=UTC))


def test_replayed_tick_and_concurrent_dispatch_send_once(teams, indonesia, django_capture_on_commit_callbacks):
    monday = dt.datetime(2026, 11, 23, 2, tzinfo=UTC)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.weekly_reports_tick(now=monday.isoformat())
            tasks.country_weekly_report(indonesia.pk, "2026-W47", monday.isoformat())
    assert WeeklyReport.objects.filter(country=indonesia).count() == 1
    assert Counter(m.to[0] for m in django_mail.outbox if "Indonesia" in m.subject) == {
        "id-operator@example.com": 1,
        "id-lead@example.com": 1,
    }


def test_one_failing_country_does_not_stop_the_others(
    teams, indonesia, germany, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.build_country_report

    def broken(country, week):
        if country.code == "DE":
            raise RuntimeError("chart server on fire")
        return real(country, week)

    monkeypatch.setattr(services, "build_country_report", broken)
    err = StringIO()
    with pytest.raises(CommandError, match="1 report"):
        call_command("send_weekly_reports", "--week", "2026-W47", stdout=StringIO(), stderr=err)
    assert "Germany: failed" in err.getvalue()
    assert WeeklyReport.objects.filter(country=indonesia, sent_at__isnull=False).exists()
    assert not WeeklyReport.objects.filter(country=germany).exists()


def test_command_sends_once_then_only_with_resend(teams, indonesia):
    out = StringIO()
    call_command("send_weekly_reports", "--country", "ID", "--week", "2026-W47", stdout=out)
    assert "Indonesia 2026-W47: sending to 2 recipient(s)" in out.getvalue()
    assert len(django_mail.outbox) == 2

    out = StringIO()
    call_command("send_weekly_reports", "--country", str(indonesia.pk), "--week", "2026-W47", stdout=out)
    assert "already sent" in out.getvalue()
    assert len(django_mail.outbox) == 2

    call_command("send_weekly_reports", "--country", "ID", "--week", "2026-W47", "--resend", stdout=StringIO())
    assert len(django_mail.outbox) == 4
    assert ReminderDelivery.objects.filter(kind="weekly_report").count() == 4


def test_command_dry_run_names_recipients_and_sends_nothing(teams, indonesia):
    indonesia.extra_report_recipients = ["partners@example.com"]
    indonesia.save()
    out = StringIO()
    call_command("send_weekly_reports", "--country", "ID", "--week", "2026-W47", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "would send to 3 recipient(s)" in text
    assert "id-lead@example.com · id · with government relations" in text
    assert "id-operator@example.com · id" in text and "partners@example.com" in text
    assert not django_mail.outbox and not WeeklyReport.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--week", "2026-47"], "--week"), (["--country", "ZZ"], "no country"), (["--week", "2025-W53"], "no week 53")],
)
def test_command_bad_input_is_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_weekly_reports", *args, stdout=StringIO())
