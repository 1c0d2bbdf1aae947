"""The creator agreement reminders: a deliverable or a payment coming due. They reach only
finance viewers (``FINANCE_KINDS``)."""

from __future__ import annotations

from collections.abc import Iterable

from agreements.models import Deliverable, Payment
from agreements.models import Status as AgreementStatus
from locales.models import Role
from opsportal.access import in_country
from opsportal.links import record_path

from .context import AGREEMENT_LEAD_DAYS, Occasion, RuleContext, iso_or_none
from .kinds import ReminderKind


def _ahead_or_today(days: int) -> str:
    return "today" if days == 0 else "ahead"


def deliverable_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An open deliverable of a draft or signed agreement due within three days, then on its day,
    to the agreement's owner (two occasions per due date, like commitments)."""
    rows = (
        in_country(Deliverable.objects.all(), ctx.country)
        .filter(
            delivered_at__isnull=True,
            agreement__status__in=[AgreementStatus.DRAFT, AgreementStatus.SIGNED],
            agreement__owner__is_active=True,
            due_on__gte=ctx.today,
            due_on__lte=ctx.day(AGREEMENT_LEAD_DAYS),
        )
        .order_by("due_on", "pk")
        .values(
            "pk",
            "description",
            "due_on",
            "agreement_id",
            "agreement__title",
            "agreement__owner_id",
            "agreement__influencer__name",
        )
    )
    for d in rows:
        days = (d["due_on"] - ctx.today).days
        yield ctx.occasion(
            ReminderKind.DELIVERABLE_DUE,
            f"{d['pk']}:{d['due_on']}:{_ahead_or_today(days)}",
            d["agreement__owner_id"],
            deliverable=d["description"][:200],
            agreement=d["agreement__title"][:200],
            influencer=d["agreement__influencer__name"],
            due_on=iso_or_none(d["due_on"]),
            days=days,
            path=record_path("agreement", d["agreement_id"]),
        )


def payment_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An unpaid payment of an agreement not cancelled due within three days, then on its day, to
    the agreement's owner and the country's leads (finance viewers: checked with the team)."""
    leads = ctx.members([Role.LEAD])
    rows = (
        in_country(Payment.objects.all(), ctx.country)
        .filter(paid_on__isnull=True, due_on__gte=ctx.today, due_on__lte=ctx.day(AGREEMENT_LEAD_DAYS))
        .exclude(agreement__status__in=[AgreementStatus.CANCELLED, AgreementStatus.PAID])
        .order_by("due_on", "pk")
        .values(
            "pk",
            "amount",
            "currency",
            "due_on",
            "agreement_id",
            "agreement__title",
            "agreement__owner_id",
            "agreement__influencer__name",
        )
    )
    for p in rows:
        days = (p["due_on"] - ctx.today).days
        recipients = {*leads, *([p["agreement__owner_id"]] if p["agreement__owner_id"] else [])}
        for user_id in sorted(recipients):
            yield ctx.occasion(
                ReminderKind.PAYMENT_DUE,
                f"{p['pk']}:{p['due_on']}:{_ahead_or_today(days)}",
                user_id,
                amount=str(p["amount"]),
                currency=p["currency"],
                agreement=p["agreement__title"][:200],
                influencer=p["agreement__influencer__name"],
                due_on=iso_or_none(p["due_on"]),
                days=days,
                path=record_path("agreement", p["agreement_id"]),
            )
