from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from opsportal.db import ConstraintsOnFields, TimeStamped, audit_history
from opsportal.models import Country
from opsportal.scope import CountryScopedManager


class CulturalMoment(ConstraintsOnFields, TimeStamped):
    """A festival or season that content can be built around (Songkran, Lebaran, Tet)."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="cultural_moments"
    )
    name = models.CharField(_("name"), max_length=120)
    local_name = models.CharField(_("local name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    content_ideas = models.TextField(_("content ideas"), blank=True, help_text=_("Stickers, effects, formats."))

    history = audit_history()

    objects = CountryScopedManager()
    constraint_fields = {"name_taken": "name"}

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("cultural moment")
        verbose_name_plural = _("cultural moments")
        constraints = [
            # "songkran" beside "Songkran" is the same festival: one name per country, whatever its case.
            models.UniqueConstraint(
                F("country"),
                Lower("name"),
                name="cultural_moment_name_unique_per_country",
                violation_error_code="name_taken",
                violation_error_message=_("This country already has a cultural moment with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CulturalMomentOccurrence(models.Model):
    """When a cultural moment falls in a given year (many move with the lunar calendar)."""

    moment = models.ForeignKey(
        CulturalMoment, verbose_name=_("cultural moment"), on_delete=models.CASCADE, related_name="occurrences"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"), db_index=True)
    ends_on = models.DateField(_("ends on"))

    objects = CountryScopedManager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            models.UniqueConstraint(fields=["moment", "year"], name="occurrence_unique_per_year"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="occurrence_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.moment} {self.year}"

    def clean(self):
        errors = {}
        # Same rule as the check constraint, but the error lands on the field in every form.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end cannot be before the start.")
        # The year names the occurrence: it starts in that year (it may end in the next, over New Year).
        if self.starts_on and self.year and self.starts_on.year != self.year:
            errors["starts_on"] = _("The start is not in that year.")
        if errors:
            raise ValidationError(errors)
