"""Correcting deliverables and payments in the portal: who may (finance.edit in the record's
country; everyone else the 404 or 403 of the agreement pages), what the services refuse, and
bad input shown on the form's field."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import Deliverable, Payment, Status
from locales.models import HQAccess
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 8, 20)


@pytest.fixture
def hq_finance(db):
    user = f.UserFactory(username="hq-finance")
    f.StaffProfileFactory(user=user, hq_access=HQAccess.VIEWER, hq_finance=True)
    return user


@pytest.fixture
def records(indonesia):
    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("15000000"), status=Status.SIGNED)
    deliverable = f.DeliverableFactory(agreement=agreement, description="Three videos", hashtag="framechallenge")
    payment = f.PaymentFactory(agreement=agreement, amount=Decimal("5000000"), due_on=TODAY)
    return agreement, deliverable, payment


def deliverable_data(**extra):
    data = {
        "deliverable-description": "Four videos",
        "deliverable-hashtag": "#framechallenge",
        "deliverable-videos_required": "4",
        "deliverable-due_on": "2026-09-01",
    }
    data.update({f"deliverable-{k}": v for k, v in extra.items()})
    return data


def payment_data(**extra):
    data = {
        "payment-amount": "6000000",
        "payment-due_on": "2026-09-15",
        "payment-paid_on": "",
        "payment-reference": "TRX-9",
    }
    data.update({f"payment-{k}": v for k, v in extra.items()})
    return data


def test_a_lead_corrects_a_deliverable_and_a_payment(client, records, id_lead):
    agreement, deliverable, payment = records
    client.force_login(id_lead)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("agreements:deliverable_edit", args=[deliverable.pk]) in page
    assert reverse("agreements:payment_edit", args=[payment.pk]) in page

    form = client.get(reverse("agreements:deliverable_edit", args=[deliverable.pk]))
    assert form.status_code == 200
    assert "Three videos" in form.content.decode()
    response = client.post(reverse("agreements:deliverable_edit", args=[deliverable.pk]), deliverable_data())
    assert response.status_code == 302
    assert response["Location"].endswith(f"/agreements/{agreement.pk}/#deliverables-h")
    deliverable.refresh_from_db()
    assert (deliverable.description, deliverable.hashtag, deliverable.videos_required) == (
        "Four videos",
        "framechallenge",
        4,
    )

    page = client.get(reverse("agreements:payment_edit", args=[payment.pk])).content.decode()
    assert "Remove this payment" in page
    response = client.post(reverse("agreements:payment_edit", args=[payment.pk]), payment_data())
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.amount, payment.reference, payment.currency) == (Decimal("6000000"), "TRX-9", "IDR")
    # The history of the corrected record shows on its page.
    history = client.get(reverse("agreements:payment_edit", args=[payment.pk])).content.decode()
    assert "History of changes" in history and "TRX-9" in history.split("History of changes")[1]


def test_a_lead_removes_an_unpaid_payment_and_a_deliverable(client, records, id_lead):
    agreement, deliverable, payment = records
    client.force_login(id_lead)
    assert client.post(reverse("agreements:payment_remove", args=[payment.pk])).status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert client.post(reverse("agreements:deliverable_remove", args=[deliverable.pk])).status_code == 302
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()


def test_a_paid_payment_stays_until_its_paid_date_is_cleared(client, records, id_lead):
    agreement, _deliverable, payment = records
    Payment.objects.filter(pk=payment.pk).update(paid_on=TODAY)
    client.force_login(id_lead)
    edit_page = client.get(reverse("agreements:payment_edit", args=[payment.pk])).content.decode()
    assert "Remove this payment" not in edit_page
    response = client.post(reverse("agreements:payment_remove", args=[payment.pk]), follow=True)
    assert "This payment is paid" in response.content.decode()
    assert Payment.objects.filter(pk=payment.pk).exists()
    # Entered by mistake: clear the paid date, then remove it.
    response = client.post(
        reverse("agreements:payment_edit", args=[payment.pk]), payment_data(amount="5000000", paid_on="")
    )
    assert response.status_code == 302
    assert client.post(reverse("agreements:payment_remove", args=[payment.pk])).status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (payment_data(amount="lots"), "amount", "number"),
        (payment_data(amount="15000001"), "amount", "exceed the fee"),
        (payment_data(amount="0"), "amount", "above zero"),
        (payment_data(due_on="31/31/2026"), "due_on", "date"),
        (payment_data(due_on=""), "due_on", "required"),
    ],
    ids=["not-a-number", "beyond-the-fee", "zero", "bad-date", "no-due-date"],
)
def test_bad_payment_input_is_a_form_error(client, records, id_lead, data, field, words):
    _agreement, _deliverable, payment = records
    client.force_login(id_lead)
    response = client.post(reverse("agreements:payment_edit", args=[payment.pk]), data)
    assert response.status_code == 400
    assert words in str(response.context["form"].errors[field])
    payment.refresh_from_db()
    assert payment.amount == Decimal("5000000")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (deliverable_data(description=""), "description", "required"),
        (deliverable_data(videos_required="-1"), "videos_required", "greater than or equal to 0"),
        (deliverable_data(due_on="tomorrow"), "due_on", "date"),
    ],
    ids=["no-description", "negative-videos", "bad-date"],
)
def test_bad_deliverable_input_is_a_form_error(client, records, id_lead, data, field, words):
    _agreement, deliverable, _payment = records
    client.force_login(id_lead)
    response = client.post(reverse("agreements:deliverable_edit", args=[deliverable.pk]), data)
    assert response.status_code == 400
    assert words in str(response.context["form"].errors[field])
    deliverable.refresh_from_db()
    assert deliverable.description == "Three videos"


def test_a_paid_agreement_keeps_its_payments_amounts(client, records, id_lead):
    agreement, _deliverable, payment = records
    Payment.objects.filter(pk=payment.pk).update(paid_on=TODAY)
    f.PaymentFactory(agreement=agreement, amount=Decimal("10000000"), paid_on=TODAY)
    agreement.__class__.objects.filter(pk=agreement.pk).update(status=Status.PAID)
    client.force_login(id_lead)
    response = client.post(
        reverse("agreements:payment_edit", args=[payment.pk]), payment_data(amount="4000000", paid_on="2026-08-20")
    )
    assert response.status_code == 400
    assert "keep their amounts" in str(response.context["form"].errors["amount"])
    # The bank reference may still be corrected.
    response = client.post(
        reverse("agreements:payment_edit", args=[payment.pk]),
        payment_data(amount="5000000", paid_on="2026-08-20", due_on="2026-08-20", reference="TRX-10"),
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.reference == "TRX-10"
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("agreements:deliverable_edit", args=[_deliverable.pk]) not in page


def test_a_cancelled_agreements_records_do_not_change(client, records, id_lead):
    agreement, deliverable, payment = records
    agreement.__class__.objects.filter(pk=agreement.pk).update(status=Status.CANCELLED)
    client.force_login(id_lead)
    response = client.post(reverse("agreements:deliverable_edit", args=[deliverable.pk]), deliverable_data())
    assert response.status_code == 400
    assert "cannot change" in str(response.context["form"].non_field_errors())
    response = client.post(reverse("agreements:payment_edit", args=[payment.pk]), payment_data())
    assert response.status_code == 400
    assert "cancelled" in str(response.context["form"].non_field_errors())
    client.post(reverse("agreements:deliverable_remove", args=[deliverable.pk]))
    assert Deliverable.objects.filter(pk=deliverable.pk).exists()


def _urls(deliverable, payment):
    return [
        ("get", reverse("agreements:deliverable_edit", args=[deliverable.pk]), None),
        ("post", reverse("agreements:deliverable_edit", args=[deliverable.pk]), deliverable_data()),
        ("post", reverse("agreements:deliverable_remove", args=[deliverable.pk]), {}),
        ("get", reverse("agreements:payment_edit", args=[payment.pk]), None),
        ("post", reverse("agreements:payment_edit", args=[payment.pk]), payment_data()),
        ("post", reverse("agreements:payment_remove", args=[payment.pk]), {}),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("id_operator", 404),
        ("id_gr", 404),
        ("id_viewer", 404),
        ("hq_viewer", 404),
        ("hq_finance", 403),  # reads money everywhere, writes none
        ("th_lead", 404),  # a lead, but of another country: as if the records did not exist
    ],
)
def test_only_finance_editors_of_the_country_reach_the_edit_pages(client, records, request, who, expected):
    agreement, deliverable, payment = records
    client.force_login(request.getfixturevalue(who))
    for method, url, data in _urls(deliverable, payment):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == expected, (who, method, url)
    deliverable.refresh_from_db()
    payment.refresh_from_db()
    assert deliverable.description == "Three videos" and payment.amount == Decimal("5000000")
    page = client.get(reverse("agreements:detail", args=[agreement.pk]))
    assert reverse("agreements:payment_edit", args=[payment.pk]) not in page.content.decode()


def test_a_missing_record_and_another_countrys_read_the_same(client, thailand, records, id_lead):
    th_payment = f.PaymentFactory(agreement=f.AgreementFactory(country=thailand))
    client.force_login(id_lead)
    other = client.get(reverse("agreements:payment_edit", args=[th_payment.pk]))
    missing = client.get(reverse("agreements:payment_edit", args=[999999]))
    assert other.status_code == missing.status_code == 404

    def page(response, pk):  # the CSRF token, the request id and the address itself differ
        body = re.sub(r"[A-Za-z0-9]{64}|[0-9a-f]{32}", "", response.content.decode())
        return body.replace(f"/payments/{pk}/", "/payments/ID/")

    assert page(other, th_payment.pk) == page(missing, 999999)
