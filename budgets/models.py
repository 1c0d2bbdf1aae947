"""Money: planned and actual spend per event or challenge, and dated exchange rates.

Both are finance records (``opsportal.access.FINANCE_MODELS``): read with ``finance.view``,
written with ``finance.edit``; operators and viewers never see them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped, audit_history, validate_currency
from opsportal.scope import CountryScopedManager


def reporting_currency() -> str:
    """The one currency HQ's totals are shown in (``OPSPORTAL_REPORTING_CURRENCY``, default USD)."""
    return getattr(settings, "OPSPORTAL_REPORTING_CURRENCY", "USD")


class Category(models.TextChoices):
    VENUE = "venue", _("Venue")
    PRODUCTION = "production", _("Production")
    CREATORS = "creators", _("Creators")
    TRAVEL = "travel", _("Travel")
    MARKETING = "marketing", _("Marketing")
    OTHER = "other", _("Other")


class BudgetLine(TimeStamped):
    """One line of an event's or a challenge's budget: planned, then what was actually spent."""

    # Kept on the line (set from its event or challenge by the service) so the scope places it
    # with one path, whichever record it belongs to.
    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    planned = models.DecimalField(
        _("planned"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("actual"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave blank until it is known."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency], help_text=_("ISO 4217, e.g. IDR.")
    )
    spent_on = models.DateField(
        _("spent on"),
        null=True,
        blank=True,
        help_text=_("The date whose exchange rate converts it; blank: the record's date."),
    )
    note = models.TextField(_("note"), blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["category", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=(Q(event__isnull=False) & Q(challenge__isnull=True))
                | (Q(event__isnull=True) & Q(challenge__isnull=False)),
                name="budget_line_event_or_challenge",
            ),
            models.CheckConstraint(condition=Q(planned__gte=0), name="budget_line_planned_not_negative"),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0), name="budget_line_actual_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description or self.planned}"

    @property
    def record(self):
        return self.event if self.event_id else self.challenge

    def clean(self):
        super().clean()
        if bool(self.event_id) == bool(self.challenge_id):
            raise ValidationError({"event": _("A budget line belongs to one event or one challenge.")})


class ExchangeRate(TimeStamped):
    """One unit of ``currency`` is worth ``rate`` of ``reporting_currency`` from ``valid_on`` on.

    Typed or imported by a lead or HQ (no internet needed); a figure uses the latest rate on or
    before its own date, and says which.
    """

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    reporting_currency = models.CharField(
        _("reporting currency"), max_length=3, validators=[validate_currency], default=reporting_currency
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=10,
        help_text=_("What one unit of the currency is worth in the reporting currency."),
    )
    valid_on = models.DateField(_("valid on"), db_index=True)
    source = models.CharField(_("source"), max_length=200, help_text=_("e.g. Bank Indonesia mid-rate"))

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["currency", "-valid_on"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "reporting_currency", "valid_on"], name="exchange_rate_one_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    @property
    def entered_by(self):
        return self.created_by

    def __str__(self) -> str:
        return f"{self.currency}→{self.reporting_currency} {self.rate} ({self.valid_on})"
