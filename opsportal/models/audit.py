from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.db import Door


class AuditEntry(models.Model):
    """A change that simple-history does not see record by record: bulk ingestion, imports, erasures."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.ForeignKey(
        "opsportal.ApiToken",
        verbose_name=_("API token"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    door = models.CharField(_("door"), max_length=8, choices=Door.choices)
    action = models.CharField(_("action"), max_length=40)
    model = models.CharField(_("record type"), max_length=80, db_index=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True, db_index=True)
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField(_("summary"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return self.summary
