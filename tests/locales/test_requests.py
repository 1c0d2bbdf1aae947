"""Regulator and court requests: the deadline, the status moves, the references, the on-time rate
and the reminders that escalate to the country's government-relations lead once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError

from locales import selectors
from locales.models import RegulatorRequest, RequestItem
from locales.requests import request_change_status, request_item_delete, request_item_save, request_save
from notifications.models import Notification
from opsportal.models import ReminderDelivery
from reminders import services, tasks
from reminders.kinds import ReminderKind
from tests import factories as f

JKT = ZoneInfo("Asia/Jakarta")
RECEIVED = dt.datetime(2018, 7, 3, 9, 0, tzinfo=JKT)


def new_request(country, **fields):
    fields.setdefault("received_at", RECEIVED)
    fields.setdefault("authority", "Kominfo")
    return RegulatorRequest(country=country, **fields)


def test_deadline_defaults_to_the_country_hours(indonesia, thailand, id_gr):
    saved = request_save(new_request(indonesia), by=id_gr)
    assert saved.deadline == RECEIVED + dt.timedelta(hours=48)
    assert saved.created_by == id_gr
    thailand.request_deadline_hours = 24
    thailand.save()
    assert request_save(new_request(thailand)).deadline == RECEIVED + dt.timedelta(hours=24)
    given = RECEIVED + dt.timedelta(hours=6)
    assert request_save(new_request(indonesia, deadline=given)).deadline == given


def test_received_now_when_left_out(indonesia):
    saved = request_save(RegulatorRequest(country=indonesia, authority="Court"))
    assert saved.received_at is not None and saved.deadline - saved.received_at == dt.timedelta(hours=48)


def test_deadline_before_receipt_is_a_field_error(indonesia):
    with pytest.raises(ValidationError) as error:
        request_save(new_request(indonesia, deadline=RECEIVED - dt.timedelta(hours=1)))
    assert "deadline" in error.value.message_dict
    assert not RegulatorRequest.objects.exists()


def test_status_moves_stamp_the_answer(indonesia, id_gr):
    saved = request_save(new_request(indonesia))
    request_change_status(saved, "in_progress", by=id_gr)
    assert saved.answered_at is None and saved.on_time is None
    answered = RECEIVED + dt.timedelta(hours=30)
    request_change_status(saved, "complied", at=answered, by=id_gr)
    saved.refresh_from_db()
    assert (saved.status, saved.answered_at, saved.on_time) == ("complied", answered, True)
    request_change_status(saved, "closed", by=id_gr)
    saved.refresh_from_db()
    assert saved.answered_at == answered  # closing keeps the first answer
    with pytest.raises(ValidationError) as error:
        request_change_status(saved, "received")
    assert "status" in error.value.message_dict
    request_change_status(saved, "in_progress")  # reopened: the answer is gone
    assert saved.answered_at is None
    assert saved.history.count() >= 5  # every change leaves a history row


def test_status_through_save_follows_the_same_table(indonesia):
    saved = request_save(new_request(indonesia, status="closed"))
    assert saved.answered_at is not None
    saved.status = "received"
    with pytest.raises(ValidationError) as error:
        request_save(saved)
    assert "status" in error.value.message_dict


def test_references_of_another_country_are_field_errors_that_confirm_nothing(indonesia, thailand, th_lead, id_gr):
    th_incident = f.IncidentFactory(country=thailand)
    th_contact = f.GovernmentContactFactory(country=thailand)
    th_commitment = f.CommitmentFactory(country=thailand)
    for field, value in [
        ("incident", th_incident),
        ("contact", th_contact),
        ("commitment", th_commitment),
        ("handler", th_lead),
    ]:
        with pytest.raises(ValidationError) as error:
            request_save(new_request(indonesia, **{field: value}))
        assert field in error.value.message_dict
        message = " ".join(error.value.message_dict[field])
        assert str(value) not in message and "Thailand" not in message
    assert not RegulatorRequest.objects.exists()
    # An operator cannot handle it: no government rights.
    operator = f.UserFactory(username="id-op2")
    f.MembershipFactory(user=operator, country=indonesia, role="operator")
    with pytest.raises(ValidationError) as error:
        request_save(new_request(indonesia, handler=operator))
    assert "handler" in error.value.message_dict
    assert request_save(new_request(indonesia, handler=id_gr)).handler == id_gr


def test_items_are_saved_and_removed_with_history(indonesia, id_gr):
    record = request_save(new_request(indonesia))
    item = request_item_save(RequestItem(request=record, target="  https://vt.example/v/1 ", action="removed"))
    assert item.target == "https://vt.example/v/1"
    other = request_save(new_request(indonesia, authority="Court"))
    item.request = other
    with pytest.raises(ValidationError):
        request_item_save(item)
    item.refresh_from_db()
    request_item_delete(item, by=id_gr)
    assert not RequestItem.objects.exists()
    assert RequestItem.history.count() == 2  # added, removed


def test_on_time_rate_per_country_in_one_query(indonesia, thailand, django_assert_num_queries):
    now = RECEIVED + dt.timedelta(days=10)
    f.RegulatorRequestFactory(
        country=indonesia, received_at=RECEIVED, status="answered", answered_at=RECEIVED + dt.timedelta(hours=5)
    )
    f.RegulatorRequestFactory(
        country=indonesia, received_at=RECEIVED, status="complied", answered_at=RECEIVED + dt.timedelta(hours=50)
    )
    f.RegulatorRequestFactory(country=indonesia, received_at=RECEIVED)  # open, overdue by now
    f.RegulatorRequestFactory(country=indonesia, received_at=now - dt.timedelta(hours=1))  # open, not due
    f.RegulatorRequestFactory(country=thailand, received_at=RECEIVED, status="answered", answered_at=RECEIVED)
    with django_assert_num_queries(1):
        figures = selectors.request_figures(RegulatorRequest.objects.all(), now=now)
    assert figures[indonesia.pk] == {"open": 2, "overdue": 1, "answered": 2, "on_time": 1, "rate": 50}
    assert figures[thailand.pk]["rate"] == 100
    week = selectors.request_figures(
        RegulatorRequest.objects.all(), since=RECEIVED + dt.timedelta(hours=10), until=now, now=now
    )
    assert week[indonesia.pk]["answered"] == 1 and week[indonesia.pk]["rate"] == 0


# --- reminders ---------------------------------------------------------------------------------


def kinds_to(ids):
    return sorted((r.kind, r.recipient.username) for r in ReminderDelivery.objects.filter(pk__in=ids))


def test_handler_is_reminded_24_then_4_hours_before(indonesia, id_gr, id_lead, id_operator):
    deadline = dt.datetime(2026, 11, 24, 15, 0, tzinfo=JKT)
    f.RegulatorRequestFactory(
        country=indonesia, handler=id_gr, received_at=deadline - dt.timedelta(hours=48), deadline=deadline
    )
    day_before = deadline - dt.timedelta(hours=20)  # 19:00 the day before: after hours
    assert services.queue_country_reminders(indonesia, day_before, urgent_only=True) == []
    morning = deadline - dt.timedelta(hours=6)  # 09:00
    assert kinds_to(services.queue_country_reminders(indonesia, morning)) == [("request_due", "id-gr")]
    assert services.queue_country_reminders(indonesia, morning + dt.timedelta(hours=1)) == []
    close = deadline - dt.timedelta(hours=3)
    ids = services.queue_country_reminders(indonesia, close)
    assert kinds_to(ids) == [("request_due", "id-gr")]
    assert ReminderDelivery.objects.get(pk=ids[0]).payload["stage"] == "4h"


def test_a_missed_deadline_escalates_to_the_lead_once_even_at_night(
    indonesia, thailand, id_gr, id_lead, id_operator, id_viewer, django_capture_on_commit_callbacks
):
    # Answered in time elsewhere, and one in Thailand: no escalation from them.
    deadline = dt.datetime(2026, 11, 24, 1, 0, tzinfo=JKT)  # 01:00 in Jakarta
    record = f.RegulatorRequestFactory(
        country=indonesia,
        handler=id_gr,
        reference="ID-TAKEDOWN-7",
        received_at=deadline - dt.timedelta(hours=48),
        deadline=deadline,
    )
    f.RegulatorRequestFactory(country=thailand, received_at=deadline - dt.timedelta(hours=48), deadline=deadline)
    night = deadline + dt.timedelta(hours=1)  # 02:00: outside working hours
    for _ in range(2):  # the tick runs twice (a replay): one reminder per person
        with django_capture_on_commit_callbacks(execute=True):
            tasks.reminders_tick(now=night.isoformat())
    overdue = ReminderDelivery.objects.filter(kind=ReminderKind.REQUEST_OVERDUE)
    assert sorted(overdue.values_list("recipient__username", flat=True)) == ["id-gr", "id-lead"]
    lead_mail = [m for m in django_mail.outbox if m.to == ["id-lead@example.com"]]
    assert len(lead_mail) == 1 and "ID-TAKEDOWN-7" in lead_mail[0].subject
    assert not [m for m in django_mail.outbox if "id-operator" in m.to[0] or "id-viewer" in m.to[0]]
    assert Notification.objects.filter(recipient=id_lead, kind=ReminderKind.REQUEST_OVERDUE).count() == 1
    # Later daytime ticks find the same occasion: nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders_tick(now=(deadline + dt.timedelta(hours=9)).isoformat())
    assert ReminderDelivery.objects.filter(kind=ReminderKind.REQUEST_OVERDUE).count() == 2
    # Answered: nothing more.
    request_change_status(record, "answered")
    assert services.queue_country_reminders(indonesia, deadline + dt.timedelta(hours=30)) == []
