"""Sign-in protection that an attacker cannot turn against the account's owner.

Two limits work together:

* django-axes locks out a username *from one client address* after ``AXES_FAILURE_LIMIT``
  failures. Behind a reverse proxy every request comes from the proxy's address, so the client's
  address is read from the proxy's header (``client_ip``), trusting exactly as many hops as
  ``OPSPORTAL_TRUSTED_PROXY_COUNT`` says — a client cannot forge its way past a trusted proxy,
  and a stranger's failures no longer lock the owner out.
* A soft limit per username across all addresses (``soft_limit_wait``): after
  ``OPSPORTAL_SIGNIN_SOFT_LIMIT`` failures within ``OPSPORTAL_SIGNIN_SOFT_WINDOW`` seconds, each
  further attempt must wait ``OPSPORTAL_SIGNIN_SOFT_DELAY`` seconds after the last failure. It
  slows guessing from many addresses to a few attempts a minute, and never locks anyone out: the
  owner is at most asked to wait a few seconds. A refused attempt checks no password and counts
  as no failure.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- the client's address behind trusted proxies ----------------------------------------------
def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip().split("%")[0]))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client, as the trusted proxies saw it (``AXES_CLIENT_IP_CALLABLE``).

    Each trusted proxy appends the address it received the request from to the header
    (``X-Forwarded-For`` by default). With N trusted proxies the client is the N-th entry from
    the right; anything left of it was written by the client and is not believed. With no
    trusted proxy (the default) the connecting address is the client.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = int(_setting("OPSPORTAL_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    header = request.META.get(_setting("OPSPORTAL_TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR"), "")
    hops = [hop for hop in (header or "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote  # not through the configured proxies: the connection is all we know
    return _valid(hops[-count]) or remote


# --- the per-username soft limit ---------------------------------------------------------------
def _key(username: str) -> str:
    return "signin-soft:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _window() -> int:
    return int(_setting("OPSPORTAL_SIGNIN_SOFT_WINDOW", 15 * 60))


def soft_limit_wait(username: str | None, now: float | None = None) -> int:
    """Seconds to wait before this username may try again (0: go ahead)."""
    if not username:
        return 0
    now = time.time() if now is None else now
    failures = [t for t in cache.get(_key(username), []) if t > now - _window()]
    if len(failures) < int(_setting("OPSPORTAL_SIGNIN_SOFT_LIMIT", 10)):
        return 0
    ready_at = max(failures) + int(_setting("OPSPORTAL_SIGNIN_SOFT_DELAY", 10))
    return max(0, int(ready_at - now + 0.999))


def record_failure(username: str | None, now: float | None = None) -> None:
    if not username:
        return
    now = time.time() if now is None else now
    limit = int(_setting("OPSPORTAL_SIGNIN_SOFT_LIMIT", 10))
    failures = [t for t in cache.get(_key(username), []) if t > now - _window()]
    cache.set(_key(username), (failures + [now])[-(limit + 1) :], _window())


@receiver(user_login_failed, dispatch_uid="opsportal.signin.record_failure")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(credentials.get("username"))


WAIT_MESSAGE = _("Too many failed sign-ins for this account. Wait %(seconds)d seconds and try again.")


class SoftLimitMixin:
    """Asks to wait, before any password is checked, while the username is being slowed."""

    def clean(self):
        wait = soft_limit_wait(self.cleaned_data.get("username"))
        if wait:
            raise ValidationError(WAIT_MESSAGE, code="wait", params={"seconds": wait})
        return super().clean()


class SignInForm(SoftLimitMixin, AuthenticationForm):
    """The portal's sign-in form."""


class AdminSignInForm(SoftLimitMixin, AdminAuthenticationForm):
    """The admin's sign-in form: the same limit at the admin's door."""
