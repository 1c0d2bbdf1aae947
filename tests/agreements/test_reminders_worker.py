"""Agreement reminders through a real Celery worker on Redis and a real SMTP server: a deliverable
due in three days to the agreement's owner, a payment due today to the owner and the leads, each
sent once however often the tick runs; the operator on the team hears nothing (finance kinds)."""

import datetime as dt
import time
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest

from agreements.models import Status
from locales.models import Role
from notifications.models import Notification
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus
from tests import factories as f
from tests.opsportal.conftest import celery_workers, redis_url, smtp_server  # noqa: F401  (the real services)
from tests.opsportal.test_tasks_worker import TICK, midday_zone, wait_for

pytestmark = [pytest.mark.services]


@pytest.fixture
def agreement_due(transactional_db):
    zone = midday_zone()
    country = f.CountryFactory(
        code="XA", name="Exampleland", timezone=zone, languages=["en"], default_language="en", currency="IDR"
    )
    today = dt.datetime.now(ZoneInfo(zone)).date()
    people = {}
    for name, role in (("ayu", Role.LEAD), ("budi", Role.LEAD), ("citra", Role.OPERATOR)):
        user = f.UserFactory(username=name)
        f.StaffProfileFactory(user=user)
        f.MembershipFactory(user=user, country=country, role=role)
        people[name] = user
    influencer = f.InfluencerFactory(country=country, name="Kaykai Salaider")
    agreement = f.AgreementFactory(
        country=country,
        influencer=influencer,
        owner=people["ayu"],
        title="Frame challenge seeding",
        status=Status.SIGNED,
    )
    f.DeliverableFactory(agreement=agreement, description="Three videos", due_on=today + dt.timedelta(days=3))
    f.PaymentFactory(agreement=agreement, amount=5_000_000, due_on=today)
    return people


def test_agreement_reminders_arrive_once_each(celery_workers, smtp_server, agreement_due):  # noqa: F811
    celery_workers.start("w1")
    for _ in range(3):
        celery_workers.send(TICK)
    wait_for(lambda: len(smtp_server.messages) >= 3, 90, "three emails", celery_workers)
    celery_workers.send(TICK)  # a later tick finds nothing new
    time.sleep(3)
    assert smtp_server.received() == {"ayu@example.com": 2, "budi@example.com": 1}
    subjects = sorted(
        " ".join(str(make_header(decode_header(m["Subject"]))).split()).replace("Rp ", "Rp\xa0")
        for m in smtp_server.parsed()
    )
    assert subjects[0].startswith("[Exampleland] Deliverable due on ")
    assert subjects[0].endswith(": Three videos (Kaykai Salaider)")
    assert subjects[1:] == ["[Exampleland] Payment due today: Rp\xa05,000,000 to Kaykai Salaider"] * 2
    rows = ReminderDelivery.objects.filter(kind__in=["deliverable_due", "payment_due"])
    assert sorted(rows.values_list("status", flat=True)) == [DeliveryStatus.SENT] * 3
    citra = agreement_due["citra"]
    assert not ReminderDelivery.objects.filter(recipient=citra).exists()
    assert not Notification.objects.filter(recipient=citra).exists()
