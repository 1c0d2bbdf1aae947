from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from opsportal.audit import set_actor
from opsportal.db import Door


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
        token = ApiToken.objects.filter(key_hash=ApiToken.hash_key(key)).first()
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
