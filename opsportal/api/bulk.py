"""The ``POST …/bulk`` answer every ingestion endpoint shares: the envelope, the row limit as 413."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.response import Response

from opsportal.ingest import TooManyRows

from .errors import PayloadTooLarge


class BulkResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


def bulk_response(request, ingest, access) -> Response:
    """Hand ``{"rows": [...]}`` to an app's ingestion service and answer with its counts."""
    data = request.data
    if not isinstance(data, dict) or "rows" not in data:
        raise serializers.ValidationError({"rows": [_('Send {"rows": [...]}.')]})
    try:
        result = ingest(data["rows"], access=access)
    except TooManyRows as exc:
        raise PayloadTooLarge(str(exc))
    return Response(result.as_dict())
