"""Reads the agreement pages, the API and other apps' pages need (finance viewers only: the
country scope drops every agreement and payment for anyone without ``finance.view``)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgets.models import Category
from budgets.selectors import Spend, SpendQuery
from challenges.models import ChallengeParticipation
from challenges.selectors import views_gained
from opsportal.access import in_country

from .models import Agreement, Deliverable, Payment, Status

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))


def _sum_subquery(queryset: QuerySet, field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("agreement").annotate(total=Sum(field)).values("total")[:1],
            output_field=DecimalField(max_digits=18, decimal_places=2),
        ),
        ZERO,
    )


def agreement_list(queryset: QuerySet) -> QuerySet:
    """Agreements with their creator, challenge and event in one query, and what is paid and next due."""
    paid = Payment.objects.filter(agreement=OuterRef("pk"), paid_on__isnull=False)
    open_deliverables = Deliverable.objects.filter(agreement=OuterRef("pk"), delivered_at__isnull=True)
    unpaid = Payment.objects.filter(agreement=OuterRef("pk"), paid_on__isnull=True)
    return queryset.select_related("influencer", "challenge", "event", "owner", "country").annotate(
        paid=_sum_subquery(paid, "amount"),
        next_deliverable_on=Subquery(open_deliverables.order_by("due_on").values("due_on")[:1]),
        next_payment_on=Subquery(unpaid.order_by("due_on").values("due_on")[:1]),
    )


def agreement_detail_queryset() -> QuerySet:
    return Agreement.objects.select_related("influencer", "challenge", "event", "owner", "country")


def deliverables_with_check(agreement: Agreement) -> list[Deliverable]:
    """The agreement's deliverables, each with ``videos_found``: the videos the records hold.

    For an agreement on a challenge, a video is the creator's participation in that challenge
    (or, for a deliverable with another hashtag, in the country's challenge of that hashtag)
    with a video link; ``videos_found`` is None when the records cannot tell (no challenge).
    """
    deliverables = list(agreement.deliverables.all())
    participations = list(
        in_country(ChallengeParticipation.objects.filter(influencer_id=agreement.influencer_id), agreement.country_id)
        .exclude(video_url="")
        .values_list("challenge_id", "challenge__hashtag")
    )
    for d in deliverables:
        if d.hashtag:
            tag = d.hashtag.lower()
            d.videos_found = sum(1 for _, hashtag in participations if hashtag.lower() == tag)
        elif agreement.challenge_id:
            d.videos_found = sum(1 for cid, _ in participations if cid == agreement.challenge_id)
        else:
            d.videos_found = None
        d.records_match = d.videos_found is not None and d.videos_found >= max(d.videos_required, 1)
    return deliverables


def agreement_payments(agreement: Agreement) -> list[Payment]:
    return list(agreement.payments.all())


def paid_spend(payments: QuerySet) -> dict[str, Decimal]:
    """Paid amounts by currency: the one sum the challenge page (and a later budget) counts.
    A payment made is spend, whatever became of its agreement afterwards."""
    rows = payments.filter(paid_on__isnull=False).order_by().values("currency").annotate(total=Sum("amount"))
    return {row["currency"]: row["total"] for row in rows}


def challenge_spend(challenge, views: int | None = None) -> list[dict]:
    """Paid creator spend on a challenge and its cost per thousand views gained, per currency.

    Views gained are those since the challenge started (``challenges.selectors.views_gained``, as
    the budgets' cost per thousand views counts them). Empty when nothing was paid.
    """
    spend = paid_spend(Payment.objects.filter(agreement__challenge=challenge))
    if not spend:
        return []
    if views is None:
        views = views_gained([challenge.pk]).get(challenge.pk, 0)
    return [
        {
            "currency": currency,
            "paid": total,
            "views": views,
            "cpm": (total / views * 1000).quantize(Decimal("0.01")) if views else None,
        }
        for currency, total in sorted(spend.items())
    ]


def influencer_agreements(influencer) -> QuerySet:
    return agreement_list(Agreement.objects.filter(influencer=influencer))


def challenge_agreements(challenge) -> QuerySet:
    return agreement_list(Agreement.objects.filter(challenge=challenge))


def due_deliverables(day) -> QuerySet:
    """Open deliverables of live agreements due on ``day`` (the reminders)."""
    return Deliverable.objects.filter(
        due_on=day, delivered_at__isnull=True, agreement__status__in=[Status.DRAFT, Status.SIGNED]
    ).select_related("agreement", "agreement__country", "agreement__influencer")


def due_payments(day) -> QuerySet:
    """Unpaid payments of agreements not cancelled, due on ``day`` (the reminders)."""
    return (
        Payment.objects.filter(due_on=day, paid_on__isnull=True)
        .exclude(agreement__status=Status.CANCELLED)
        .select_related("agreement", "agreement__country", "agreement__influencer")
    )


__all__ = [
    "agreement_detail_queryset",
    "agreement_list",
    "agreement_payments",
    "challenge_agreements",
    "challenge_spend",
    "deliverables_with_check",
    "due_deliverables",
    "due_payments",
    "influencer_agreements",
    "paid_spend",
]


def payments_as_spend(query: SpendQuery) -> list[Spend]:
    """Paid creator payments as budgets' spend rows (``budgets.selectors.register_spend_provider``):
    each payment made counts as actual spend of the category "creators" on its agreement's
    challenge or event, on the day it was paid. One query."""
    payments = Payment.objects.filter(paid_on__isnull=False)
    if query.event_ids is not None or query.challenge_ids is not None:
        payments = payments.filter(
            Q(agreement__event_id__in=query.event_ids or ()) | Q(agreement__challenge_id__in=query.challenge_ids or ())
        )
    else:
        payments = payments.filter(Q(agreement__event__isnull=False) | Q(agreement__challenge__isnull=False))
    rows = (
        payments.order_by()
        .values("agreement__country_id", "agreement__event_id", "agreement__challenge_id", "currency", "paid_on")
        .annotate(total=Sum("amount"))
    )
    return [
        Spend(
            country_id=row["agreement__country_id"],
            category=Category.CREATORS,
            currency=row["currency"],
            day=row["paid_on"],
            actual=row["total"],
            event_id=row["agreement__event_id"],
            challenge_id=None if row["agreement__event_id"] else row["agreement__challenge_id"],
            source="payments",
        )
        for row in rows
    ]
