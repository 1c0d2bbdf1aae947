import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped

TOKEN_PREFIX = "ops_"


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    GOVERNMENT = "government", _("Government relations")
    FINANCE = "finance", _("Finance (agreements, payments, budgets)")


class ApiToken(TimeStamped):
    """An integration's key: only its hash is stored; the secret is shown once."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False, help_text=_("Shown to recognise a token."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    countries = models.ManyToManyField("opsportal.Country", verbose_name=_("countries"), related_name="api_tokens")
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        # A new token is not born expired (an expiry typed in the past).
        if self._state.adding and self.expires_at is not None and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("This token has expired.")})

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash = self.hash_key(key)
        self.prefix = key[: len(TOKEN_PREFIX) + 4]

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
