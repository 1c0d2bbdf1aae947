"""What the portal pages show and do, beyond who may open them."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge
from events.models import Event
from opsportal.models import SavedView
from opsportal.portal.mixins import SESSION_KEY
from tests import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- confidentiality of government relations ------------------------------------------


def test_operator_sees_no_government_menu_count_or_search_hit(client, world, id_operator):
    client.force_login(id_operator)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("locales:government") not in dashboard
    assert "id Minister" not in dashboard and "id ban" not in dashboard
    assert "Government relations" not in dashboard
    search = client.get(reverse("portal:search"), {"q": "Minister"}).content.decode()
    assert "id Minister" not in search and "Government contacts" not in search
    calendar = client.get(reverse("portal:calendar"), {"view": "agenda"}).content.decode()
    assert "Government follow-up" not in calendar


def test_lead_sees_government_menu_counts_and_search_hits(client, world, id_lead):
    client.force_login(id_lead)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("locales:government") in dashboard
    assert "id ban" in dashboard
    search = client.get(reverse("portal:search"), {"q": "Minister"}).content.decode()
    assert "id Minister" in search


def test_incident_marks_a_challenge_trend_only_for_government_roles(client, world, id_lead, id_operator):
    challenge = world["ID"]["challenge"]
    f.EventFactory(country=challenge.country, name="Past meet-up", starts_at=timezone.now() - dt.timedelta(days=4))
    url = reverse("challenges:chart", args=[challenge.pk])
    client.force_login(id_lead)
    response = client.get(url)
    assert response["Content-Type"] == "image/svg+xml"
    assert b"id ban" in response.content
    assert b"Past meet-up" in response.content  # the country's events are marked too
    client.force_login(id_operator)
    assert b"id ban" not in client.get(url).content


# --- viewers read, never write ----------------------------------------------------------


def test_viewer_sees_no_edit_buttons(client, world, id_viewer):
    client.force_login(id_viewer)
    pages = [
        reverse("challenges:list"),
        reverse("challenges:detail", args=[world["ID"]["challenge"].pk]),
        reverse("influencers:board"),
        reverse("influencers:detail", args=[world["ID"]["influencer"].pk]),
        reverse("events:list"),
        reverse("events:detail", args=[world["ID"]["event"].pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for marker in ("New challenge", "New event", ">Edit<", "Move to ", "Log outreach", "as done", "Copy event"):
            assert marker not in html, (url, marker)


def test_a_lists_sort_menu_starts_with_its_own_order_in_words(client, world, id_operator):
    client.force_login(id_operator)
    for url in (reverse("challenges:list"), reverse("influencers:list"), reverse("events:list")):
        html = client.get(url).content.decode()
        assert '<option value="" selected>Default order</option>' in html, url
        assert "---------" not in html, url
    client.post(reverse("set_language"), {"language": "id"})
    html = client.get(reverse("challenges:list"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert ">Urutan bawaan</option>" in html


# --- challenges ----------------------------------------------------------------------------


def test_create_challenge_keeps_input_and_shows_errors_next_to_fields(client, world, id_operator):
    client.force_login(id_operator)
    data = {"hashtag": "#IDDANCE", "title": "Again", "format": "dance", "status": "idea", "music": "Koplo mix"}
    response = client.post(reverse("challenges:create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "already used by a challenge in this country" in html
    assert 'id="id_hashtag_error"' in html
    assert 'value="Koplo mix"' in html and 'value="Again"' in html


def test_create_challenge_in_the_current_country_with_local_times(client, indonesia, id_operator):
    client.force_login(id_operator)
    data = {
        "hashtag": "#GoyangJakarta",
        "title": "Jakarta dance",
        "format": "dance",
        "status": "planned",
        "starts_at": "2030-04-01T10:00",
        "ends_at": "2030-04-10T10:00",
    }
    response = client.post(reverse("challenges:create"), data)
    challenge = Challenge.objects.get(hashtag="GoyangJakarta")
    assert response.status_code == 302
    assert challenge.country == indonesia and challenge.status == "planned"
    assert challenge.starts_at == dt.datetime(2030, 4, 1, 3, 0, tzinfo=dt.UTC)  # 10:00 in Jakarta
    page = client.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert "1 Apr 2030 10:00 WIB" in page
    assert "Asia/Jakarta" in page


def test_status_moves_follow_the_guards(client, indonesia, id_operator):
    client.force_login(id_operator)
    challenge = f.ChallengeFactory(country=indonesia, status="idea")
    url = reverse("challenges:status", args=[challenge.pk])
    client.post(url, {"status": "live"})
    challenge.refresh_from_db()
    assert challenge.status == "idea"
    response = client.post(url, {"status": "planned"}, follow=True)
    assert "Set a start before planning" in response.content.decode()
    challenge.starts_at = timezone.now()
    challenge.save()
    client.post(url, {"status": "planned"})
    client.post(url, {"status": "live"})
    challenge.refresh_from_db()
    assert challenge.status == "live"


def test_challenge_page_shows_progress_participants_and_history(client, world, id_lead):
    client.force_login(id_lead)
    challenge = world["ID"]["challenge"]
    html = client.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert "53M / 60M (88%)" in html
    assert "id Kaykai" in html
    assert "id festival" in html
    assert "History of changes" in html and "created" in html


# --- influencers ----------------------------------------------------------------------------


def test_board_move_with_htmx_returns_the_board(client, world, id_operator):
    client.force_login(id_operator)
    influencer = world["ID"]["influencer"]
    response = client.post(reverse("influencers:stage", args=[influencer.pk]), {"stage": "onboarded"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    influencer.refresh_from_db()
    assert influencer.stage == "onboarded" and influencer.stage_changed_at is not None


def test_board_move_without_javascript_redirects(client, world, id_operator):
    client.force_login(id_operator)
    influencer = world["ID"]["influencer"]
    response = client.post(reverse("influencers:stage", args=[influencer.pk]), {"stage": "active"})
    assert response.status_code == 302 and response["Location"] == reverse("influencers:board")


def test_outreach_inline_form_logs_and_shows_errors(client, world, id_operator):
    client.force_login(id_operator)
    influencer = world["ID"]["influencer"]
    url = reverse("influencers:outreach", args=[influencer.pk])
    response = client.post(url, {"outreach-kind": "call", "outreach-summary": ""}, **HTMX)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    follow_up = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        url,
        {"outreach-kind": "call", "outreach-summary": "Talked DWP", "outreach-next_follow_up_on": follow_up},
        **HTMX,
    )
    html = response.content.decode()
    assert "Outreach logged." in html and "Talked DWP" in html
    assert influencer.interactions.filter(next_follow_up_on=follow_up).exists()


def test_influencer_chart_marks_the_crossover(client, world, id_operator):
    client.force_login(id_operator)
    response = client.get(reverse("influencers:chart", args=[world["ID"]["influencer"].pk]))
    assert b"Overtook other platforms" in response.content
    assert b"TikTok" in response.content and b"YouTube" in response.content


# --- events ----------------------------------------------------------------------------------


def test_task_ticked_in_place(client, world, id_operator):
    client.force_login(id_operator)
    task = world["ID"]["task"]
    response = client.post(reverse("events:task_done", args=[task.pk]), {"done": "1"}, **HTMX)
    assert response.content.decode().lstrip().startswith(f'<li id="task-{task.pk}" class="done"')
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == id_operator
    client.post(reverse("events:task_done", args=[task.pk]), {"done": ""}, **HTMX)
    task.refresh_from_db()
    assert task.done_at is None


def test_guest_status_in_place(client, world, id_operator):
    client.force_login(id_operator)
    guest = world["ID"]["guest"]
    response = client.post(reverse("events:guest_status", args=[guest.pk]), {"status": "attended"}, **HTMX)
    assert f'id="guest-{guest.pk}"' in response.content.decode()
    guest.refresh_from_db()
    assert guest.status == "attended"


def test_copy_event_as_new(client, world, id_operator):
    client.force_login(id_operator)
    event = world["ID"]["event"]
    response = client.post(
        reverse("events:copy", args=[event.pk]), {"name": "Meet-up #2", "starts_at": "2030-02-01T19:00"}
    )
    copy = Event.objects.get(name="Meet-up #2")
    assert response["Location"] == reverse("events:detail", args=[copy.pk])
    assert copy.copied_from == event and copy.tasks.count() == 1 and copy.event_partners.count() == 1


def test_event_budget_in_local_currency(client, world, id_operator):
    client.force_login(id_operator)
    html = client.get(reverse("events:detail", args=[world["ID"]["event"].pk])).content.decode()
    # The currency's own symbol, and no decimals: rupiah has none.
    assert "Rp\xa01,000,000" in html or "Rp 1,000,000" in html


def test_event_form_errors_next_to_fields(client, indonesia, id_operator):
    client.force_login(id_operator)
    response = client.post(
        reverse("events:create"),
        {
            "name": "DWP",
            "kind": "festival",
            "status": "planning",
            "city": "Jakarta",
            "currency": "IDR",
            "starts_at": "2030-12-10T18:00",
            "ends_at": "2030-12-09T18:00",
            "budget": "-5",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_ends_at_error"' in html and 'id="id_budget_error"' in html
    assert 'value="DWP"' in html


# --- government relations --------------------------------------------------------------------


def test_government_officer_logs_an_interaction_on_an_incident(client, world, id_gr):
    client.force_login(id_gr)
    incident = world["ID"]["incident"]
    response = client.post(
        reverse("locales:incident_log", args=[incident.pk]),
        {
            "contact": world["ID"]["contact"].pk,
            "kind": "meeting",
            "summary": "Met the minister",
            "occurred_at": "2018-07-04T14:00",
            "follow_up_on": "2018-07-11",
        },
    )
    assert response.status_code == 302
    interaction = incident.interactions.get(summary="Met the minister")
    assert interaction.follow_up_on == dt.date(2018, 7, 11)
    html = client.get(reverse("locales:incident", args=[incident.pk])).content.decode()
    assert "4 Jul 2018 14:00 WIB" in html


def test_interaction_with_another_countrys_contact_is_refused(client, world, id_gr):
    client.force_login(id_gr)
    response = client.post(
        reverse("locales:incident_log", args=[world["ID"]["incident"].pk]),
        {"contact": world["TH"]["contact"].pk, "kind": "call", "summary": "x"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


# --- lists remember filters and save views ------------------------------------------------------


def test_lists_remember_the_last_filters(client, world, id_operator):
    client.force_login(id_operator)
    url = reverse("challenges:list")
    client.get(url, {"status": "live", "q": "dance"})
    saved = SavedView.objects.get(user=id_operator, list_name="challenges", is_last_used=True)
    assert "status=live" in saved.query
    response = client.get(url)
    html = response.content.decode()
    assert "Showing your last filters." in html
    assert response.context["filterset"].form.data.get("status") == "live"
    client.get(url, {"clear": "1"})
    assert not SavedView.objects.filter(user=id_operator, is_last_used=True).exists()


def test_named_views_are_saved_listed_and_deleted(client, world, id_operator):
    client.force_login(id_operator)
    client.post(
        reverse("portal:saved_view_save"),
        {
            "list_name": "influencers",
            "name": "My core dancers in Jakarta",
            "query": "is_core=true&q=dance",
            "next": reverse("influencers:list"),
        },
    )
    view = SavedView.objects.get(user=id_operator, name="My core dancers in Jakarta")
    html = client.get(reverse("influencers:list")).content.decode()
    assert "My core dancers in Jakarta" in html and "?is_core=true&amp;q=dance" in html
    other = f.UserFactory()
    client.force_login(other)
    assert client.post(reverse("portal:saved_view_delete", args=[view.pk])).status_code in (403, 404)
    client.force_login(id_operator)
    client.post(reverse("portal:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_bad_filter_values_are_form_errors_not_500(client, world, id_operator):
    client.force_login(id_operator)
    response = client.get(reverse("influencers:list"), {"followers_min": "lots", "stage": "nowhere"})
    assert response.status_code == 200
    assert response.context["filterset"].form.errors


# --- the country switcher -------------------------------------------------------------------------


def test_country_switcher_scopes_every_page(client, world, indonesia, thailand, id_operator):
    f.MembershipFactory(user=id_operator, country=thailand, role="operator")
    client.force_login(id_operator)
    assert "#iddance" in client.get(reverse("challenges:list")).content.decode()
    client.post(reverse("portal:country_switch"), {"country": thailand.pk, "next": reverse("challenges:list")})
    assert client.session[SESSION_KEY] == thailand.pk
    html = client.get(reverse("challenges:list")).content.decode()
    assert "#thdance" in html and "#iddance" not in html
    assert "Asia/Bangkok" in html


def test_country_switcher_refuses_a_country_outside_the_teams(client, world, thailand, id_operator):
    client.force_login(id_operator)
    response = client.post(reverse("portal:country_switch"), {"country": thailand.pk})
    assert response.status_code == 404


def test_person_without_a_team_is_told_so(client, db):
    client.force_login(f.UserFactory(username="nobody"))
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 403 and "not on a country team" in response.content.decode()


# --- calendar and search -----------------------------------------------------------------------


def test_calendar_month_and_agenda(client, world, id_operator):
    client.force_login(id_operator)
    event = world["ID"]["event"]
    f.InfluencerInteractionFactory(
        influencer=world["ID"]["influencer"], next_follow_up_on=timezone.localdate() + dt.timedelta(days=3)
    )
    month = timezone.localtime(event.starts_at, event.country.zone).strftime("%Y-%m")
    html = client.get(reverse("portal:calendar"), {"month": month}).content.decode()
    assert "id meet-up" in html and "id festival" in html
    agenda = client.get(reverse("portal:calendar"), {"view": "agenda"}).content.decode()
    assert "id meet-up" in agenda and "Follow up: id Kaykai" in agenda
    assert client.get(reverse("portal:calendar"), {"month": "garbage"}).status_code == 200


def test_a_busy_day_shows_four_of_each_kind_then_how_many_more(client, world, id_operator):
    client.force_login(id_operator)
    event = world["ID"]["event"]
    day = timezone.localdate(timezone=event.country.zone) + dt.timedelta(days=2)
    for n in range(7):
        f.EventTaskFactory(event=event, title=f"busy task {n}", due_on=day)
    for _n in range(6):
        f.InfluencerInteractionFactory(influencer=world["ID"]["influencer"], next_follow_up_on=day)
    agenda = client.get(reverse("portal:calendar"), {"view": "agenda"}).content.decode()
    assert sum(f"busy task {n}" in agenda for n in range(7)) == 4
    assert agenda.count("Follow up: id Kaykai") == 4 + 1  # four on the busy day, and the world's own today
    assert "+5 more" in agenda  # 3 tasks and 2 follow-ups beyond the four shown of each


def test_search_finds_across_records(client, world, id_operator):
    client.force_login(id_operator)
    html = client.get(reverse("portal:search"), {"q": "kaykai"}).content.decode()
    assert "id Kaykai" in html and "th Kaykai" not in html


# --- sign in, out, password reset ----------------------------------------------------------------


def test_sign_in_and_out(client, id_operator):
    response = client.post(reverse("login"), {"username": "id-operator", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_password_reset_by_email(client, id_operator):
    response = client.post(reverse("password_reset"), {"email": id_operator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Reset your OpsPortal password" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.strip(), follow=True)
    assert "Choose a new password" in response.content.decode()


def test_pages_carry_no_inline_script_or_style(client, world, id_lead):
    client.force_login(id_lead)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "Content-Security-Policy" in client.get(reverse("portal:dashboard")).headers
