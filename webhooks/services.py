"""Who receives an event, how a delivery is signed and sent, and what a failure does.

Guarantees:
- A subscription receives an event only within its countries and its owner's current rights;
  government events only with ``allow_government`` and the country listed explicitly, finance
  events (fees, payments) only with ``allow_finance`` and the country listed explicitly.
- A delivery is an outbox row: claiming it under a lease, backoff with jitter, retry or give up,
  and the sweep that recovers a lost one are the outbox core's (``opsportal.outbox``), as for
  email. What is the webhook's own is here: who receives, signing, the SSRF-checked request,
  the attempt log, and disabling a subscription after ``OPSPORTAL_WEBHOOK_DISABLE_AFTER``
  deliveries in a row that gave up (each after ``OPSPORTAL_WEBHOOK_MAX_ATTEMPTS`` attempts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from opsportal import outbox
from opsportal.access import Perm, access_for_token, access_for_user
from opsportal.outbox import Outcome

from .models import (
    FINANCE_EVENTS,
    GOVERNMENT_EVENTS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
    generate_secret,
)

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-OpsPortal-Signature"
TIMESTAMP_HEADER = "X-OpsPortal-Timestamp"
EVENT_HEADER = "X-OpsPortal-Event"
DELIVERY_HEADER = "X-OpsPortal-Delivery"
USER_AGENT = "OpsPortal-Webhooks/1.0"
BACKOFF_BASE = 30  # seconds before the first retry; doubles each time
BACKOFF_MAX = 6 * 60 * 60


def max_attempts() -> int:
    return getattr(settings, "OPSPORTAL_WEBHOOK_MAX_ATTEMPTS", 8)


def stuck_after() -> dt.timedelta:
    """How long an attempt holds its delivery (longer than the request's timeout)."""
    return dt.timedelta(seconds=getattr(settings, "OPSPORTAL_WEBHOOK_STUCK_AFTER", 120))


def enqueue_lease() -> dt.timedelta:
    """After a delivery is handed to the broker, how long before the sweep hands it again."""
    return dt.timedelta(seconds=getattr(settings, "OPSPORTAL_WEBHOOK_ENQUEUE_LEASE", 120))


POLICY = outbox.Policy(
    name="webhook",
    max_attempts=max_attempts,
    retry_base=lambda: BACKOFF_BASE,
    stuck_after=stuck_after,
    enqueue_lease=enqueue_lease,
    retry_cap=BACKOFF_MAX,
)


def disable_after() -> int:
    return getattr(settings, "OPSPORTAL_WEBHOOK_DISABLE_AFTER", 10)


def request_timeout() -> float:
    return getattr(settings, "OPSPORTAL_WEBHOOK_TIMEOUT", 10)


# --- who receives what -------------------------------------------------------------------
def _owner_access(sub: WebhookSubscription):
    if sub.owner_token_id:
        return access_for_token(sub.owner_token)
    if sub.owner_id:
        return access_for_user(sub.owner)
    return None  # made by an administrator: its countries and flag are the whole rule


def may_receive(sub: WebhookSubscription, event_type: str, country_id: int | None) -> bool:
    if not sub.is_enabled or event_type not in sub.event_types:
        return False
    country_ids = {c.pk for c in sub.countries.all()}
    government = event_type in GOVERNMENT_EVENTS
    finance = event_type in FINANCE_EVENTS
    listed = country_id is not None and country_id in country_ids
    if government and not (sub.allow_government and listed):
        return False
    if finance and not (sub.allow_finance and listed):
        return False
    if country_ids and country_id not in country_ids:
        return False
    access = _owner_access(sub)
    if access is None:
        return True
    perm = Perm.GOVERNMENT_VIEW if government else Perm.FINANCE_VIEW if finance else Perm.VIEW
    if country_id is None:
        return access.country_ids(perm) is None  # a cross-country event needs all-country rights
    return access.can(perm, country_id)


def subscriptions_for(event_type: str, country_id: int | None) -> list[WebhookSubscription]:
    subs = (
        WebhookSubscription.objects.filter(active=True, disabled_at__isnull=True)
        .select_related("owner", "owner_token")
        .prefetch_related("countries")
    )
    # Event types are filtered in Python: few subscriptions, and SQLite cannot query JSON lists.
    return [sub for sub in subs if may_receive(sub, event_type, country_id)]


def create_deliveries(
    subscriptions: list[WebhookSubscription], event_type: str, country_id: int | None, payload: dict
) -> list[WebhookDelivery]:
    """One queued delivery per subscription (from ``subscriptions_for``), leased to the task sent now."""
    deliveries = []
    leased_until = timezone.now() + enqueue_lease()
    for sub in subscriptions:
        delivery = WebhookDelivery(
            subscription=sub, event_type=event_type, country_id=country_id, next_attempt_at=leased_until
        )
        delivery.payload = {**payload, "id": str(delivery.uuid)}
        deliveries.append(delivery)
    return WebhookDelivery.objects.bulk_create(deliveries)


# --- signing ---------------------------------------------------------------------------------
def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw request body with the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does (also used by the tests): compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def build_request(delivery: WebhookDelivery, *, now: float | None = None) -> tuple[bytes, dict[str, str]]:
    """The body (with the send time inside, so the signature covers it) and the headers."""
    timestamp = int(now if now is not None else time.time())
    body = json.dumps({**delivery.payload, "timestamp": timestamp}, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.uuid),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.subscription.secret, body),
    }
    return body, headers


