"""Rules of ``agreements.services``, through every door that makes the change (portal status
buttons, API PATCH, admin change form):

* ``agreement_change_status``: draft → signed → delivered → paid, cancelled from any but paid;
  a skipped step is refused and nothing is written;
* ``payment_save``: a delivered agreement whose payments cover the fee becomes paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from agreements.models import Agreement, Payment, Status
from tests import factories as f
from tests.api.conftest import client_for, make_token

from .forms import admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_api(indonesia):
    key, _token = make_token([indonesia], ("read", "write", "finance"))
    return client_for(key)


def by_portal(doors, api, agreement, status):
    response = doors.portal.post(f"/agreements/{agreement.pk}/status/", {"status": status})
    return response.status_code == 302


def by_api(doors, api, agreement, status):
    return api.patch(f"/api/v1/agreements/{agreement.pk}/", {"status": status}, format="json").status_code == 200


def by_admin(doors, api, agreement, status):
    url = f"/admin/agreements/agreement/{agreement.pk}/change/"
    data = admin_form(doors.admin, url)
    data["status"] = status
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


DOORS = {"portal": by_portal, "api": by_api, "admin": by_admin}


@pytest.mark.parametrize("door", DOORS)
def test_the_status_moves_step_by_step_whichever_door(doors, finance_api, door, indonesia):
    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("1000"))
    move = DOORS[door]
    assert not move(doors, finance_api, agreement, Status.DELIVERED), "a skipped step was accepted"
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT
    assert move(doors, finance_api, agreement, Status.SIGNED)
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED and agreement.signed_on is not None
    assert move(doors, finance_api, agreement, Status.DELIVERED)  # no deliverables: nothing owed
    assert not move(doors, finance_api, agreement, Status.PAID), "paid without payments"
    f.PaymentFactory(agreement=agreement, amount=Decimal("1000"), paid_on=dt.date.today())
    assert move(doors, finance_api, agreement, Status.PAID)
    assert Agreement.objects.get(pk=agreement.pk).status == Status.PAID
    assert not move(doors, finance_api, agreement, Status.CANCELLED), "a paid agreement was cancelled"


def pay_by_portal(doors, api, agreement):
    data = {"payment-amount": "1000", "payment-due_on": "2026-08-01", "payment-paid_on": "2026-08-01"}
    return doors.portal.post(f"/agreements/{agreement.pk}/payments/add/", data).status_code == 302


def pay_by_api(doors, api, agreement):
    payload = {"agreement": agreement.pk, "amount": "1000.00", "due_on": "2026-08-01", "paid_on": "2026-08-01"}
    return api.post("/api/v1/payments/", payload, format="json").status_code == 201


def pay_by_admin(doors, api, agreement):
    url = "/admin/agreements/payment/add/"
    data = admin_form(doors.admin, url)
    data.update({"agreement": agreement.pk, "amount": "1000", "due_on": "2026-08-01", "paid_on": "2026-08-01"})
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


PAY = {"portal": pay_by_portal, "api": pay_by_api, "admin": pay_by_admin}


@pytest.mark.parametrize("door", PAY)
def test_a_payment_covering_the_fee_makes_a_delivered_agreement_paid(doors, finance_api, door, indonesia):
    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("1000"), status=Status.DELIVERED)
    assert PAY[door](doors, finance_api, agreement)
    assert Payment.objects.get(agreement=agreement).currency == "IDR"
    assert Agreement.objects.get(pk=agreement.pk).status == Status.PAID


def test_an_operator_reaches_no_door(indonesia, id_operator):
    agreement = f.AgreementFactory(country=indonesia)
    id_operator.is_staff = True
    id_operator.save()
    client = Client()
    client.force_login(id_operator)
    assert client.post(f"/agreements/{agreement.pk}/status/", {"status": "signed"}).status_code == 404
    assert client.get(f"/admin/agreements/agreement/{agreement.pk}/change/").status_code in (403, 404, 302)
    assert client.get("/admin/agreements/agreement/").status_code in (403, 404, 302)
    assert client.get("/admin/").content.decode().count("agreement") == 0
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT


@pytest.mark.parametrize("door", DOORS)
def test_a_status_move_is_announced_once_whichever_door(
    doors, finance_api, door, indonesia, django_capture_on_commit_callbacks
):
    from .conftest import announced

    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("1000"))
    with django_capture_on_commit_callbacks() as callbacks:
        assert DOORS[door](doors, finance_api, agreement, Status.SIGNED)
    assert announced(callbacks) == ["agreement.status_changed"], f"the {door} moved it without the webhook event"


@pytest.mark.parametrize("door", PAY)
def test_a_payment_paid_is_announced_whichever_door(
    doors, finance_api, door, indonesia, django_capture_on_commit_callbacks
):
    from .conftest import announced

    agreement = f.AgreementFactory(country=indonesia, fee=Decimal("1000"), status=Status.DELIVERED)
    with django_capture_on_commit_callbacks() as callbacks:
        assert PAY[door](doors, finance_api, agreement)
    # The payment covers the fee: paid, then the agreement moves to paid.
    assert announced(callbacks) == ["payment.paid", "agreement.status_changed"], f"the {door} paid silently"
