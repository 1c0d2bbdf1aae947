"""Challenges, metric snapshots, events with tasks and government contacts from messy files."""

import datetime as dt

import pytest

from challenges.models import Challenge, ChallengeMetricSnapshot
from events.models import Event, EventTask
from imports.models import ImportStatus
from locales.models import GovernmentContact
from tests import factories as f

from .helpers import confirm, counts, errors_by_row, preview


@pytest.fixture
def joget(indonesia):
    return f.ChallengeFactory(country=indonesia, hashtag="JogetBareng", title="Joget Bareng", format="dance")


def test_challenges(importer, indonesia, thailand, joget):
    job = preview(importer, "challenges_messy.csv", kind="challenges")
    assert counts(job) == {"create": 2, "update": 1, "skip": 1, "error": 2}
    assert errors_by_row(job) == {
        (6, "Format"): "Required for a new challenge.",
        (7, "Selesai"): "The end cannot be before the start.",
    }
    assert job.result["samples"]["skip"][0]["row"] == 5
    job = confirm(job, skip_errors=True)
    assert job.status == ImportStatus.DONE
    assert Challenge.objects.count() == 3  # never doubled: #jogetbareng is JogetBareng

    frame = Challenge.objects.get(hashtag="MultiPersonFrame")
    assert (frame.status, frame.format, frame.target_views, frame.owner) == ("ended", "dance", 50_000_000, importer)
    assert frame.starts_at == dt.datetime(2018, 6, 1, tzinfo=indonesia.zone)
    assert frame.ends_at == dt.datetime(2018, 6, 8, 23, 59, tzinfo=indonesia.zone)
    joget.refresh_from_db()
    assert (joget.status, joget.target_views) == ("planned", 5_700_000)
    assert joget.starts_at == dt.datetime(2018, 8, 15, tzinfo=indonesia.zone)
    match = Challenge.objects.get(hashtag="PerfectMatch")
    assert (match.country, match.status, match.format, match.music) == (thailand, "live", "imitation", "บุพเพสันนิวาส")
    assert match.starts_at == dt.datetime(2018, 5, 1, 19, 0, tzinfo=thailand.zone)
    assert frame.history.first().history_door == "import"

    again = confirm(preview(importer, "challenges_messy.csv", kind="challenges"), skip_errors=True)
    assert counts(again) == {"unchanged": 3, "skip": 1, "error": 2}


def test_a_status_move_the_service_forbids_is_a_row_error(importer, indonesia):
    f.ChallengeFactory(country=indonesia, hashtag="Old", title="Old", status="ended")
    import io

    from imports.services import job_create, job_run

    upload = io.BytesIO(b"country,hashtag,status\nID,#old,idea\n")
    upload.name = "x.csv"
    job = job_run(job_create(user=importer, kind="challenges", country=None, upload=upload), dry_run=True)
    assert errors_by_row(job) == {(2, "status"): "A challenge cannot move from Ended to Idea."}


def test_metric_snapshots(importer, indonesia):
    frame = f.ChallengeFactory(country=indonesia, hashtag="MultiPersonFrame")
    job = preview(importer, "metrics_messy.csv", kind="metrics")
    assert counts(job) == {"create": 2, "skip": 1, "error": 2}
    assert errors_by_row(job) == {
        (5, "Hashtag"): "No challenge #Unknown in Indonesia.",
        (6, "Views"): "Not a number: lots.",
    }
    confirm(job, skip_errors=True)
    snapshots = list(
        ChallengeMetricSnapshot.objects.order_by("captured_at").values_list(
            "captured_at", "views", "videos", "likes", "source"
        )
    )
    assert snapshots == [
        (dt.datetime(2018, 6, 2, tzinfo=indonesia.zone), 1_200_000, 3_400, 100_000, "import"),
        (dt.datetime(2018, 6, 8, 21, 0, tzinfo=indonesia.zone), 53_000_000, 120_000, 4_100_000, "import"),
    ]
    frame.refresh_from_db()
    assert (frame.views, frame.videos, frame.likes) == (53_000_000, 120_000, 4_100_000)
    assert frame.metrics_at == dt.datetime(2018, 6, 8, 21, 0, tzinfo=indonesia.zone)
    again = confirm(preview(importer, "metrics_messy.csv", kind="metrics"), skip_errors=True)
    assert counts(again) == {"unchanged": 2, "skip": 1, "error": 2}


