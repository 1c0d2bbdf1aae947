"""Budget lines and exchange rates: the services' rules and the selectors' money arithmetic."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets import selectors
from budgets.models import BudgetLine, ExchangeRate
from budgets.selectors import Spend, register_spend_provider, unregister_spend_provider
from budgets.services import budget_line_save, exchange_rate_save
from opsportal.references import OTHER_COUNTRY_RECORD
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def _event(country, day=None):
    day = day or D(2017, 12, 8)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)), dt.UTC)
    return f.EventFactory(country=country, starts_at=start, ends_at=start + dt.timedelta(hours=8))


def _rate(valid_on, rate, currency="IDR", source="Bank Indonesia mid-rate"):
    return exchange_rate_save(ExchangeRate(currency=currency, rate=Decimal(rate), valid_on=valid_on, source=source))


# --- services ---------------------------------------------------------------------------------


def test_a_line_takes_its_country_and_the_events_currency(indonesia):
    event = _event(indonesia)
    event.currency = "SGD"
    event.save()
    line = budget_line_save(BudgetLine(event=event, category="venue", planned=Decimal("10")))
    assert line.country_id == indonesia.pk
    assert line.currency == "SGD"
    challenge = f.ChallengeFactory(country=indonesia)
    line = budget_line_save(BudgetLine(challenge=challenge, category="production", planned=Decimal("10")))
    assert line.currency == indonesia.currency


@pytest.mark.parametrize(
    "values,field",
    [
        ({"planned": Decimal("-1")}, "planned"),
        ({"actual": Decimal("-5")}, "actual"),
        ({"currency": "rupiah"}, "currency"),
        ({"category": "bribes"}, "category"),
    ],
)
def test_bad_values_are_field_errors(indonesia, values, field):
    line = BudgetLine(event=_event(indonesia), **{"category": "venue", "planned": Decimal("1"), **values})
    with pytest.raises(ValidationError) as refused:
        budget_line_save(line)
    assert field in refused.value.message_dict
    assert not BudgetLine.objects.exists()


def test_a_line_belongs_to_exactly_one_record(indonesia):
    event = _event(indonesia)
    challenge = f.ChallengeFactory(country=indonesia)
    for line in (BudgetLine(category="venue"), BudgetLine(event=event, challenge=challenge, category="venue")):
        with pytest.raises(ValidationError) as refused:
            budget_line_save(line)
        assert "event" in refused.value.message_dict


def test_a_line_cannot_move_to_another_countrys_record(indonesia, thailand):
    line = budget_line_save(BudgetLine(event=_event(indonesia), category="venue", planned=Decimal("1")))
    line.event = _event(thailand)
    with pytest.raises(ValidationError) as refused:
        budget_line_save(line)
    assert refused.value.message_dict == {"event": [str(OTHER_COUNTRY_RECORD)]}
    # Nor be created in one country for another's record.
    stray = BudgetLine(event=_event(thailand), country=indonesia, category="venue", planned=Decimal("1"))
    with pytest.raises(ValidationError):
        budget_line_save(stray)


def test_rates_are_positive_iso_and_one_per_day(db):
    _rate(D(2017, 12, 1), "0.0000739")
    for values, field in (
        ({"rate": Decimal("0")}, "rate"),
        ({"currency": "idr!"}, "currency"),
        ({"currency": "USD"}, "currency"),  # the reporting currency needs no rate
    ):
        data = {"currency": "THB", "rate": Decimal("0.03"), "valid_on": D(2017, 12, 2), "source": "BoT", **values}
        with pytest.raises(ValidationError) as refused:
            exchange_rate_save(ExchangeRate(**data))
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError):
        _rate(D(2017, 12, 1), "0.00007")
    assert ExchangeRate.objects.count() == 1


# --- which rate ------------------------------------------------------------------------------


def test_a_figure_uses_the_latest_rate_on_or_before_its_date(indonesia):
    _rate(D(2017, 11, 1), "0.00007", source="October")
    december = _rate(D(2017, 12, 1), "0.0001", source="December")
    _rate(D(2018, 1, 1), "0.0002", source="January")
    event = _event(indonesia, D(2017, 12, 8))
    budget_line_save(BudgetLine(event=event, category="venue", planned=Decimal("1000000"), actual=Decimal("500000")))
    budget = selectors.event_budget(event)
    assert budget.total.currency == "USD"
    assert budget.total.planned == Decimal("100.00")
    assert budget.total.actual == Decimal("50.00")
    assert budget.total.rates_used == [december]
    # A line's own date wins over its event's.
    budget_line_save(BudgetLine(event=event, category="travel", planned=Decimal("1000000"), spent_on=D(2018, 1, 5)))
    budget = selectors.event_budget(event)
    assert budget.total.planned == Decimal("300.00")
    assert [r.source for r in budget.total.rates_used] == ["December", "January"]


def test_a_figure_without_a_rate_is_named_and_left_out_never_zero(client, indonesia, id_lead):
    _rate(D(2018, 1, 1), "0.0001")  # after the event: no use to it
    event = _event(indonesia, D(2017, 12, 8))
    budget_line_save(BudgetLine(event=event, category="venue", planned=Decimal("1000000"), actual=Decimal("900000")))
    budget_line_save(BudgetLine(event=event, category="venue", planned=Decimal("5"), currency="USD"))
    total = selectors.event_budget(event).total
    assert total.planned == Decimal("5")  # only the dollar line
    assert not total.complete
    assert [(m.currency, m.day, m.planned) for m in total.missing] == [("IDR", D(2017, 12, 8), Decimal("1000000"))]
    client.force_login(id_lead)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "No rate:" in page
    assert "is left out of the total" in page


def test_cost_per_thousand_views_gained(indonesia):
    now = timezone.now()
    challenge = f.ChallengeFactory(country=indonesia, starts_at=now - dt.timedelta(days=5), views=2_010_000)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=6), views=10_000)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now, views=2_010_000)
    _rate(D(2000, 1, 1), "0.0001")
    budget_line_save(
        BudgetLine(challenge=challenge, category="production", planned=Decimal("9"), actual=Decimal("30000000"))
    )
    cpm = selectors.cost_per_thousand_views([challenge])[challenge.pk]
    assert cpm.views_gained == 2_000_000
    assert cpm.spend.actual == Decimal("3000.00")  # 30M IDR at 0.0001; planned does not count
    assert cpm.value == Decimal("1.50")
    # No views gained: no figure (not a division by zero).
    quiet = f.ChallengeFactory(country=indonesia, starts_at=now, views=0)
    assert selectors.cost_per_thousand_views([quiet])[quiet.pk].value is None


def test_creator_spend_counts_lines_and_the_registered_providers(indonesia):
    challenge = f.ChallengeFactory(country=indonesia, starts_at=timezone.now())
    budget_line_save(
        BudgetLine(
            challenge=challenge, category="creators", planned=Decimal("1"), actual=Decimal("100"), currency="USD"
        )
    )
    budget_line_save(
        BudgetLine(challenge=challenge, category="venue", planned=Decimal("1"), actual=Decimal("999"), currency="USD")
    )
    asked = []

    def payments(query):  # what the agreements app plugs in: paid payments as spend rows
        asked.append(query)
        return [
            Spend(
                country_id=indonesia.pk,
                challenge_id=challenge.pk,
                category="creators",
                currency="USD",
                day=timezone.localdate(),
                actual=Decimal("250"),
                source="payments",
            )
        ]

    assert selectors.creator_spend(challenge_ids=[challenge.pk])[("challenge", challenge.pk)].actual == Decimal("100")
    register_spend_provider(payments)
    try:
        spent = selectors.creator_spend(challenge_ids=[challenge.pk])[("challenge", challenge.pk)]
        assert spent.actual == Decimal("350")
        assert challenge.pk in asked[-1].challenge_ids
        budget = selectors.challenge_budget(challenge)
        assert budget.creator_spend.actual == Decimal("350")
        assert budget.total.actual == Decimal("1349")
        assert selectors.cost_per_thousand_views([challenge])[challenge.pk].spend.actual == Decimal("1349")
        assert selectors.spend_by_country()[indonesia.pk].actual == Decimal("1349")
    finally:
        unregister_spend_provider(payments)


def test_hq_totals_per_country_name_their_rates(indonesia, thailand):
    _rate(D(2017, 12, 1), "0.0001")
    thb = _rate(D(2017, 12, 1), "0.03", currency="THB", source="Bank of Thailand")
    budget_line_save(BudgetLine(event=_event(indonesia), category="venue", planned=Decimal("1000000")))
    budget_line_save(BudgetLine(event=_event(thailand), category="venue", planned=Decimal("1000")))
    totals = selectors.spend_by_country()
    assert totals[indonesia.pk].planned == Decimal("100.00")
    assert totals[thailand.pk].planned == Decimal("30.00")
    assert totals[thailand.pk].rates_used == [thb]
