"""The country teams: who sits on which team in which role, and what HQ may see."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped, audit_history
from opsportal.roles import Background, HQAccess, Role
from opsportal.scope import CountryScopedManager

from .markets import Country


class TeamMembership(TimeStamped):
    """A person's seat on a country team; one person may sit on several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, db_index=True)

    # The table (and its history's) kept the name it had when the model lived in locales.
    history = audit_history(table_name="locales_historicalteammembership")

    objects = CountryScopedManager()

    class Meta:
        db_table = "locales_teammembership"
        ordering = ["country__name", "user__username"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="membership_unique_per_country"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.country} · {self.get_role_display()}"


class StaffProfile(models.Model):
    """What the portal knows about a staff member beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="profile"
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    timezone = models.CharField(_("personal timezone"), max_length=64, blank=True)
    background = models.CharField(_("background"), max_length=16, choices=Background.choices, blank=True)
    hq_access = models.CharField(
        _("HQ access"), max_length=24, choices=HQAccess.choices, blank=True, default=HQAccess.NONE
    )
    hq_finance = models.BooleanField(
        _("HQ finance grant"),
        default=False,
        help_text=_("Sees creator agreements, fees and payments in every country (read-only)."),
    )
    muted_reminders = models.JSONField(_("muted reminder kinds"), default=list, blank=True)
    buddhist_era = models.BooleanField(_("show Buddhist Era years"), default=False)

    class Meta:
        db_table = "locales_staffprofile"
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
