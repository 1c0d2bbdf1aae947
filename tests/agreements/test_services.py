"""The agreement's rules: status moves and refusals, the records check, payments make paid,
the challenge's cost per thousand views, references across countries."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements import selectors
from agreements.models import Agreement, Deliverable, Payment, Status
from agreements.services import (
    agreement_change_status,
    agreement_delete,
    agreement_save,
    deliverable_mark_delivered,
    deliverable_save,
    next_statuses,
    payment_delete,
    payment_mark_paid,
    payment_save,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def new_agreement(country, **kwargs) -> Agreement:
    influencer = kwargs.pop("influencer", None) or f.InfluencerFactory(country=country)
    challenge = kwargs.pop("challenge", None) or f.ChallengeFactory(country=country)
    return agreement_save(
        Agreement(
            country=country,
            influencer=influencer,
            challenge=challenge,
            title="Seeding",
            fee=Decimal("15000000"),
            **kwargs,
        )
    )


def test_new_agreement_is_a_draft_in_the_countrys_currency(indonesia):
    agreement = new_agreement(indonesia)
    assert agreement.status == Status.DRAFT
    assert agreement.currency == "IDR"
    with pytest.raises(ValidationError) as error:
        new_agreement(indonesia, status=Status.SIGNED)
    assert "status" in error.value.message_dict


def test_needs_a_challenge_an_event_or_a_period(indonesia):
    with pytest.raises(ValidationError) as error:
        agreement_save(
            Agreement(country=indonesia, influencer=f.InfluencerFactory(country=indonesia), title="x", fee=1)
        )
    assert "challenge" in error.value.message_dict
    period = agreement_save(
        Agreement(
            country=indonesia,
            influencer=f.InfluencerFactory(country=indonesia),
            title="Ramadan period",
            fee=1,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 31),
        )
    )
    assert period.pk


def test_draft_signed_delivered_paid(indonesia):
    agreement = new_agreement(indonesia)
    deliverable = deliverable_save(
        Deliverable(agreement=agreement, description="A video", videos_required=1, due_on=dt.date.today())
    )
    agreement_change_status(agreement, Status.SIGNED)
    assert agreement.signed_on == timezone.localdate(timezone=indonesia.zone)
    with pytest.raises(ValidationError, match="deliverable"):
        agreement_change_status(agreement, Status.DELIVERED)
    deliverable_mark_delivered(deliverable)
    agreement_change_status(agreement, Status.DELIVERED)
    with pytest.raises(ValidationError, match="cover the fee"):
        agreement_change_status(agreement, Status.PAID)
    payment_save(
        Payment(agreement=agreement, amount=Decimal("5000000"), due_on=dt.date.today(), paid_on=dt.date.today())
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.DELIVERED
    payment_save(
        Payment(agreement=agreement, amount=Decimal("10000000"), due_on=dt.date.today(), paid_on=dt.date.today())
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.PAID  # the payments covered the fee
    assert next_statuses(agreement) == []
    assert Payment.objects.filter(agreement=agreement, currency="IDR").count() == 2


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.DRAFT, Status.DELIVERED),
        (Status.DRAFT, Status.PAID),
        (Status.SIGNED, Status.DRAFT),
        (Status.PAID, Status.CANCELLED),
        (Status.CANCELLED, Status.SIGNED),
        (Status.DRAFT, "lost"),
    ],
)
def test_refused_moves(indonesia, start, target):
    agreement = f.AgreementFactory(country=indonesia, status=start)
    with pytest.raises(ValidationError) as error:
        agreement_change_status(agreement, target)
    assert "status" in error.value.message_dict
    assert Agreement.objects.get(pk=agreement.pk).status == start


@pytest.mark.parametrize("start", [Status.DRAFT, Status.SIGNED, Status.DELIVERED])
def test_cancelled_from_any_but_paid(indonesia, start):
    agreement = f.AgreementFactory(country=indonesia, status=start)
    agreement_change_status(agreement, Status.CANCELLED)
    assert Agreement.objects.get(pk=agreement.pk).status == Status.CANCELLED


def test_a_status_set_on_save_goes_through_the_moves(indonesia):
    agreement = new_agreement(indonesia)
    agreement.status = Status.PAID
    with pytest.raises(ValidationError):
        agreement_save(agreement)
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT
    agreement_save(agreement, status=Status.SIGNED)
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SIGNED


def test_payments_never_exceed_the_fee_nor_land_on_a_cancelled_agreement(indonesia):
    agreement = new_agreement(indonesia)
    with pytest.raises(ValidationError) as error:
        payment_save(Payment(agreement=agreement, amount=Decimal("15000001"), due_on=dt.date.today()))
    assert "amount" in error.value.message_dict
    agreement_change_status(agreement, Status.CANCELLED)
    with pytest.raises(ValidationError):
        payment_save(Payment(agreement=agreement, amount=Decimal("1"), due_on=dt.date.today()))
    assert not Payment.objects.filter(agreement=agreement).exists()


def test_a_paid_agreements_payments_stay_and_only_drafts_are_deleted(indonesia):
    agreement = f.AgreementFactory(country=indonesia, status=Status.PAID)
    payment = f.PaymentFactory(agreement=agreement)
    with pytest.raises(ValidationError):
        payment_delete(payment)
    with pytest.raises(ValidationError):
        agreement_delete(agreement)
    draft = f.AgreementFactory(country=indonesia)
    agreement_delete(draft)
    assert not Agreement.objects.filter(pk=draft.pk).exists()


def test_delivery_is_checked_against_the_participation(indonesia):
    agreement = f.AgreementFactory(country=indonesia)
    deliverable = f.DeliverableFactory(agreement=agreement, videos_required=1)
    other_hashtag = f.DeliverableFactory(agreement=agreement, videos_required=1, hashtag="nowhere")
    [checked, missing] = sorted(selectors.deliverables_with_check(agreement), key=lambda d: d.pk)
    assert checked.videos_found == 0 and not checked.records_match
    f.ParticipationFactory(
        challenge=agreement.challenge, influencer=agreement.influencer, video_url="https://example.com/v/1"
    )
    checks = {d.pk: d for d in selectors.deliverables_with_check(agreement)}
    assert checks[deliverable.pk].videos_found == 1 and checks[deliverable.pk].records_match
    assert checks[other_hashtag.pk].videos_found == 0
    # Another creator's participation does not count.
    assert checks[deliverable.pk].videos_found == 1


def test_period_agreement_without_hashtag_is_not_checked(indonesia):
    agreement = f.AgreementFactory(
        country=indonesia, challenge=None, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
    )
    f.DeliverableFactory(agreement=agreement)
    [d] = selectors.deliverables_with_check(agreement)
    assert d.videos_found is None


def test_cost_per_thousand_views(indonesia):
    started = dt.datetime(2018, 7, 1, tzinfo=dt.UTC)
    challenge = f.ChallengeFactory(country=indonesia, views=53_000_000, starts_at=started)
    agreement = f.AgreementFactory(
        country=indonesia, challenge=challenge, fee=Decimal("26500000"), status=Status.DELIVERED
    )
    assert selectors.challenge_spend(challenge) == []
    f.PaymentFactory(agreement=agreement, amount=Decimal("26500000"), paid_on=dt.date.today())
    f.PaymentFactory(
        agreement=f.AgreementFactory(country=indonesia, challenge=challenge), amount=Decimal("1000")
    )  # unpaid
    [spend] = selectors.challenge_spend(challenge)
    assert spend["paid"] == Decimal("26500000")
    assert spend["cpm"] == Decimal("500.00")  # 26.5M IDR / 53M views x 1000
    # Views gained since the start, as the budgets count them: a snapshot before the start is the baseline.
    f.MetricSnapshotFactory(challenge=challenge, captured_at=started - dt.timedelta(hours=1), views=53_000_000)
    assert selectors.challenge_spend(challenge)[0]["cpm"] is None


def test_another_countrys_records_are_refused_without_saying_they_exist(indonesia, thailand):
    th_influencer = f.InfluencerFactory(country=thailand)
    th_challenge = f.ChallengeFactory(country=thailand)
    with pytest.raises(ValidationError) as error:
        agreement_save(Agreement(country=indonesia, influencer=th_influencer, challenge=th_challenge, title="x", fee=1))
    assert set(error.value.message_dict) >= {"influencer", "challenge"}
    assert "another country" in str(error.value.message_dict["influencer"])
    assert not Agreement.objects.exists()


def test_owner_must_be_a_finance_holder_of_the_country(indonesia, id_operator, id_lead, th_lead):
    for person in (id_operator, th_lead):
        with pytest.raises(ValidationError) as error:
            new_agreement(indonesia, owner=person)
        assert "owner" in error.value.message_dict
    assert new_agreement(indonesia, owner=id_lead).owner == id_lead


def test_the_demo_holds_a_paid_seeding_agreement_checked_against_the_records():
    from demo.story import seed

    seed(today=dt.date(2026, 12, 3))
    agreement = Agreement.objects.get(title__startswith="Seeding #SatuFrameRame")
    assert agreement.status == Status.PAID and agreement.country.code == "ID"
    [deliverable] = selectors.deliverables_with_check(agreement)
    assert deliverable.records_match
    [spend] = selectors.challenge_spend(agreement.challenge)
    assert spend["paid"] == Decimal("15000000.00") and spend["cpm"] is not None
    second, _rows = seed(today=dt.date(2026, 12, 3))
    assert not second.created.get("agreements.Agreement")


def test_reminder_rules_cost_a_fixed_number_of_queries(indonesia, id_lead, django_assert_max_num_queries):
    from reminders.rules import RuleContext, deliverable_due, payment_due

    now = timezone.now()
    for _ in range(2):
        with django_assert_max_num_queries(3):  # the team, then one query per rule
            ctx = RuleContext(indonesia, now)
            found = [*deliverable_due(ctx), *payment_due(ctx)]
        for _n in range(20):
            agreement = f.AgreementFactory(country=indonesia, owner=id_lead, status=Status.SIGNED)
            f.DeliverableFactory(agreement=agreement, due_on=ctx.today)
            f.PaymentFactory(agreement=agreement, due_on=ctx.day(3))
    assert len(found) == 40  # 20 deliverables today, 20 payments in three days (the owner is the lead)


def test_signing_stamps_the_countrys_date_whatever_the_doors_zone(indonesia):
    """At 20:00 UTC it is already tomorrow in Jakarta: the API and the admin (UTC active) stamp
    the same date as the portal (Jakarta active)."""
    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now), timezone.override(dt.UTC):
        agreement = agreement_change_status(new_agreement(indonesia), Status.SIGNED)
    assert agreement.signed_on == dt.date(2026, 12, 5)


def test_paid_today_stamps_the_countrys_date_and_keeps_an_earlier_one(indonesia):
    """The portal's "Paid today" at 20:00 UTC is already tomorrow in Jakarta, whichever zone the
    request runs in; a payment already paid keeps its date."""
    agreement = new_agreement(indonesia)
    payment = payment_save(Payment(agreement=agreement, amount=Decimal("1000000"), due_on=dt.date(2026, 12, 1)))
    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now), timezone.override(dt.UTC):
        payment_mark_paid(payment)
        assert Payment.objects.get(pk=payment.pk).paid_on == dt.date(2026, 12, 5)
        payment_mark_paid(payment, today=dt.date(2026, 12, 9))
    assert Payment.objects.get(pk=payment.pk).paid_on == dt.date(2026, 12, 5)


def test_a_currency_in_small_letters_is_taken_as_its_code_by_the_services(indonesia):
    """Whatever door hands it over: the portal's forms upper-cased it, the services did not."""
    from events.models import Event
    from events.services import event_save

    agreement = new_agreement(indonesia, currency=" usd ")
    assert Agreement.objects.get(pk=agreement.pk).currency == "USD"
    event = f.EventFactory.build(country=indonesia, currency="sgd", owner=None, created_by=None)
    event_save(event)
    assert Event.objects.get(pk=event.pk).currency == "SGD"
