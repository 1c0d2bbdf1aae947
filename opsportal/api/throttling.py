from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """One budget per API token (or signed-in user, or address)."""

    scope = "token"

    def get_cache_key(self, request, view):
        user = request.user
        if getattr(user, "is_token", False):
            ident = f"token-{user.token.pk}"
        elif user and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
