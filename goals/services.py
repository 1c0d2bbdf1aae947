"""Writes of country goals and external figures: validated, saved, kept in the audit trail
(simple-history rows name the person, the door and the token)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.access import in_country
from webhooks.events import emit, event_data
from webhooks.models import EventType

from .models import QUARTER_MESSAGE, TARGET_MESSAGE, CountryGoal, ExternalFigure, Metric


def _by(by):
    return by if getattr(by, "pk", None) and not getattr(by, "is_token", False) else None


def _check_goal(goal: CountryGoal) -> None:
    errors = {}
    if goal.target is not None and goal.target < 1:
        errors["target"] = str(TARGET_MESSAGE)
    if goal.quarter is not None and goal.quarter not in (1, 2, 3, 4):
        errors["quarter"] = str(QUARTER_MESSAGE)
    if goal.year is not None and not 2000 <= goal.year <= 2100:
        errors["year"] = _("Give a year between 2000 and 2100.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_save(goal: CountryGoal, *, by=None) -> CountryGoal:
    """Create or change one target of one country's quarter (one per metric and quarter)."""
    _check_goal(goal)
    previous = None
    if goal.pk is None:
        goal.created_by = _by(by)
    else:
        previous = CountryGoal._base_manager.filter(pk=goal.pk).values_list("target", flat=True).first()
    goal.full_clean()
    goal.save()
    if goal.target != previous:
        # A target set or changed is news for the team's integrations; a note alone is not.
        emit(EventType.GOAL_SET, {**event_data(goal), "previous_target": previous}, goal.country_id)
    return goal


@transaction.atomic
def goal_delete(goal: CountryGoal, *, by=None) -> None:
    """Remove a target; its history stays in the audit trail."""
    goal.delete()


@transaction.atomic
def quarter_goals_set(country, year: int, quarter: int, targets: dict[str, tuple[int | None, str]], *, by=None):
    """Set a quarter's targets in one go (the portal's one-screen form): metric → (target, note).

    A metric without a target loses its goal. All or nothing: one refused target writes none.
    Returns the goals kept."""
    existing = {g.metric: g for g in in_country(CountryGoal.objects.filter(year=year, quarter=quarter), country)}
    kept, errors = [], {}
    for metric in Metric:
        target, note = targets.get(metric.value, (None, ""))
        goal = existing.get(metric.value)
        if target is None:
            if goal is not None:
                goal_delete(goal, by=by)
            continue
        goal = goal or CountryGoal(country=country, year=year, quarter=quarter, metric=metric.value)
        if goal.pk and goal.target == target and goal.note == (note or ""):
            kept.append(goal)
            continue
        goal.target, goal.note = target, note or ""
        try:
            kept.append(goal_save(goal, by=by))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[metric.value if field in ("target", "__all__") else f"{metric.value}_{field}"] = messages
    if errors:
        raise ValidationError(errors)  # the whole quarter's change rolls back
    return kept


def _check_figure(figure: ExternalFigure, *, today: dt.date | None) -> None:
    errors = {}
    if figure.metric == Metric.CHART_RANK and figure.value is not None and figure.value < 1:
        errors["value"] = _("A chart rank is 1 or more (1 is the top).")
    if figure.measured_on and today and figure.measured_on > today:
        errors["measured_on"] = _("A figure is measured on a day that has come.")
    if not (figure.source or "").strip():
        errors["source"] = _("Say where the figure comes from.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def external_figure_save(figure: ExternalFigure, *, by=None, now: dt.datetime | None = None) -> ExternalFigure:
    """Record a figure measured outside OpsPortal, with its source; the person typing or
    importing it is kept as ``entered_by``. Not in the country's future; a rank is 1 or more."""
    today = None
    if figure.country_id:
        today = timezone.localdate(now or timezone.now(), timezone=figure.country.zone)
    _check_figure(figure, today=today)
    if figure.pk is None:
        figure.created_by = _by(by)
        figure.entered_by = _by(by)
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def external_figure_delete(figure: ExternalFigure, *, by=None) -> None:
    figure.delete()
