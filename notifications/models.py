"""A person's portal inbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.scope import CountryScopedManager


class Notification(models.Model):
    """An entry in a person's portal inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # Named as when the table was opsportal's (the index kept its name when the model moved here).
        indexes = [models.Index(fields=["recipient", "read_at"], name="opsportal_n_recipie_8bd62f_idx")]

    def __str__(self) -> str:
        return self.title
