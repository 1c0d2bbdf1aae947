"""Rules of the outreach log and of incidents, through every door that makes them:

* ``influencers.services.influencer_log_interaction``: a touch answers the earlier follow-ups
  (they are done) and a first touch with a prospect moves them to contacted (stamped);
* ``InfluencerInteraction.clean`` (run by both interaction services): the follow-up is not
  before the contact, in the creator's country's days;
* ``locales.services.incident_resolve`` (via ``incident_save``): resolving a ban counts the days
  it restricted us, from opened to resolved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from influencers.models import InfluencerInteraction, Stage
from locales.models.government import IncidentStatus
from tests import factories as f

from .forms import add_inline_row, admin_form, admin_post, local_parts, portal_post

pytestmark = pytest.mark.django_db


# --- a touch with a creator -------------------------------------------------------------------
def touch_by_portal(doors, influencer, follow_up=""):
    data = {"outreach-kind": "call", "outreach-summary": "Called about the festival"}
    data["outreach-next_follow_up_on"] = follow_up
    return doors.portal.post(f"/influencers/{influencer.pk}/outreach/", data).status_code == 302


def touch_by_api(doors, influencer, follow_up=""):
    payload = {"influencer": influencer.pk, "kind": "call", "summary": "Called about the festival"}
    if follow_up:
        payload["next_follow_up_on"] = follow_up
    return doors.api.post("/api/v1/influencer-interactions/", payload, format="json").status_code == 201


def touch_by_admin(doors, influencer, follow_up=""):
    day, time = local_parts(timezone.now(), doors.country.zone)
    fields = {
        "influencer": str(influencer.pk),
        "kind": "call",
        "summary": "Called about the festival",
        "occurred_at_0": day,
        "occurred_at_1": time,
        "next_follow_up_on": follow_up,
    }
    return admin_post(doors.admin, "/admin/influencers/influencerinteraction/add/", **fields).status_code == 302


def touch_by_admin_inline(doors, influencer, follow_up=""):
    url = f"/admin/influencers/influencer/{influencer.pk}/change/"
    data = admin_form(doors.admin, url)
    day, time = local_parts(timezone.now(), doors.country.zone)
    add_inline_row(
        data,
        "interactions",
        kind="call",
        summary="Called about the festival",
        occurred_at_0=day,
        occurred_at_1=time,
        next_follow_up_on=follow_up,
    )
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


TOUCH = {"portal": touch_by_portal, "api": touch_by_api, "admin": touch_by_admin, "admin inline": touch_by_admin_inline}


@pytest.mark.parametrize("door", TOUCH)
def test_a_first_touch_makes_a_prospect_contacted_whichever_door(doors, door):
    influencer = f.InfluencerFactory(country=doors.country, stage=Stage.PROSPECT, stage_changed_at=None)
    assert TOUCH[door](doors, influencer), f"the {door} refused the touch"
    influencer.refresh_from_db()
    assert influencer.stage == Stage.CONTACTED
    assert influencer.stage_changed_at is not None


@pytest.mark.parametrize("door", TOUCH)
def test_a_touch_answers_the_earlier_follow_ups_whichever_door(doors, door):
    influencer = f.InfluencerFactory(country=doors.country, stage=Stage.ACTIVE)
    earlier = f.InfluencerInteractionFactory(
        influencer=influencer,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        next_follow_up_on=timezone.localdate(),
        follow_up_done=False,
    )
    assert TOUCH[door](doors, influencer), f"the {door} refused the touch"
    assert InfluencerInteraction.objects.filter(influencer=influencer).count() == 2
    earlier.refresh_from_db()
    assert earlier.follow_up_done, f"the {door} left an answered follow-up open"


@pytest.mark.parametrize("door", TOUCH)
def test_a_follow_up_before_the_contact_is_refused_whichever_door(doors, door):
    """Only the portal's form refused it before; the API and the admin stored it."""
    influencer = f.InfluencerFactory(country=doors.country, stage=Stage.ACTIVE)
    before = (timezone.localdate(timezone=doors.country.zone) - dt.timedelta(days=2)).isoformat()
    assert not TOUCH[door](doors, influencer, follow_up=before), f"the {door} took a follow-up before the contact"
    assert not InfluencerInteraction.objects.filter(influencer=influencer).exists()
    same_day = timezone.localdate(timezone=doors.country.zone).isoformat()
    assert TOUCH[door](doors, influencer, follow_up=same_day), f"the {door} refused a same-day follow-up"


# --- resolving an incident --------------------------------------------------------------------
def resolve_by_portal(doors, incident):
    return portal_post(doors.portal, f"/government/incidents/{incident.pk}/edit/", status="resolved").status_code == 302


def resolve_by_api(doors, incident):
    url = f"/api/v1/regulatory-incidents/{incident.pk}/"
    return doors.api.patch(url, {"status": "resolved"}, format="json").status_code == 200


def resolve_by_admin(doors, incident):
    url = f"/admin/locales/regulatoryincident/{incident.pk}/change/"
    return admin_post(doors.admin, url, status="resolved").status_code == 302


RESOLVE = {"portal": resolve_by_portal, "api": resolve_by_api, "admin": resolve_by_admin}


@pytest.mark.parametrize("door", RESOLVE)
def test_resolving_a_ban_counts_its_days_whichever_door(doors, door):
    opened = timezone.now() - dt.timedelta(days=3, hours=12)
    incident = f.IncidentFactory(country=doors.country, kind="ban", opened_at=opened, days_restricted=None)
    assert RESOLVE[door](doors, incident), f"the {door} refused to resolve"
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at is not None
    assert incident.days_restricted == 4, f"the {door} resolved a ban without counting its days"
