"""Country goals: per country and quarter, the targets a team is judged on, and the figures
that come from outside the records (monthly active users, app-store chart rank).

A quarter is the country's: it starts at local midnight of its first day in the country's
timezone. How each metric's actual figure is computed is ``goals.selectors`` (and docs/goals.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped, audit_history
from opsportal.scope import CountryScopedManager


class Metric(models.TextChoices):
    CORE_ACTIVE = "core_active", _("Core influencers active")
    CHALLENGE_VIEWS = "challenge_views", _("Challenge views")
    CHALLENGES_LAUNCHED = "challenges_launched", _("Challenges launched")
    EVENTS_HELD = "events_held", _("Events held")
    CROSSOVERS = "crossovers", _("Creators crossed over")
    MONTHLY_ACTIVE_USERS = "monthly_active_users", _("Monthly active users")
    CHART_RANK = "chart_rank", _("App-store chart rank")


# Figures the records cannot hold: typed or imported as ExternalFigure rows, with their source.
EXTERNAL_METRICS = frozenset({Metric.MONTHLY_ACTIVE_USERS, Metric.CHART_RANK})
# Lower is better: the target is "at or better than" (rank 1 beats rank 5).
LOWER_IS_BETTER = frozenset({Metric.CHART_RANK})


class ExternalMetric(models.TextChoices):
    MONTHLY_ACTIVE_USERS = Metric.MONTHLY_ACTIVE_USERS.value, Metric.MONTHLY_ACTIVE_USERS.label
    CHART_RANK = Metric.CHART_RANK.value, Metric.CHART_RANK.label


QUARTERS = [(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")]
# One wording for every door (the service, the table's check and so the admin's form say the same).
TARGET_MESSAGE = _("A target is 1 or more (for the chart rank, 1 is the top).")
QUARTER_MESSAGE = _("A quarter is 1, 2, 3 or 4.")


class CountryGoal(TimeStamped):
    """One target of one country for one quarter (unique per country, quarter and metric)."""

    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="goals"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=QUARTERS, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    target = models.PositiveBigIntegerField(
        _("target"), help_text=_("For the chart rank, the rank to reach or beat (1 is the top).")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["country__name", "-year", "-quarter", "metric"]
        verbose_name = _("country goal")
        verbose_name_plural = _("country goals")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "quarter", "metric"], name="goal_one_per_quarter_metric"
            ),
            models.CheckConstraint(
                condition=models.Q(target__gte=1),
                name="goal_target_positive",
                violation_error_message=TARGET_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="goal_quarter_1_to_4",
                violation_error_message=QUARTER_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.year} Q{self.quarter}"

    @property
    def lower_is_better(self) -> bool:
        return self.metric in LOWER_IS_BETTER


class ExternalFigure(TimeStamped):
    """A figure measured outside OpsPortal (analytics, an app-store chart), with where it came from.

    For a quarter's attainment, the latest figure measured in the quarter counts."""

    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="external_figures"
    )
    metric = models.CharField(_("metric"), max_length=32, choices=ExternalMetric.choices)
    measured_on = models.DateField(_("measured on"), help_text=_("The day the figure describes, in local time."))
    value = models.PositiveBigIntegerField(_("value"))
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the figure comes from: a report's name or a link.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["country__name", "metric", "-measured_on"]
        verbose_name = _("external figure")
        verbose_name_plural = _("external figures")
        constraints = [
            models.UniqueConstraint(fields=["country", "metric", "measured_on"], name="external_figure_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.measured_on:%Y-%m-%d}: {self.value}"
