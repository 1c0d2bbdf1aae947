"""The API's schema and docs page, served fast: the schema is built once per language and version.

drf-spectacular walks every viewset and serializer on each request (0.8–2.4 s here). The schema
only changes with the code, so it is kept in the cache under the code's version and the language
(descriptions and enum labels are translated); a deploy brings a new version and a new key.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

SCHEMA_CACHE_SECONDS = 60 * 60


def _code_version() -> str:
    spectacular = getattr(settings, "SPECTACULAR_SETTINGS", {})
    return hashlib.sha1(repr(sorted(spectacular.items(), key=str)).encode()).hexdigest()[:12] + str(
        spectacular.get("VERSION", "")
    )


class CachedSchemaView(SpectacularAPIView):
    """The OpenAPI schema, rendered once per (language, format, version) and kept in the cache.

    Permissions still run first on every request (only signed-in staff and token holders see it).
    """

    @extend_schema(exclude=True)  # the schema's own URL is not an endpoint of the API
    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", "") or request.META.get("HTTP_ACCEPT", "")
        key = (
            "api-schema:"
            + hashlib.sha1(
                f"{_code_version()}|{translation.get_language()}|{fmt}|{request.get_host()}".encode()
            ).hexdigest()
        )
        cached = cache.get(key)
        if cached is not None:
            body, content_type = cached
            return HttpResponse(body, content_type=content_type)
        response = super().get(request, *args, **kwargs)
        response = self.finalize_response(request, response, *args, **kwargs)
        response.render()
        if response.status_code == 200:
            cache.set(key, (response.content, response["Content-Type"]), SCHEMA_CACHE_SECONDS)
        return response
