"""API tokens: made and revoked here, whichever door asks (the admin, ``create_api_token``).

A token's key is shown once: only its hash is stored. Each change leaves one audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .audit import record_batch
from .models import ApiToken


def _summary(token: ApiToken, codes: Iterable[str]) -> str:
    return f"API token {token.name} ({token.prefix}…): scopes {', '.join(token.scopes)}; countries {', '.join(codes)}"


@transaction.atomic
def api_token_create(token: ApiToken, *, countries: Iterable, by=None) -> str:
    """Validate and store a new token for these countries; return its key (shown once)."""
    key = ApiToken.generate_key()
    token.set_key(key)
    token.created_by = by if getattr(by, "pk", None) else None
    token.full_clean()  # the name is unique, an expiry is ahead (ApiToken.clean)
    token.save()
    token.countries.set(countries)
    codes = sorted(country.code for country in token.countries.all())
    record_batch("token.create", ApiToken, summary=_summary(token, codes), details={"token_id": token.pk})
    return key


def api_token_changed(token: ApiToken) -> None:
    """Record a token's new name, scopes, countries or expiry (saved by the caller)."""
    codes = sorted(country.code for country in token.countries.all())
    record_batch("token.change", ApiToken, summary=_summary(token, codes), details={"token_id": token.pk})


@transaction.atomic
def api_tokens_revoke(tokens) -> int:
    """Revoke the tokens not revoked yet (they stay, so the audit trail keeps pointing at them)."""
    to_revoke = list(tokens.filter(revoked_at__isnull=True).values_list("pk", "name"))
    ApiToken.objects.filter(pk__in=[pk for pk, _name in to_revoke]).update(revoked_at=timezone.now())
    for pk, name in to_revoke:
        record_batch("token.revoke", ApiToken, summary=f"API token {name} revoked", details={"token_id": pk})
    return len(to_revoke)
