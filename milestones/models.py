"""What was announced once (a crossover, a reached view target)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Milestone(models.Model):
    """Something worth announcing that happened once: an influencer's crossover, a challenge
    reaching its view target. The unique key is what makes the announcement (inbox, email,
    webhook) happen once per crossing, whichever door or batch brought the numbers, and however
    often they are replayed or corrected afterwards."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(_("announced at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.key