# --- sending -----------------------------------------------------------------------------------
def private_addresses_allowed() -> bool:
    """Webhooks to loopback or private networks: off in production (a subscriber could otherwise
    make the server probe its own network), on for tests with a receiver on loopback."""
    return getattr(settings, "OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE", False)


def _is_internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified


def resolves_internally(host: str) -> bool:
    """Does the host name an internal address (or resolve to one)? Unresolvable hosts fail on send."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return any(_is_internal(ipaddress.ip_address(info[4][0].split("%")[0])) for info in infos)


class Unsafe(Exception):
    """The target cannot be sent to: it does not resolve, or it resolves to an internal address."""


def resolve_checked(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, once, after checking each of them.

    The delivery then connects to one of exactly these (``post`` pins them): resolving again
    in the HTTP client would let a DNS answer change between the check and the connection
    (DNS rebinding) and reach an internal address that was never checked.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unsafe(f"Cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Unsafe(f"Cannot resolve {host}")
    if not private_addresses_allowed() and any(
        _is_internal(ipaddress.ip_address(address.split("%")[0])) for address in addresses
    ):
        raise Unsafe(f"Refused: {host} is a loopback or private-network address")
    return addresses


def _pinned(addresses: list[str]):
    """A ``socket.create_connection`` for http.client that dials only the checked addresses.

    http.client still knows the host by name, so the Host header, TLS SNI and the certificate
    check all use the name, while the TCP connection goes to an address that was checked.
    """

    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
        _host, port = address[:2]
        error: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error or OSError("no address to connect to")

    return create_connection


def literal_internal_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return _is_internal(ipaddress.ip_address(host))
    except ValueError:
        return False


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST and return (status code or None, error text; empty on a 2xx).

    http.client rather than urllib: headers keep their spelling, and a redirect is never
    followed (a signed body must not be replayed to another address): it counts as a failure.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, f"Not an http(s) URL: {url}"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None, f"Not an http(s) URL: {url}"
    try:
        addresses = resolve_checked(parts.hostname, port)
    except Unsafe as exc:
        return None, str(exc)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, port, timeout=request_timeout())
    # Connect to the address that was checked, never to a second DNS answer (see resolve_checked).
    connection._create_connection = _pinned(addresses)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        detail = response.read(500).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"HTTP {response.status} {response.reason}: {detail}".strip()


def backoff(attempt: int) -> int:
    """Seconds before retry number ``attempt``: 30 s, 1 min, 2 min, ... with ±10 % jitter."""
    return outbox.backoff(POLICY, attempt)


def classify(code: int | None, error: str) -> str:
    """Every failed attempt may succeed later (the receiver is down, overloaded, misconfigured
    for now), except a URL no request can be made to."""
    if code is None and error.startswith("Not an http(s) URL"):
        return outbox.PERMANENT
    return outbox.TEMPORARY


def _start_attempt(delivery: WebhookDelivery) -> list[str]:
    delivery.last_attempt_at = timezone.now()
    return ["last_attempt_at"]


def attempt_delivery(delivery_id: int) -> Outcome:
    """Send one delivery once and log the attempt. ``retry_in`` says when to try again."""
    rows = WebhookDelivery.objects.select_related("subscription")
    delivery = outbox.claim(rows, delivery_id, POLICY, on_claim=_start_attempt)
    if delivery is None:
        current = WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return Outcome(current or DeliveryStatus.SKIPPED)  # already done or being sent: a duplicate task
    sub = delivery.subscription
    if not sub.is_enabled:
        return outbox.skipped(delivery, "The subscription is disabled.")

    body, headers = build_request(delivery)
    started = time.monotonic()
    outbox.renew_lease(delivery, POLICY)
    code, error = post(sub.url, body, headers)
    logged = {
        "response_code": code,
        "attempt_log": [
            *delivery.attempt_log,
            {
                "at": delivery.last_attempt_at.isoformat(),
                "response_code": code,
                "error": error[:300],
                "ms": int((time.monotonic() - started) * 1000),
            },
        ],
    }
    if code is not None and 200 <= code < 300:
        outcome = outbox.succeeded(delivery, **logged)
        WebhookSubscription.objects.filter(pk=sub.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return outcome
    outcome = outbox.failed(delivery, POLICY, classify(code, error), error, label=str(delivery.uuid), **logged)
    if outcome.status == DeliveryStatus.FAILED:
        subscription_record_failure(sub.pk)
    return outcome


@transaction.atomic
def subscription_record_failure(subscription_id: int) -> None:
    """A delivery gave up: count it, and disable the subscription after too many in a row."""
    WebhookSubscription.objects.filter(pk=subscription_id).update(consecutive_failures=F("consecutive_failures") + 1)
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    if sub.disabled_at is None and sub.consecutive_failures >= disable_after():
        sub.disabled_at = timezone.now()
        sub.disabled_reason = f"{sub.consecutive_failures} deliveries in a row failed."
        sub.save(update_fields=["disabled_at", "disabled_reason"])
        log.warning("Webhook subscription %s disabled after %s failures", sub.pk, sub.consecutive_failures)


def subscription_enable(sub: WebhookSubscription) -> WebhookSubscription:
    """Turn a disabled subscription back on, with a clean failure count."""
    sub.active = True
    sub.disabled_at = None
    sub.disabled_reason = ""
    sub.consecutive_failures = 0
    sub.save(update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures", "updated_at"])
    return sub


def subscription_rotate_secret(sub: WebhookSubscription) -> WebhookSubscription:
    """A new signing secret; deliveries signed from now on use it (the old one stops verifying)."""
    sub.secret = generate_secret()
    sub.save(update_fields=["secret", "updated_at"])
    return sub


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Deliveries to hand to a worker again: a retry whose time came, a lost task, a dead sender."""
    return outbox.sweep(WebhookDelivery, POLICY, now)


