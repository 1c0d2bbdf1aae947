"""Reminders through real Celery workers on Redis and a real SMTP server: exactly one email each.

Each test starts worker processes (``celery -A opsportal worker``) on this test's database, a
queue of its own, and an aiosmtpd server on loopback; the test process only sends the beat's tick.
"""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from locales.models import Role
from notifications.models import Notification
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus
from tests import factories as f

pytestmark = [pytest.mark.services]

TICK = "opsportal.tasks.reminders_tick"


def midday_zone() -> str:
    """An IANA zone where it is now about noon, so the reminder is due in working hours."""
    offset = (12 - dt.datetime.now(dt.UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}"  # Etc/GMT-7 is UTC+7


@pytest.fixture
def due_tasks(transactional_db):
    """Two people each with an event task due today, local time."""
    zone = midday_zone()
    country = f.CountryFactory(code="XA", name="Exampleland", timezone=zone, languages=["en"], default_language="en")
    today = dt.datetime.now(ZoneInfo(zone)).date()
    event = f.EventFactory(country=country, name="Talent exchange")
    people = []
    for name in ("ayu", "budi"):
        user = f.UserFactory(username=name)
        f.StaffProfileFactory(user=user)
        f.MembershipFactory(user=user, country=country, role=Role.OPERATOR)
        f.EventTaskFactory(event=event, title=f"Book the stage ({name})", assignee=user, due_on=today)
        people.append(user)
    return people


def wait_for(condition, timeout: float, what: str, workers=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{workers.logs() if workers else ''}")


EXPECTED = {"ayu@example.com": 1, "budi@example.com": 1}


def assert_once_each(smtp_server, people):
    assert smtp_server.received() == EXPECTED
    rows = ReminderDelivery.objects.filter(kind="task_due")
    assert sorted(rows.values_list("status", flat=True)) == [DeliveryStatus.SENT] * 2
    for person in people:
        assert Notification.objects.filter(recipient=person, kind="task_due").count() == 1
    subjects = sorted(m["Subject"] for m in smtp_server.parsed())
    assert subjects == [
        "[Exampleland] Task due today: Book the stage (ayu)",
        "[Exampleland] Task due today: Book the stage (budi)",
    ]


def test_a_due_reminder_arrives_once_even_when_the_tick_is_replayed(celery_workers, smtp_server, due_tasks):
    celery_workers.start("w1")
    for _ in range(3):
        celery_workers.send(TICK)
    wait_for(lambda: len(smtp_server.messages) >= 2, 60, "two emails", celery_workers)
    celery_workers.send(TICK)  # a tick after delivery finds nothing new
    time.sleep(3)
    assert_once_each(smtp_server, due_tasks)


def test_two_workers_replaying_the_tick_send_once(celery_workers, smtp_server, due_tasks):
    celery_workers.start("w1")
    celery_workers.start("w2")
    for _ in range(6):
        celery_workers.send(TICK)
    wait_for(lambda: len(smtp_server.messages) >= 2, 60, "two emails", celery_workers)
    time.sleep(4)
    assert_once_each(smtp_server, due_tasks)


def test_a_worker_killed_mid_send_leaves_one_email_each(celery_workers, smtp_server, due_tasks):
    smtp_server.block_first = True  # the first send hangs inside the SMTP conversation
    celery_workers.start("w1")
    celery_workers.send(TICK)
    wait_for(smtp_server.in_flight.is_set, 60, "a send in flight", celery_workers)
    celery_workers.kill("w1")
    smtp_server.release.set()
    assert ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING).count() == 1

    celery_workers.start("w2")
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 2 and time.monotonic() < deadline:
        celery_workers.send(TICK)  # the beat keeps ticking: its sweep re-queues the abandoned send
        time.sleep(1)
    wait_for(lambda: len(smtp_server.messages) >= 2, 1, "two emails", celery_workers)
    time.sleep(6)  # past Redis' visibility timeout: the killed task comes back and finds it done
    assert_once_each(smtp_server, due_tasks)
    assert ReminderDelivery.objects.filter(attempts=2).count() == 1


def test_smtp_refusing_for_a_while_is_retried_then_delivered_once(celery_workers, smtp_server, due_tasks):
    smtp_server.refuse_first = 2  # 451 twice per address, then accept
    celery_workers.start("w1")
    celery_workers.send(TICK)
    wait_for(lambda: len(smtp_server.messages) >= 2, 60, "two emails after retries", celery_workers)
    time.sleep(3)
    assert_once_each(smtp_server, due_tasks)
    assert smtp_server.refused == {"ayu@example.com": 2, "budi@example.com": 2}
    for row in ReminderDelivery.objects.filter(kind="task_due"):
        assert (row.attempts, row.last_error) == (3, "")
