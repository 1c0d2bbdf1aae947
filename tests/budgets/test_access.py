"""Money is finance data: only leads (and HQ with a finance grant, administrators) see it.

An operator, a viewer, government relations and another country's team never see a budget line,
through the portal's event page, the API, the admin or an export; exchange rates likewise.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

MARK = "zqxBUDGETmark"


@pytest.fixture
def line(indonesia):
    event = f.EventFactory(country=indonesia)
    return f.BudgetLineFactory(event=event, description=MARK, planned=Decimal("123"))


@pytest.fixture
def rate(db):
    return f.ExchangeRateFactory(source=MARK)


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize("who", ["id_operator", "id_viewer", "id_gr", "th_operator", "th_lead"])
def test_no_finance_no_money_through_any_door(request, client, line, rate, who):
    user = _staff(request.getfixturevalue(who))
    client.force_login(user)
    page = client.get(f"/events/{line.event_id}/")
    assert page.status_code in (200, 404)
    assert MARK not in page.content.decode()
    assert client.get(f"/budgets/lines/{line.pk}/edit/").status_code == 404
    assert client.get(f"/budgets/event/{line.event_id}/lines/add/").status_code == 404
    assert client.get("/budgets/rates/").status_code == 404 or who == "th_lead"
    api = client_for(user=user)
    assert api.get("/api/v1/budget-lines/").status_code in (403, 200)
    body = api.get("/api/v1/budget-lines/").content.decode()
    assert MARK not in body
    assert api.get(f"/api/v1/budget-lines/{line.pk}/").status_code in (403, 404)
    assert (
        client.get("/admin/budgets/budgetline/").status_code in (403, 302)
        or MARK not in client.get("/admin/budgets/budgetline/").content.decode()
    )
    assert client.get(f"/admin/budgets/budgetline/{line.pk}/change/").status_code in (302, 403, 404)
    export = client.get("/exports/budget-lines.csv")
    assert export.status_code == 404 or MARK not in b"".join(export.streaming_content).decode()


def test_a_thai_lead_reads_rates_but_not_indonesian_lines(client, line, rate, th_lead):
    client.force_login(th_lead)
    assert MARK in client.get("/budgets/rates/").content.decode()  # rates are everyone's with finance
    assert client.get(f"/budgets/lines/{line.pk}/edit/").status_code == 404


def test_the_lead_sees_the_budget_everywhere(client, line, rate, id_lead):
    _staff(id_lead)
    client.force_login(id_lead)
    assert MARK in client.get(f"/events/{line.event_id}/").content.decode()
    assert MARK in client.get("/budgets/rates/").content.decode()
    api = client_for(user=id_lead)
    assert MARK in api.get("/api/v1/budget-lines/").content.decode()
    assert MARK in client.get("/admin/budgets/budgetline/").content.decode()
    assert MARK in b"".join(client.get("/exports/budget-lines.csv").streaming_content).decode()


def test_tokens_need_the_finance_scope(indonesia, line, rate):
    plain, _ = make_token([indonesia], ("read", "write", "government"))
    assert client_for(plain).get("/api/v1/budget-lines/").status_code == 403
    assert client_for(plain).get("/api/v1/exchange-rates/").status_code == 403
    finance, _ = make_token([indonesia], ("read", "finance"))
    assert MARK in client_for(finance).get("/api/v1/exchange-rates/").content.decode()
    assert (
        client_for(finance)
        .post(
            "/api/v1/exchange-rates/",
            {"currency": "THB", "rate": "0.03", "valid_on": "2018-01-01", "source": "x"},
            format="json",
        )
        .status_code
        == 403
    )


def test_a_lead_and_hq_totals(client, line, superuser):
    f.ExchangeRateFactory(
        currency=line.currency, valid_on=line.event.starts_at.date(), rate=Decimal("0.5"), source=MARK
    )
    client.force_login(superuser)
    page = client.get("/hq/").content.decode()
    assert "Spend in USD" in page
    assert MARK in page  # the rate used, named with its source


def test_the_rates_export_has_no_country_times(client, rate, id_lead):
    client.force_login(id_lead)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/exports/exchange-rates.{fmt}")
        assert response.status_code == 200
    body = b"".join(client.get("/exports/exchange-rates.csv").streaming_content).decode()
    assert MARK in body
