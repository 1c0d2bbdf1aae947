"""A lead hands a leaver's records to a colleague in one step: the service, the screen, who may."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from events.models import EventTask
from influencers.models import Influencer, InfluencerInteraction
from locales.models import GovernmentCommitment, RegulatorRequest, TeamMembership
from opsportal.db import Door
from opsportal.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/exports/handover/reassign/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leaver_work(indonesia, id_operator, thailand):
    """What an operator who is leaving still holds, and what must not move."""
    today = timezone.localdate()
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider", relationship_owner=id_operator)
    f.InfluencerFactory(country=indonesia, name="Nate and Mee", relationship_owner=id_operator)
    open_follow_up = f.InfluencerInteractionFactory(
        influencer=kaykai, owner=id_operator, next_follow_up_on=today + dt.timedelta(days=3)
    )
    done_follow_up = f.InfluencerInteractionFactory(
        influencer=kaykai, owner=id_operator, next_follow_up_on=today, follow_up_done=True
    )
    event = f.EventFactory(country=indonesia, name="DWP")
    open_task = f.EventTaskFactory(event=event, assignee=id_operator, title="Book the booth")
    done_task = f.EventTaskFactory(event=event, assignee=id_operator, title="Done", done_at=timezone.now())
    thai = f.InfluencerFactory(country=thailand, name="Tor")  # another country: never moves
    return {
        "kaykai": kaykai,
        "open": open_follow_up,
        "done": done_follow_up,
        "task": open_task,
        "done_task": done_task,
        "thai": thai,
    }


def test_a_lead_hands_a_leavers_work_to_a_colleague(indonesia, id_lead, id_operator, id_gr, leaver_work):
    colleague = f.UserFactory(username="id-colleague", first_name="Dewi")
    f.MembershipFactory(user=colleague, country=indonesia, role="operator")
    commitment = f.CommitmentFactory(country=indonesia, owner=id_gr, description="Moderation team")
    waiting = f.RegulatorRequestFactory(country=indonesia, handler=id_gr, status="in_progress")
    answered = f.RegulatorRequestFactory(
        country=indonesia, handler=id_gr, status="answered", answered_at=timezone.now() + dt.timedelta(hours=1)
    )
    client = signed_in(id_lead)
    page = client.get(URL)
    assert page.status_code == 200
    assert [(p.username, held["influencers"]) for p, held in page.context["holders"]][:1] == [("id-operator", 2)]

    response = client.post(URL, {"leaver": id_operator.pk, "successor": colleague.pk}, follow=True)
    assert response.status_code == 200
    assert "2 influencers, 1 follow-ups, 1 tasks, 0 commitments" in response.content.decode()
    assert set(Influencer.objects.filter(relationship_owner=colleague).values_list("name", flat=True)) == {
        "Kaykai Salaider",
        "Nate and Mee",
    }
    assert InfluencerInteraction.objects.get(pk=leaver_work["open"].pk).owner == colleague
    assert InfluencerInteraction.objects.get(pk=leaver_work["done"].pk).owner == id_operator  # done: history
    assert EventTask.objects.get(pk=leaver_work["task"].pk).assignee == colleague
    assert EventTask.objects.get(pk=leaver_work["done_task"].pk).assignee == id_operator
    kaykai = Influencer.objects.get(pk=leaver_work["kaykai"].pk)
    latest = kaykai.history.first()
    assert (latest.history_door, latest.history_user) == (Door.PORTAL, id_lead)
    entry = AuditEntry.objects.get(action="handover_reassign")
    assert (entry.country, entry.door, entry.user) == (indonesia, Door.PORTAL, id_lead)
    assert entry.details["influencers"] == 2 and entry.details["successor"] == "id-colleague"

    # Commitments go only to someone with the government-relations role.
    response = client.post(URL, {"leaver": id_gr.pk, "successor": colleague.pk})
    assert response.status_code == 400
    assert "government-relations colleague" in str(response.context["form"].errors["successor"])
    assert GovernmentCommitment.objects.get(pk=commitment.pk).owner == id_gr
    assert client.post(URL, {"leaver": id_gr.pk, "successor": id_lead.pk}).status_code == 302
    assert GovernmentCommitment.objects.get(pk=commitment.pk).owner == id_lead
    # The open regulator request moves with them; an answered one keeps who handled it.
    assert RegulatorRequest.objects.get(pk=waiting.pk).handler == id_lead
    assert RegulatorRequest.objects.get(pk=answered.pk).handler == id_gr


def test_bad_choices_are_refused_next_to_the_field(indonesia, id_lead, id_operator, th_operator, leaver_work):
    client = signed_in(id_lead)
    same = client.post(URL, {"leaver": id_operator.pk, "successor": id_operator.pk})
    assert same.status_code == 400 and "successor" in same.context["form"].errors
    elsewhere = client.post(URL, {"leaver": id_operator.pk, "successor": th_operator.pk})  # not on this team
    assert elsewhere.status_code == 400 and "successor" in elsewhere.context["form"].errors
    empty = client.post(URL, {})
    assert empty.status_code == 400 and set(empty.context["form"].errors) == {"leaver", "successor"}
    assert Influencer.objects.filter(relationship_owner=id_operator).count() == 2  # nothing moved


def test_someone_who_left_the_team_can_still_be_handed_over(indonesia, id_lead, id_operator, leaver_work):
    TeamMembership.objects.filter(user=id_operator).delete()
    client = signed_in(id_lead)
    assert client.post(URL, {"leaver": id_operator.pk, "successor": id_lead.pk}).status_code == 302
    assert not Influencer.objects.filter(relationship_owner=id_operator).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("id_lead", 200), ("id_operator", 403), ("id_gr", 403), ("id_viewer", 403), ("th_operator", 403)],
)
def test_only_leads_may_hand_over(request, who, status, indonesia, id_operator, leaver_work):
    user = request.getfixturevalue(who)
    client = signed_in(user)
    assert client.get(URL).status_code == status
    successor = request.getfixturevalue("id_lead")
    response = client.post(URL, {"leaver": id_operator.pk, "successor": successor.pk})
    assert response.status_code == (302 if status == 200 else 403)
    moved = not Influencer.objects.filter(relationship_owner=id_operator).exists()
    assert moved is (status == 200)


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_holders_table_costs_the_same_for_one_or_fifty(rows, indonesia, id_lead, django_assert_num_queries):
    event = f.EventFactory(country=indonesia)
    for i in range(rows):
        person = f.UserFactory(username=f"holder-{i}")
        f.MembershipFactory(user=person, country=indonesia, role="operator")
        influencer = f.InfluencerFactory(country=indonesia, relationship_owner=person)
        f.InfluencerInteractionFactory(influencer=influencer, owner=person, next_follow_up_on=timezone.localdate())
        f.EventTaskFactory(event=event, assignee=person)
        f.CommitmentFactory(country=indonesia, owner=id_lead)
        f.RegulatorRequestFactory(country=indonesia, handler=id_lead)
    client = signed_in(id_lead)
    client.get(URL)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    counts = test_the_holders_table_costs_the_same_for_one_or_fifty.__dict__.setdefault("counts", {})
    counts[rows] = len(queries)
    if len(counts) == 2:
        assert counts[1] == counts[50], counts
