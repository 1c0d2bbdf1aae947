"""Production settings, headers, sign-in lock-out, sessions, password reset links and API tokens."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.utils import timezone

from opsportal.models import ApiToken, AuditEntry
from tests import factories as fac

from .conftest import bearer
from .world import make_token

pytestmark = pytest.mark.urls("tests.security.urls")
ROOT = Path(__file__).resolve().parents[2]


# --- production settings -------------------------------------------------------------------
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE belongs to this test process, not to production.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "opsportal.example.com",
        "OPSPORTAL_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_or_hosts(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "0", "OPSPORTAL_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


# --- headers ---------------------------------------------------------------------------------
def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_page_carries_csp_without_inline_scripts_and_frame_and_referrer_headers(client, db):
    response = client.get("/accounts/login/")
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    script = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert all(source in ("'self'",) or source.startswith("'nonce-") for source in script)
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src" if "object-src" in csp else "default-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(client, roles):
    client.force_login(roles["id_operator"])
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_api_schema_and_docs_need_sign_in(client, world, tokens, roles):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    assert client.get("/api/v1/schema/", **bearer(tokens["read"][1])).status_code == 200
    client.force_login(roles["id_viewer"])
    assert client.get("/api/docs/").status_code == 200


# --- sign-in lock-out --------------------------------------------------------------------------
def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_out_that_person_from_that_address(client, roles, settings):
    settings.AXES_ENABLED = True
    cache.clear()
    user = roles["id_operator"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, user.username, "wrong-password").status_code == 200
    locked = _login(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused now, from that address...
    assert _login(client, user.username, fac.PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the same person from elsewhere, and others from here, are not locked out.
    assert _login(client, user.username, fac.PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, roles["id_viewer"].username, fac.PASSWORD).status_code == 302


def test_password_validators_refuse_weak_passwords(roles):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1", "password123", "1234567890123", "id-operator-1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=roles["id_operator"])
    validate_password("Songkran-water-fight-2026", user=roles["id_operator"])


# --- sessions and reset links ----------------------------------------------------------------
def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 12 and settings.SESSION_COOKIE_HTTPONLY


def test_password_reset_links_expire(roles, monkeypatch):
    user = roles["id_operator"]
    token = default_token_generator.make_token(user)
    assert default_token_generator.check_token(user, token)
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert not default_token_generator.check_token(user, token)
    assert settings.PASSWORD_RESET_TIMEOUT <= 60 * 60 * 24


def test_sign_out_everywhere_ends_every_session_of_that_person_only(client, roles):
    from django.test import Client

    user, other = roles["id_operator"], roles["id_viewer"]
    phone, laptop, colleague = Client(), Client(), Client()
    for c, who in ((phone, user), (laptop, user), (colleague, other)):
        c.force_login(who)
        assert c.get("/").status_code == 200
    assert laptop.get("/accounts/sign-out-everywhere/").status_code == 200
    response = laptop.post("/accounts/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert phone.get("/").status_code == 302  # back to the sign-in page
    assert laptop.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="sessions.ended")
    assert entry.object_id == str(user.pk) and entry.details == {"count": 2}
    assert client.post("/accounts/sign-out-everywhere/").status_code == 302  # anonymous: to sign-in


# --- API tokens --------------------------------------------------------------------------------
def test_only_the_hash_of_a_token_is_stored(world, tokens):
    token, key = tokens["read"]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored) and stored["key_hash"] == ApiToken.hash_key(key)
    assert stored["prefix"] == key[:8]


def test_expired_revoked_and_unknown_tokens_are_refused(client, world, tokens, expired_token):
    url = "/api/v1/audit/"  # any API URL: authentication comes first
    assert client.get(url, **bearer(tokens["read"][1])).status_code == 403  # known, valid, not allowed here
    response = client.get(url, **bearer(expired_token[1]))
    assert response.status_code == 401 and "expired" in response.content.decode()
    token, key = tokens["write"]
    token.revoked_at = timezone.now()
    token.save()
    response = client.get(url, **bearer(key))
    assert response.status_code == 401 and "revoked" in response.content.decode()
    assert client.get(url, **bearer("ops_not-a-token")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer a b").status_code == 401


def test_a_token_expiring_later_works_until_then(client, world, monkeypatch):
    token, key = make_token("soon", [world.id], ["read"], expires_at=timezone.now() + dt.timedelta(hours=1))
    assert client.get("/api/v1/audit/", **bearer(key)).status_code == 403
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get("/api/v1/audit/", **bearer(key)).status_code == 401


def test_tokens_are_throttled(client, world, tokens, monkeypatch):
    from opsportal.api.throttling import PerTokenThrottle

    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "2/min"})
    cache.clear()
    key = tokens["read"][1]
    statuses = [client.get("/api/v1/", **bearer(key)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    cache.clear()
