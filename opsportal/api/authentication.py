from django.db import connection
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from opsportal.audit import set_actor
from opsportal.db import Door

from .compiled import CompiledQuery
from .compiled import available as compiled_available


class TokenUser:
    """Stands in for request.user when an integration calls with its token."""

    is_token = True
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None

    def __init__(self, token):
        self.token = token
        self.username = f"token:{token.name}"

    def __str__(self) -> str:
        return self.username


def _token_query(stand):
    from django.contrib.postgres.expressions import ArraySubquery

    from opsportal.models import ApiToken

    through = ApiToken.countries.through
    return (
        ApiToken.objects.filter(key_hash=stand.text)
        .annotate(country_ids=ArraySubquery(through.objects.filter(apitoken_id=OuterRef("pk")).values("country_id")))
        .values(*(f.attname for f in _token_fields()), "country_ids")[:1]
    )


def _token_fields():
    from opsportal.models import ApiToken

    return ApiToken._meta.concrete_fields


_TOKEN = CompiledQuery(_token_query)


def _token(key_hash: str):
    """The token with this hash. On PostgreSQL its country ids come in the same, precompiled,
    query (access_for_token reads them): authentication is one statement per request."""
    from opsportal.models import ApiToken

    if not compiled_available():
        return ApiToken.objects.filter(key_hash=key_hash).first()
    rows = _TOKEN.rows(text=key_hash)
    if not rows:
        return None
    row, fields = rows[0], _token_fields()
    values = [
        f.from_db_value(row[f.attname], None, connection) if hasattr(f, "from_db_value") else row[f.attname]
        for f in fields
    ]
    token = ApiToken.from_db(connection.alias, [f.attname for f in fields], values)
    token.country_ids = row["country_ids"]
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; only the key's hash is stored and compared."""

    keyword = "Bearer"

    def authenticate(self, request):
        from opsportal.models import ApiToken

        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        token = _token(ApiToken.hash_key(key))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if not token.is_active:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        now = timezone.now()
        # Write last_used_at at most once a minute: a busy integration must not write per request.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        set_actor(Door.API, token=token)
        return TokenUser(token), token

    def authenticate_header(self, request):
        return self.keyword