def stuck_deliveries() -> Iterable[int]:
    """The sweep, by the name the periodic task used before the outbox core."""
    return sweep()


# --- managing subscriptions ---------------------------------------------------------------------
def subscription_validate(
    access, *, url: str, event_types: list[str], countries, allow_government: bool, allow_finance: bool = False
) -> None:
    """Refuse (ValidationError naming the field) a subscription beyond the caller's rights."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    errors: dict[str, str] = {}
    if getattr(settings, "OPSPORTAL_WEBHOOK_REQUIRE_HTTPS", not settings.DEBUG) and not url.startswith("https://"):
        errors["url"] = _("Use an https:// address.")
    elif not private_addresses_allowed() and literal_internal_host(url):
        errors["url"] = _("Webhooks cannot be sent to loopback or private-network addresses.")
    if not event_types:
        errors["event_types"] = _("Choose at least one event type.")
    wants_government = bool(set(event_types) & GOVERNMENT_EVENTS)
    if wants_government and not allow_government:
        errors["allow_government"] = _("Government events need allow_government set.")
    country_ids = {c.pk for c in countries}
    readable = access.country_ids(Perm.VIEW)
    if readable is not None and not country_ids <= readable:
        errors["countries"] = _("You may only subscribe to countries you can read.")
    if allow_government:
        if not country_ids:
            errors["countries"] = _("Government events need the countries listed explicitly.")
        elif not all(access.can(Perm.GOVERNMENT_VIEW, cid) for cid in country_ids):
            errors["allow_government"] = _("You do not have government access in every listed country.")
    if set(event_types) & FINANCE_EVENTS and not allow_finance:
        errors["allow_finance"] = _("Finance events need allow_finance set.")
    if allow_finance:
        if not country_ids:
            errors["countries"] = _("Finance events need the countries listed explicitly.")
        elif not all(access.can(Perm.FINANCE_VIEW, cid) for cid in country_ids):
            errors["allow_finance"] = _("You do not have finance access in every listed country.")
    if errors:
        raise ValidationError(errors)
