"""Rules of ``budgets.services``, through the portal form, the API and the admin form:

* amounts are not negative (a field error, nothing written);
* a new line's currency is its event's unless one is given;
* a line points at a record of its own country: another country's event is a field error that
  does not say whether it exists.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.models import BudgetLine
from tests import factories as f
from tests.api.conftest import client_for, make_token

from .forms import admin_post, portal_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_api(indonesia):
    key, _token = make_token([indonesia], ("read", "write", "finance"))
    return client_for(key)


@pytest.fixture
def event(indonesia):
    return f.EventFactory(country=indonesia, currency="IDR")


def by_portal(doors, event, **values):
    return portal_post(doors.portal, f"/budgets/event/{event.pk}/lines/add/", **values)


def by_api(api, event, **values):
    return api.post("/api/v1/budget-lines/", {"event": event.pk, **values}, format="json")


def by_admin(doors, event, **values):
    return admin_post(doors.admin, "/admin/budgets/budgetline/add/", event=str(event.pk), **values)


def test_negative_amounts_are_refused_at_every_door(doors, finance_api, event):
    portal = by_portal(doors, event, category="venue", planned="-5")
    assert portal.status_code == 400 and "planned" in portal.context["form"].errors
    api = by_api(finance_api, event, category="venue", planned="-5")
    assert api.status_code == 400 and "planned" in api.json()["errors"]
    admin = by_admin(doors, event, category="venue", planned="-5")
    assert admin.status_code == 200 and "planned" in admin.context["adminform"].form.errors
    assert not BudgetLine.objects.exists()


def test_a_new_line_counts_in_its_events_currency_whichever_door(doors, finance_api, event):
    assert by_portal(doors, event, category="venue", planned="10", currency="").status_code == 302
    assert by_api(finance_api, event, category="travel", planned="10").status_code == 201
    assert by_admin(doors, event, category="production", planned="10", currency="").status_code == 302
    assert sorted(BudgetLine.objects.values_list("category", "currency", "country_id")) == [
        ("production", "IDR", event.country_id),
        ("travel", "IDR", event.country_id),
        ("venue", "IDR", event.country_id),
    ]
    assert {line.planned for line in BudgetLine.objects.all()} == {Decimal("10")}


def test_another_countrys_event_is_not_confirmed_by_any_door(doors, finance_api, thailand):
    theirs = f.EventFactory(country=thailand)
    missing = 987654
    # The portal: the page of another country's event does not exist for them.
    assert doors.portal.get(f"/budgets/event/{theirs.pk}/lines/add/").status_code == 404
    assert doors.portal.get(f"/budgets/event/{missing}/lines/add/").status_code == 404
    # The API: the same field error as for an id that does not exist.
    real = by_api(finance_api, theirs, category="venue", planned="1")
    made_up = finance_api.post(
        "/api/v1/budget-lines/", {"event": missing, "category": "venue", "planned": "1"}, format="json"
    )
    assert real.status_code == made_up.status_code == 400
    assert real.json()["errors"]["event"] == [
        m.replace(str(missing), str(theirs.pk)) for m in made_up.json()["errors"]["event"]
    ]
    # The admin: not a choice, like any unknown id.
    admin = by_admin(doors, theirs, category="venue", planned="1")
    assert admin.status_code == 200 and "event" in admin.context["adminform"].form.errors
    assert not BudgetLine.objects.exists()
