"""The country handover pack: what each role gets."""

import csv
import io

import openpyxl
from django.urls import reverse

from opsportal.models import AuditEntry

from .conftest import read_zip

PLAIN = {
    "influencers.csv",
    "challenges.csv",
    "events.csv",
    "event-tasks.csv",
    "event-partners.csv",
    "partners.csv",
    "outreach.csv",
    "follow-ups-open.csv",
    "team.csv",
    "cultural-moments-upcoming.csv",
    "goals-this-quarter.csv",
    "handover.xlsx",
    "README.txt",
}
GOVERNMENT = {
    "government-contacts.csv",
    "government-interactions.csv",
    "open-incidents.csv",
    "commitments.csv",
    "open-regulator-requests.csv",
    "open-regulator-request-items.csv",
}
FINANCE = {"open-agreements.csv", "deliverables-owed.csv", "payments-due.csv"}


def _csv(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_a_lead_gets_everything_of_their_country(client, id_lead, data):
    client.force_login(id_lead)
    response = client.get(reverse("exports:handover", args=["ID"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = read_zip(response)
    assert set(archive.namelist()) == PLAIN | GOVERNMENT | FINANCE
    assert {r["name"] for r in _csv(archive, "influencers.csv")} == {
        "Rina Nose",
        '\'=HYPERLINK("http://evil.example","click")',
        "'@everyone",
    }
    assert [r["hashtag"] for r in _csv(archive, "challenges.csv")] == ["MultiPersonFrame"]
    assert [r["title"] for r in _csv(archive, "event-tasks.csv")] == ["Book booth"]
    assert [r["name"] for r in _csv(archive, "cultural-moments-upcoming.csv")] == ["Lebaran"]
    assert [r["person_name"] for r in _csv(archive, "government-contacts.csv")] == ["Budi Santoso"]
    assert [r["title"] for r in _csv(archive, "open-incidents.csv")] == ["Temporary ban"]
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("handover.xlsx")))
    assert "government-contacts" in workbook.sheetnames
    readme = archive.read("README.txt").decode()
    assert "open incidents, commitments and open regulator requests are included." in readme
    assert AuditEntry.objects.get(action="handover_pack").country.code == "ID"


def test_an_operator_gets_no_government_relations(client, id_operator, data):
    client.force_login(id_operator)
    archive = read_zip(client.get(reverse("exports:handover", args=["ID"])))
    assert set(archive.namelist()) == PLAIN
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("handover.xlsx")))
    assert not any("government" in s or "incident" in s for s in workbook.sheetnames)
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert b"Budi Santoso" not in archive.read(name) and b"Temporary ban" not in archive.read(name)


def test_no_pack_for_another_country(client, id_operator, data):
    client.force_login(id_operator)
    assert client.get(reverse("exports:handover", args=["TH"])).status_code == 404


def test_hq_viewer_gets_every_country_without_government(client, hq_viewer, data):
    client.force_login(hq_viewer)
    archive = read_zip(client.get(reverse("exports:handover", args=["TH"])))
    assert set(archive.namelist()) == PLAIN
    assert [r["name"] for r in _csv(archive, "influencers.csv")] == ["Kaykai Salaider"]


def test_the_handover_page_lists_the_packs(client, id_lead, data):
    client.force_login(id_lead)
    page = client.get(reverse("exports:handover_index")).content.decode()
    assert reverse("exports:handover", args=["ID"]) in page
    assert reverse("exports:handover", args=["TH"]) not in page


