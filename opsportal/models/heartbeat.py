from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When a background process last proved it is alive (shown by /readyz).

    ``scheduler`` is written by the outbox sweep, which only beat schedules (every minute) and
    only a worker runs: a recent beat proves both are alive; an old one names which to look at
    together with ``worker``, written by every worker when it starts and on each sweep it runs.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("at"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


def beat(name: str, detail: str = "") -> None:
    """Record that ``name`` is alive now (one upsert)."""
    from django.utils import timezone

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "detail": detail[:200]})
