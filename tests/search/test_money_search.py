"""Budget lines in the search box: finance viewers only, at the portal's door (issue 17)."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_budget_lines_are_found_by_finance_viewers_only(client, indonesia, thailand, id_lead, id_operator, id_gr):
    event = f.EventFactory(country=indonesia, name="DWP")
    f.BudgetLineFactory(event=event, category="venue", description="JIExpo booth rental")
    f.BudgetLineFactory(event=f.EventFactory(country=thailand), description="JIExpo booth in Bangkok")
    client.force_login(id_lead)
    page = client.get(reverse("portal:search"), {"q": "jiexpo"}).content.decode()
    assert "JIExpo booth rental" in page and reverse("events:detail", args=[event.pk]) in page
    assert "Bangkok" not in page  # another country's line
    for person in (id_operator, id_gr):
        client.force_login(person)
        page = client.get(reverse("portal:search"), {"q": "jiexpo"}).content.decode()
        assert "JIExpo booth" not in page and "Budget lines" not in page
