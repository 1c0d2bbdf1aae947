"""Secret URLs behind which a person's calendar app reads their OpsPortal calendar."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarFeedToken(models.Model):
    """One subscribable feed: a person's own (no country) or one country's.

    The URL's token is derived from a random nonce and the SECRET_KEY, and only its hash is
    stored: a copy of the database alone cannot open a feed, yet the page can show the URL
    again. Resetting draws a new nonce, which kills the old URL at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the person's own feed across their countries."),
    )
    nonce = models.CharField(_("nonce"), max_length=64, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reset_at = models.DateTimeField(_("reset at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        ordering = ["user", "country__name"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="calendar_feed_one_per_country"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(country__isnull=True), name="calendar_feed_one_personal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.country or _('personal')}"

    # --- the secret --------------------------------------------------------------
    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def token(self) -> str:
        mac = hmac.new(settings.SECRET_KEY.encode(), f"calendar-feed:{self.nonce}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()

    def new_secret(self) -> None:
        self.nonce = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(self.token)