def test_events_with_tasks(importer, indonesia):
    job = preview(importer, "events_messy.csv", kind="events")
    assert counts(job) == {"create": 3, "skip": 1, "error": 1}
    assert errors_by_row(job) == {(6, "Kind"): "Required for a new event."}
    confirm(job, skip_errors=True)
    dwp = Event.objects.get(name="Djakarta Warehouse Project")
    assert (dwp.kind, dwp.city, dwp.currency, dwp.budget) == ("festival", "Jakarta", "IDR", 1_500_000_000)
    assert dwp.starts_at == dt.datetime(2017, 12, 15, 16, 0, tzinfo=indonesia.zone)
    assert dwp.ends_at == dt.datetime(2017, 12, 16, 23, 59, tzinfo=indonesia.zone)
    tasks = {t.title: t for t in dwp.tasks.all()}
    assert set(tasks) == {"Book booth", "Invite creators"}
    assert tasks["Book booth"].is_done and tasks["Book booth"].done_by == importer
    assert tasks["Book booth"].due_on == dt.date(2017, 12, 1) and tasks["Book booth"].assignee == importer
    assert not tasks["Invite creators"].is_done
    meetup = Event.objects.get(name="Creator meet-up Bandung")
    assert (meetup.kind, meetup.budget) == ("meet_up", 5_000_000)
    assert meetup.ends_at == dt.datetime(2018, 9, 1, 23, 59, tzinfo=indonesia.zone)
    assert EventTask.objects.count() == 2
    again = confirm(preview(importer, "events_messy.csv", kind="events"), skip_errors=True)
    assert counts(again) == {"unchanged": 3, "skip": 1, "error": 1}


def test_government_contacts_need_the_government_role(id_operator, id_gr, indonesia):
    refused = preview(id_operator, "government_contacts.csv", kind="government_contacts")
    assert counts(refused) == {"error": 3}
    assert set(errors_by_row(refused).values()) == {"You may not import into Indonesia."}

    job = preview(id_gr, "government_contacts.csv", kind="government_contacts")
    assert counts(job) == {"create": 1, "skip": 1, "error": 1}
    assert errors_by_row(job) == {(4, "Email"): "Not an email address: not-an-email."}
    confirm(job, skip_errors=True)
    contact = GovernmentContact.objects.get()
    assert (contact.person_name, contact.stance, contact.influence) == ("Budi Santoso", "cautious", "high")
    assert contact.last_contacted_at == dt.datetime(2018, 7, 4, tzinfo=indonesia.zone)


def test_regulator_requests_need_the_government_role(id_operator, id_gr, indonesia):
    from locales.models import RegulatorRequest

    refused = preview(id_operator, "regulator_requests.csv", kind="regulator_requests", country=indonesia)
    assert RegulatorRequest.objects.count() == 0 and counts(refused).get("create", 0) == 0

    job = preview(id_gr, "regulator_requests.csv", kind="regulator_requests", country=indonesia)
    assert counts(job) == {"create": 2, "skip": 1, "error": 2}
    errors = errors_by_row(job)
    assert errors[(5, "deadline")] == "The deadline cannot be before the request was received."
    assert (6, "country") in errors  # a country this import is not for
    confirm(job, skip_errors=True)
    takedown = RegulatorRequest.objects.get(reference="KOMINFO/TD/0703")
    assert takedown.deadline == dt.datetime(2018, 7, 5, 12, 0, tzinfo=indonesia.zone)  # 48 hours later
    assert (takedown.status, takedown.handler, takedown.on_time) == ("complied", id_gr, True)
    late = RegulatorRequest.objects.get(reference="KPAI/112")
    assert late.on_time is False


def test_external_figures(importer, indonesia):
    from goals.models import ExternalFigure

    job = preview(importer, "external_figures.csv", kind="external_figures")
    assert counts(job) == {"create": 3, "skip": 1, "error": 1}
    assert errors_by_row(job) == {(4, "Nilai"): "A chart rank is 1 or more (1 is the top)."}  # the file's own header
    confirm(job, skip_errors=True)
    assert sorted(ExternalFigure.objects.values_list("metric", "value")) == [
        ("chart_rank", 1),
        ("monthly_active_users", 10_500_000),
        ("monthly_active_users", 12_000_000),
    ]
    assert ExternalFigure.objects.filter(entered_by=importer).count() == 3
