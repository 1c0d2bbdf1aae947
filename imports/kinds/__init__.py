"""The kinds of record that can be imported, by the name used in URLs and on the command line."""

from __future__ import annotations

from .agreements import AgreementKind
from .base import Column, ImportKind, Outcome, RowError, Run
from .budgets import BudgetLineKind, ExchangeRateKind
from .challenges import ChallengeKind, MetricSnapshotKind
from .events import EventKind
from .goals import ExternalFigureKind, GoalKind
from .government import GovernmentContactKind, RegulatorRequestKind
from .influencers import InfluencerKind

KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        InfluencerKind(),
        ChallengeKind(),
        MetricSnapshotKind(),
        EventKind(),
        GovernmentContactKind(),
        ExchangeRateKind(),
        RegulatorRequestKind(),
        ExternalFigureKind(),
        BudgetLineKind(),
        GoalKind(),
        AgreementKind(),
    )
}


def get_kind(name: str) -> ImportKind:
    return KINDS[name]


def kind_choices() -> list[tuple[str, str]]:
    return [(k.name, k.label) for k in KINDS.values()]


__all__ = ["KINDS", "Column", "ImportKind", "Outcome", "RowError", "Run", "get_kind", "kind_choices"]
