from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsportal.scope import CountryScopedManager


class SavedView(models.Model):
    """A named set of list filters ("my core dancers in Jakarta")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    is_last_used = models.BooleanField(_("last used filters"), default=False)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["list_name", "name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
