"""The weekly reports as sent, kept for reading in the portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.scope import CountryScopedManager


class WeeklyReport(models.Model):
    """A country's (or HQ's, with no country) report of one ISO week, kept for reading in the portal."""

    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="weekly_reports",
    )
    week = models.CharField(_("ISO week"), max_length=8, help_text=_("e.g. 2026-W47"))
    data = models.JSONField(_("figures"), default=dict)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-week", "country__name"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.UniqueConstraint(fields=["country", "week"], name="weekly_report_once_per_week"),
            models.UniqueConstraint(
                fields=["week"], condition=models.Q(country__isnull=True), name="hq_report_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country or 'HQ'} {self.week}"
