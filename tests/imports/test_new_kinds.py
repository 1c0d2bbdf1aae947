"""Budget lines (finance) and country goal targets (leads) from messy files (issue 17)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from budgets.models import BudgetLine
from goals.models import CountryGoal
from imports.models import ImportJob
from tests import factories as f

from .conftest import FIXTURES
from .helpers import confirm, counts, errors_by_row, preview


@pytest.fixture
def records(indonesia, thailand):
    start = timezone.make_aware(dt.datetime(2018, 8, 10, 18, 0), indonesia.zone)
    dwp = f.EventFactory(country=indonesia, name="DWP", starts_at=start, currency="IDR")
    joget = f.ChallengeFactory(country=indonesia, hashtag="JogetBareng")
    f.EventFactory(country=thailand, name="DWP")  # the same name in another country: never matched
    return dwp, joget


def test_budget_lines_from_a_finance_sheet(importer, records):
    dwp, joget = records
    job = preview(importer, "budget_lines.csv", kind="budget_lines")
    assert counts(job) == {"create": 2, "skip": 1, "error": 4}
    errors = errors_by_row(job)
    assert errors[(5, "Acara")] == "No event Unknown fest in Indonesia."
    assert errors[(6, "Acara")] == "A budget line belongs to one event or one challenge: fill one of them."
    assert (7, "Anggaran") in errors  # a negative amount
    assert errors[(8, "Negara")] == "You may not import into Thailand."  # an operator there, not finance
    assert not BudgetLine.objects.exists()  # a preview writes nothing

    confirm(job, skip_errors=True)
    booth = BudgetLine.objects.get(event=dwp)
    assert (booth.category, booth.description, booth.planned, booth.currency) == (
        "venue",
        "Booth",
        Decimal("500000000.00"),
        "IDR",
    )
    seeding = BudgetLine.objects.get(challenge=joget)
    assert (seeding.category, seeding.actual, seeding.spent_on) == (
        "creators",
        Decimal("120000000.00"),
        dt.date(2018, 8, 15),
    )
    assert booth.history.first().history_door == "import"

    # The same sheet with the spend filled in later updates the line (matched case-insensitively).
    again = preview(importer, "budget_lines.csv", kind="budget_lines")
    assert counts(again).get("create", 0) == 0 and counts(again)["unchanged"] == 2


def test_two_events_of_one_name_need_the_start_day(importer, records, indonesia):
    dwp, _joget = records
    f.EventFactory(country=indonesia, name="DWP", starts_at=dwp.starts_at + dt.timedelta(days=365))
    job = preview(importer, "budget_lines.csv", kind="budget_lines")
    assert errors_by_row(job)[(2, "event_date")] == "Several events are called DWP: give the start day."


def test_operators_cannot_import_money(client, id_operator, records):
    refused = preview(id_operator, "budget_lines.csv", kind="budget_lines")
    assert counts(refused).get("create", 0) == 0 and not BudgetLine.objects.exists()
    jobs = ImportJob.objects.count()
    client.force_login(id_operator)
    page = client.get(reverse("imports:index")).content.decode()
    assert 'value="budget_lines"' not in page and 'value="goals"' not in page
    data = (FIXTURES / "budget_lines.csv").read_bytes()
    response = client.post(
        reverse("imports:index"),
        {"kind": "budget_lines", "file": SimpleUploadedFile("budget_lines.csv", data, "text/csv")},
    )
    assert response.status_code == 200 and ImportJob.objects.count() == jobs  # a form error, no job


def test_goal_targets_from_a_planning_sheet(client, importer, indonesia):
    client.force_login(importer)
    data = (FIXTURES / "goals.csv").read_bytes()
    response = client.post(
        reverse("imports:index"), {"kind": "goals", "file": SimpleUploadedFile("goals.csv", data, "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    assert client.post(reverse("imports:mapping", args=[job.token]), form).status_code == 302
    job.refresh_from_db()
    assert counts(job) == {"create": 2, "skip": 1, "error": 4}
    errors = errors_by_row(job)
    assert errors[(5, "Sasaran")] == "A target is 1 or more (for the chart rank, 1 is the top)."
    assert errors[(6, "Kuartal")] == "A quarter is 1, 2, 3 or 4."
    assert (7, "Metrik") in errors
    assert errors[(8, "Negara")] == "You may not import into Thailand."  # an operator there: goals are the lead's
    client.post(reverse("imports:confirm", args=[job.token]), {"skip_errors": "on"})
    assert sorted(CountryGoal.objects.values_list("year", "quarter", "metric", "target")) == [
        (2018, 3, "core_active", 100),
        (2018, 3, "monthly_active_users", 12_000_000),
    ]


def test_a_goal_row_changes_the_quarters_target(importer, indonesia, tmp_path):
    f.GoalFactory(
        country=indonesia, year=2018, quarter=3, metric="core_active", target=80, note="Over 100 core creators"
    )
    job = confirm(preview(importer, "goals.csv", kind="goals"), skip_errors=True)
    assert counts(job)["update"] == 1
    assert CountryGoal.objects.get(metric="core_active").target == 100


@pytest.fixture
def creators(indonesia, thailand, records):
    rina = f.InfluencerFactory(country=indonesia, name="Rina Nose")
    dewi = f.InfluencerFactory(country=indonesia, name="Dewi")
    f.PlatformAccountFactory(influencer=dewi, handle="dewi_dance")
    f.InfluencerFactory(country=thailand, name="Nobody Here")  # another country's: not found
    return rina, dewi


def test_agreements_from_a_finance_sheet(importer, indonesia, records, creators):
    from agreements.models import Agreement

    dwp, joget = records
    rina, dewi = creators
    job = preview(importer, "agreements.csv", kind="agreements")
    assert counts(job) == {"create": 2, "skip": 1, "error": 4}
    errors = errors_by_row(job)
    assert errors[(5, "Kreator")] == "No influencer Nobody Here in Indonesia."
    assert errors[(6, "Tagar")] == "Name a challenge, an event, or a period (start and end)."
    assert errors[(7, "Status")] == "The payments made do not cover the fee yet."
    assert errors[(8, "Negara")] == "You may not import into Thailand."
    assert not Agreement.objects.exists()

    confirm(job, skip_errors=True)
    seeding = Agreement.objects.get(title="Seeding JogetBareng with Rina")
    assert (seeding.influencer, seeding.challenge, seeding.status, seeding.fee, seeding.currency) == (
        rina,
        joget,
        "signed",
        Decimal("15000000.00"),
        "IDR",
    )
    assert seeding.signed_on == dt.date(2018, 8, 1) and seeding.notes == "Three videos"
    appearance = Agreement.objects.get(title="DWP appearance")
    assert (appearance.influencer, appearance.event, appearance.status) == (dewi, dwp, "draft")

    again = preview(importer, "agreements.csv", kind="agreements")
    assert counts(again)["unchanged"] == 2 and counts(again).get("create", 0) == 0


def test_operators_and_government_relations_cannot_import_agreements(client, id_operator, id_gr, creators):
    from agreements.models import Agreement

    for person in (id_operator, id_gr):
        refused = preview(person, "agreements.csv", kind="agreements")
        assert counts(refused).get("create", 0) == 0
        client.force_login(person)
        assert 'value="agreements"' not in client.get(reverse("imports:index")).content.decode()
    assert not Agreement.objects.exists()