def test_the_pack_holds_outreach_follow_ups_partners_roster_and_government_history(client, id_lead, id_operator, data):
    from influencers.models import Influencer
    from tests import factories as f

    indonesia, thailand = data
    rina = Influencer.objects.get(name="Rina Nose")
    f.InfluencerInteractionFactory(influencer=rina, summary="Invited to DWP", next_follow_up_on="2026-12-10")
    f.InfluencerInteractionFactory(
        influencer=rina, summary="Answered", next_follow_up_on="2026-11-01", follow_up_done=True
    )
    f.InfluencerInteractionFactory(influencer=Influencer.objects.get(name="Kaykai Salaider"), summary="Thai entry")
    f.EventPartnerFactory(event=f.EventFactory(country=indonesia), partner=f.PartnerFactory(name="Ismaya Live"))
    f.PartnerFactory(country=thailand, name="Thai partner")
    contact = f.GovernmentContactFactory(country=indonesia, person_name="The Minister")
    f.GovernmentInteractionFactory(contact=contact, summary="Met the minister")
    f.CommitmentFactory(country=indonesia, description="Local moderation team")
    f.CommitmentFactory(country=thailand, description="Thai promise")
    waiting = f.RegulatorRequestFactory(country=indonesia, reference="KOMINFO/1", handler=id_lead)
    f.RequestItemFactory(request=waiting, target="https://example.com/v/1")
    f.RegulatorRequestFactory(country=indonesia, reference="KOMINFO/0", status="closed")  # done: not in the pack
    f.RegulatorRequestFactory(country=thailand, reference="NBTC/1")

    client.force_login(id_lead)
    archive = read_zip(client.get(reverse("exports:handover", args=["ID"])))
    assert {r["summary"] for r in _csv(archive, "outreach.csv")} == {"Invited to DWP", "Answered"}
    assert [r["summary"] for r in _csv(archive, "follow-ups-open.csv")] == ["Invited to DWP"]
    assert [r["name"] for r in _csv(archive, "partners.csv")] == ["Ismaya Live"]
    assert [r["partner"] for r in _csv(archive, "event-partners.csv")] == ["Ismaya Live"]
    assert {r["user"] for r in _csv(archive, "team.csv")} >= {id_lead.username, id_operator.username}
    assert [r["summary"] for r in _csv(archive, "government-interactions.csv")] == ["Met the minister"]
    assert [r["description"] for r in _csv(archive, "commitments.csv")] == ["Local moderation team"]
    requests = _csv(archive, "open-regulator-requests.csv")
    assert [(r["reference"], r["handler"]) for r in requests] == [("KOMINFO/1", id_lead.username)]
    assert [(r["request"], r["target"]) for r in _csv(archive, "open-regulator-request-items.csv")] == [
        ("KOMINFO/1", "https://example.com/v/1")
    ]


def test_money_and_goals_in_the_pack_only_for_those_who_may_see_them(client, id_lead, id_gr, id_operator, data):
    import datetime as dt

    from django.utils import timezone

    from tests import factories as f

    indonesia, thailand = data
    today = timezone.localtime(timezone.now(), indonesia.zone).date()
    quarter = (today.month - 1) // 3 + 1
    f.GoalFactory(country=indonesia, year=today.year, quarter=quarter, metric="events_held", target=4)
    f.GoalFactory(country=indonesia, year=today.year - 1, quarter=quarter, metric="events_held", target=9)  # past
    f.GoalFactory(country=thailand, year=today.year, quarter=quarter, metric="events_held", target=7)
    signed = f.AgreementFactory(country=indonesia, title="Seeding the frame", status="signed")
    f.DeliverableFactory(agreement=signed, description="Three videos", due_on=today + dt.timedelta(days=3))
    f.DeliverableFactory(agreement=signed, description="Already sent", delivered_at=timezone.now())
    f.PaymentFactory(agreement=signed, amount=5_000_000, reference="DUE-1")
    f.PaymentFactory(agreement=signed, amount=5_000_000, paid_on=today, reference="PAID-1")
    f.AgreementFactory(country=indonesia, title="Cancelled deal", status="cancelled")
    f.AgreementFactory(country=thailand, title="Thai deal", status="signed")

    client.force_login(id_lead)
    archive = read_zip(client.get(reverse("exports:handover", args=["ID"])))
    assert [(r["metric"], r["target"]) for r in _csv(archive, "goals-this-quarter.csv")] == [("events_held", "4")]
    assert [r["title"] for r in _csv(archive, "open-agreements.csv")] == ["Seeding the frame"]
    owed = _csv(archive, "deliverables-owed.csv")
    assert [(r["agreement"], r["description"]) for r in owed] == [("Seeding the frame", "Three videos")]
    assert [r["reference"] for r in _csv(archive, "payments-due.csv")] == ["DUE-1"]
    assert "payments still due are included" in archive.read("README.txt").decode()
    page = client.get(reverse("exports:handover_index")).content.decode()
    assert "with open creator agreements" in page

    # Operators, government relations and HQ without the finance grant: goals, never money.
    hq = f.UserFactory(username="hq-plain")
    f.StaffProfileFactory(user=hq, hq_access="viewer")
    for person in (id_operator, id_gr, hq):
        client.force_login(person)
        archive = read_zip(client.get(reverse("exports:handover", args=["ID"])))
        assert not FINANCE & set(archive.namelist())
        assert len(_csv(archive, "goals-this-quarter.csv")) == 1
        for name in archive.namelist():
            if name.endswith(".csv"):
                assert b"Seeding the frame" not in archive.read(name) and b"DUE-1" not in archive.read(name)
        assert "need the right to see money" in archive.read("README.txt").decode()
        assert "with open creator agreements" not in client.get(reverse("exports:handover_index")).content.decode()
