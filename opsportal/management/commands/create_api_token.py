"""Create an integration's API token and print its key once (only the hash is stored)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.models import ApiToken, Country, Scope
from opsportal.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for an integration; the key is printed once and cannot be shown again."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="A unique name, e.g. 'warehouse-sync'.")
        parser.add_argument("--countries", required=True, help="Country codes, comma-separated: ID,TH.")
        parser.add_argument(
            "--scopes", default="read", help=f"Comma-separated, from: {', '.join(Scope.values)} (default: read)."
        )
        parser.add_argument("--expires-days", type=int, default=None, help="Expire after this many days.")

    def handle(self, *args, name, countries, scopes, expires_days, **options):
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name.")
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(f"A token named {name!r} already exists.")
        codes = sorted({c.strip().upper() for c in countries.split(",") if c.strip()})
        found = {c.code: c for c in Country.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if not codes or missing:
            raise CommandError(f"Unknown country code(s): {', '.join(missing) or '(none given)'}.")
        wanted = sorted({s.strip().lower() for s in scopes.split(",") if s.strip()})
        unknown = [s for s in wanted if s not in Scope.values]
        if not wanted or unknown:
            raise CommandError(
                f"Unknown scope(s): {', '.join(unknown) or '(none given)'}; use {', '.join(Scope.values)}."
            )
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")

        token = ApiToken(name=name, scopes=wanted)
        if expires_days:
            token.expires_at = timezone.now() + dt.timedelta(days=expires_days)
        # The admin's service: the key, the checks, the audit entry.
        try:
            with audit_context(Door.COMMAND):
                key = api_token_create(token, countries=found.values())
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items()))
        self.stdout.write(f"Token {name!r} for {', '.join(codes)} with scopes {', '.join(wanted)}.")
        if token.expires_at:
            self.stdout.write(f"Expires at {token.expires_at:%Y-%m-%d %H:%M} UTC.")
        self.stdout.write("Key (shown once, store it now):")
        self.stdout.write(key)
