"""Admin lists cost the same number of queries for 1 row as for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locales.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def influencers(country, owner, n):
    for _ in range(n):
        influencer = f.InfluencerFactory(country=country, relationship_owner=owner)
        account = f.PlatformAccountFactory(influencer=influencer)
        f.FollowerSnapshotFactory(account=account)
        f.InfluencerInteractionFactory(influencer=influencer, owner=owner)


def challenges(country, owner, n):
    for _ in range(n):
        challenge = f.ChallengeFactory(country=country, owner=owner)
        f.MetricSnapshotFactory(challenge=challenge)
        f.ParticipationFactory(challenge=challenge)


def events(country, owner, n):
    for _ in range(n):
        event = f.EventFactory(country=country, owner=owner)
        f.EventTaskFactory(event=event, assignee=owner)
        f.EventTaskFactory(event=event, due_on=dt.date(2020, 1, 1))
        f.EventGuestFactory(event=event)
        f.EventPartnerFactory(event=event)


def government(country, owner, n):
    for _ in range(n):
        incident = f.IncidentFactory(country=country, owner=owner)
        interaction = f.GovernmentInteractionFactory(contact__country=country, incident=incident, owner=owner)
        f.CommitmentFactory(country=country, incident=incident, contact=interaction.contact, owner=owner)


def people(country, owner, n):
    for _ in range(n):
        f.MembershipFactory(country=country, role=Role.VIEWER, user=f.UserFactory(is_staff=True))


LISTS = [
    (influencers, ["influencer", "platformaccount", "followersnapshot", "influencerinteraction"], "influencers"),
    (challenges, ["challenge", "challengemetricsnapshot", "challengeparticipation"], "challenges"),
    (events, ["event", "eventtask", "eventguest", "eventpartner", "partner"], "events"),
    (government, ["governmentcontact", "governmentinteraction", "regulatoryincident"], "locales"),
    (government, ["governmentcommitment"], "locales"),
    (people, ["teammembership"], "opsportal"),
]


@pytest.mark.parametrize("username", ["admin", "id-lead"])
@pytest.mark.parametrize(("build", "names", "app"), LISTS, ids=[f"{app}.{names[0]}" for _b, names, app in LISTS])
def test_lists_do_not_grow_in_queries(
    build, names, app, username, superuser, id_lead, indonesia, client, django_assert_max_num_queries
):
    user = superuser if username == "admin" else id_lead
    user.is_staff = True  # a lead opens the admin with their membership alone
    user.save()
    client.force_login(user)
    urls = [reverse(f"admin:{app}_{name}_changelist") for name in names]
    build(indonesia, id_lead, 1)
    budgets = {}
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        budgets[url] = len(one)
    build(indonesia, id_lead, 49)
    for url in urls:
        with django_assert_max_num_queries(budgets[url]):
            response = client.get(url)
        assert response.status_code == 200 and response.context["cl"].result_count >= 50, url
