"""Quick capture at an event (issue 14): a walk-in creator or a guest in a few taps, saved whole
through the services every door uses, once per capture id, in the event's country only."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from events.models import EventGuest, QuickCapture
from influencers.models import FollowerSnapshot, Influencer, InfluencerInteraction, PlatformAccount
from opsportal.db import Door, Source
from opsportal.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

JSON = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(event) -> str:
    return reverse("events:capture", args=[event.pk])


def walk_in(**overrides) -> dict:
    data = {
        "form": "walkin",
        "walkin-capture_id": str(uuid.uuid4()),
        "walkin-name": "Rara Sekar",
        "walkin-platform": "tiktok",
        "walkin-handle": "@rarasekar",
        "walkin-followers": "12500",
        "walkin-note": "Met at the booth; wants to join the dance challenge.",
    }
    data.update({f"walkin-{k}" if k != "form" else k: v for k, v in overrides.items()})
    return data


def guest(influencer, **overrides) -> dict:
    data = {"form": "guest", "guest-capture_id": str(uuid.uuid4()), "guest-influencer": str(influencer.pk)}
    data["guest-status"] = "attended"
    data.update({f"guest-{k}": v for k, v in overrides.items()})
    return data


def last_door(obj) -> str:
    return obj.history.order_by("-history_date", "-history_id").first().history_door


def nothing_saved():
    assert not Influencer.objects.exists()
    assert not PlatformAccount.objects.exists()
    assert not FollowerSnapshot.objects.exists()
    assert not InfluencerInteraction.objects.exists()
    assert not EventGuest.objects.exists()
    assert not QuickCapture.objects.exists()


# --- the walk-in creator -------------------------------------------------------------------------
def test_walk_in_is_saved_with_account_followers_note_and_a_place_on_the_guest_list(id_operator, indonesia):
    event = f.EventFactory(country=indonesia, name="DWP")
    client = signed_in(id_operator)
    page = client.get(url(event))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Walk-in creator" in body and "events/capture.js" in body and "None" not in body

    response = client.post(url(event), walk_in())
    assert response.status_code == 302 and response["Location"] == url(event)

    rara = Influencer.objects.get()
    assert (rara.name, rara.country, rara.created_by) == ("Rara Sekar", indonesia, id_operator)
    account = rara.accounts.get()
    assert (account.platform, account.handle, account.followers) == ("tiktok", "rarasekar", 12_500)
    snapshot = account.snapshots.get()
    assert (snapshot.followers, snapshot.source) == (12_500, Source.MANUAL)
    rara.refresh_from_db()
    assert rara.total_followers == 12_500
    entry = rara.interactions.get()
    assert entry.kind == "event" and entry.summary.startswith("Met at the booth") and entry.owner == id_operator
    assert rara.stage == "contacted"  # a first touch with a prospect
    seat = EventGuest.objects.get(event=event, influencer=rara)
    assert seat.status == "attended"
    # The page shows it afterwards.
    page = client.get(url(event)).content.decode()
    assert "Rara Sekar saved." in page and "Rara Sekar" in page.split("Latest guests")[1]


def test_walk_in_without_followers_or_note_logs_the_meeting(id_operator, indonesia):
    event = f.EventFactory(country=indonesia, name="Meet-up Bandung")
    response = signed_in(id_operator).post(url(event), walk_in(followers="", note=""))
    assert response.status_code == 302
    rara = Influencer.objects.get()
    assert not FollowerSnapshot.objects.exists()
    assert rara.interactions.get().summary == "Walk-in at Meet-up Bandung."


def test_writes_are_in_the_audit_trail_with_the_portal_door(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    assert signed_in(id_operator).post(url(event), walk_in()).status_code == 302
    rara = Influencer.objects.get()
    account = rara.accounts.get()
    assert last_door(rara) == Door.PORTAL
    assert last_door(account) == Door.PORTAL
    assert last_door(rara.interactions.get()) == Door.PORTAL
    seat = EventGuest.objects.get(influencer=rara)
    assert last_door(seat) == Door.PORTAL
    assert seat.history.first().history_user == id_operator
    snapshot = account.snapshots.get()
    entry = AuditEntry.objects.get(model="influencers.followersnapshot", object_id=str(snapshot.pk))
    assert (entry.door, entry.user, entry.country) == (Door.PORTAL, id_operator, indonesia)


def test_the_same_capture_id_twice_saves_once(id_operator, indonesia):
    """A phone that lost the answer sends the entry again: one record, and a success both times."""
    event = f.EventFactory(country=indonesia)
    client = signed_in(id_operator)
    data = walk_in()
    first = client.post(url(event), data, **JSON)
    assert first.status_code == 201 and first.json()["ok"] and not first.json()["duplicate"]
    again = client.post(url(event), data, **JSON)
    assert again.status_code == 200 and again.json()["ok"] and again.json()["duplicate"]
    assert (
        again.json()["url"] == first.json()["url"] == reverse("influencers:detail", args=[Influencer.objects.get().pk])
    )
    assert Influencer.objects.count() == 1 and EventGuest.objects.count() == 1
    assert FollowerSnapshot.objects.count() == 1 and InfluencerInteraction.objects.count() == 1
    assert QuickCapture.objects.get().influencer == Influencer.objects.get()
    # Without the script too: the second post redirects as a success.
    assert client.post(url(event), data).status_code == 302
    assert Influencer.objects.count() == 1


def test_a_capture_id_of_another_event_is_not_taken_for_this_one(id_operator, indonesia):
    one, other = f.EventFactory(country=indonesia), f.EventFactory(country=indonesia)
    client = signed_in(id_operator)
    data = walk_in()
    assert client.post(url(one), data, **JSON).status_code == 201
    response = client.post(url(other), {**data, "walkin-handle": "rara.other"}, **JSON)
    assert response.status_code == 201 and not response.json()["duplicate"]
    assert Influencer.objects.count() == 2


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"handle": ""}, "handle"),
        ({"handle": "  @ "}, "handle"),
        ({"name": ""}, "name"),
        ({"followers": "-5"}, "followers"),
        ({"followers": "many"}, "followers"),
        ({"platform": "myspace"}, "platform"),
        ({"capture_id": "not-a-uuid"}, "capture_id"),
    ],
)
def test_bad_walk_in_is_refused_with_a_field_error_and_nothing_saved(id_operator, indonesia, overrides, field):
    event = f.EventFactory(country=indonesia)
    client = signed_in(id_operator)
    response = client.post(url(event), walk_in(**overrides))
    assert response.status_code == 400
    assert field in response.context["walkin_form"].errors
    shown = 'class="form-errors"' if field == "capture_id" else 'class="field has-error'
    assert shown in response.content.decode()
    as_json = client.post(url(event), walk_in(**overrides), **JSON)
    assert as_json.status_code == 400 and field in as_json.json()["errors"]
    nothing_saved()


def test_a_handle_of_this_country_is_refused_with_a_link_to_its_influencer(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    f.PlatformAccountFactory(influencer=kaykai, platform="tiktok", handle="KaykaiSalaider")
    client = signed_in(id_operator)
    response = client.post(url(event), walk_in(name="Kaykai", handle="@kaykaisalaider"))
    assert response.status_code == 400
    assert response.context["walkin_form"].errors["handle"] == ["Kaykai Salaider already has this handle."]
    assert reverse("influencers:detail", args=[kaykai.pk]) in response.content.decode()
    as_json = client.post(url(event), walk_in(name="Kaykai", handle="kaykaisalaider"), **JSON).json()
    assert as_json["existing"] == {"name": "Kaykai Salaider", "url": reverse("influencers:detail", args=[kaykai.pk])}
    assert Influencer.objects.count() == 1 and not EventGuest.objects.exists()
    # Another platform with the same handle is another account: fine.
    assert (
        client.post(url(event), walk_in(name="Kaykai YT", handle="kaykaisalaider", platform="youtube")).status_code
        == 302
    )


def test_a_handle_of_another_country_is_refused_without_naming_its_holder(id_operator, indonesia, thailand):
    event = f.EventFactory(country=indonesia)
    thai = f.InfluencerFactory(country=thailand, name="Tor Thanapob")
    f.PlatformAccountFactory(influencer=thai, platform="tiktok", handle="tor")
    response = signed_in(id_operator).post(url(event), walk_in(handle="tor"), **JSON)
    assert response.status_code == 400
    data = response.json()
    assert data["errors"].get("handle") == ["This handle is already registered on this platform."], data
    assert data["errors"]["handle"] == ["This handle is already registered on this platform."]
    assert data["existing"] is None and "Tor Thanapob" not in response.content.decode()
    assert Influencer.objects.count() == 1


# --- the guest at the door -------------------------------------------------------------------------
def test_an_influencer_of_the_country_is_added_as_guest_and_an_invited_one_marked_attended(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    walk_up, invited = f.InfluencerFactory(country=indonesia), f.InfluencerFactory(country=indonesia)
    seat = f.EventGuestFactory(event=event, influencer=invited, status="invited")
    client = signed_in(id_operator)
    assert client.post(url(event), guest(walk_up, notes="came with Nate & Mee")).status_code == 302
    added = EventGuest.objects.get(event=event, influencer=walk_up)
    assert (added.status, added.notes, last_door(added)) == ("attended", "came with Nate & Mee", Door.PORTAL)
    response = client.post(url(event), guest(invited), **JSON)
    assert response.status_code == 201 and response.json()["status"] == "Attended"
    seat.refresh_from_db()
    assert seat.status == "attended" and last_door(seat) == Door.PORTAL
    assert EventGuest.objects.filter(event=event).count() == 2


def test_the_same_guest_capture_id_twice_saves_once(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    creator = f.InfluencerFactory(country=indonesia)
    client = signed_in(id_operator)
    data = guest(creator)
    assert client.post(url(event), data, **JSON).status_code == 201
    again = client.post(url(event), data, **JSON)
    assert again.status_code == 200 and again.json()["duplicate"]
    assert EventGuest.objects.count() == 1 and QuickCapture.objects.count() == 1
    assert EventGuest.history.count() == 1  # the second sending wrote nothing


def test_another_countrys_influencer_is_refused_as_guest(id_operator, indonesia, thailand):
    event = f.EventFactory(country=indonesia)
    thai = f.InfluencerFactory(country=thailand)
    client = signed_in(id_operator)
    response = client.post(url(event), guest(thai))
    assert response.status_code == 400 and response.context["guest_form"].errors["influencer"]
    assert client.post(url(event), guest(thai), **JSON).json()["errors"]["influencer"]
    assert not EventGuest.objects.exists() and not QuickCapture.objects.exists()


def test_the_service_refuses_another_countrys_influencer_too(id_operator, indonesia, thailand):
    from django.core.exceptions import ValidationError

    from events.capture import event_capture_guest

    event = f.EventFactory(country=indonesia)
    with pytest.raises(ValidationError) as error:
        event_capture_guest(event, f.InfluencerFactory(country=thailand), capture_id=uuid.uuid4(), by=id_operator)
    assert "influencer" in error.value.message_dict
    assert not EventGuest.objects.exists() and not QuickCapture.objects.exists()


def test_bad_guest_status_is_a_field_error(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    response = signed_in(id_operator).post(url(event), guest(f.InfluencerFactory(country=indonesia), status="vip"))
    assert response.status_code == 400 and "status" in response.context["guest_form"].errors
    assert not EventGuest.objects.exists()


def test_an_unknown_form_is_a_bad_request(id_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    assert signed_in(id_operator).post(url(event), {"form": "other"}).status_code == 400


# --- who may -------------------------------------------------------------------------------------
def test_another_countrys_event_is_not_found(th_operator, indonesia):
    event = f.EventFactory(country=indonesia)
    client = signed_in(th_operator)
    assert client.get(url(event)).status_code == 404
    assert client.post(url(event), walk_in(), **JSON).status_code == 404
    nothing_saved()


@pytest.mark.parametrize("who", ["id_viewer", "id_gr", "hq_viewer"])
def test_readers_may_not_capture(request, who, indonesia):
    event = f.EventFactory(country=indonesia)
    client = signed_in(request.getfixturevalue(who))
    assert client.get(url(event)).status_code == 403
    assert client.post(url(event), walk_in()).status_code == 403
    assert client.post(url(event), walk_in(), **JSON).status_code == 403
    nothing_saved()


def test_signed_out_is_sent_to_sign_in(indonesia):
    event = f.EventFactory(country=indonesia)
    response = Client().post(url(event), walk_in())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    nothing_saved()


def test_event_page_links_to_quick_capture_for_editors_only(id_operator, id_viewer, indonesia):
    event = f.EventFactory(country=indonesia)
    assert url(event) in signed_in(id_operator).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert url(event) not in signed_in(id_viewer).get(reverse("events:detail", args=[event.pk])).content.decode()


# --- the page's cost ---------------------------------------------------------------------------------
def test_capture_page_has_a_constant_query_count(id_operator, indonesia, django_assert_max_num_queries):
    event = f.EventFactory(country=indonesia)
    client = signed_in(id_operator)

    def count() -> int:
        client.get(url(event))  # warm the session
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url(event)).status_code == 200
        return len(captured)

    f.EventGuestFactory(event=event)
    with_one = count()
    for _ in range(49):
        f.EventGuestFactory(event=event)
    assert count() == with_one


def test_two_sendings_racing_each_other_save_once(monkeypatch, id_operator, indonesia):
    """The second sending missed the first's receipt (not committed yet when it looked) and hits
    the unique key as it writes its own: it answers with what the first one saved."""
    from events import capture

    event = f.EventFactory(country=indonesia)
    capture_id = uuid.uuid4()
    first = capture.event_capture_walk_in(
        event, name="Rara", platform="tiktok", handle="rara", capture_id=capture_id, by=id_operator
    )
    looked = []
    real = capture._earlier

    def missed_once(*args):
        looked.append(args)
        return None if len(looked) == 1 else real(*args)

    monkeypatch.setattr(capture, "_earlier", missed_once)
    again = capture.event_capture_walk_in(
        event, name="Rara", platform="tiktok", handle="rara", capture_id=capture_id, by=id_operator
    )
    assert again.duplicate and again.influencer == first.influencer and len(looked) == 2
    assert Influencer.objects.count() == 1 and QuickCapture.objects.count() == 1
