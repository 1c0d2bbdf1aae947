"""JSON in and out through orjson: on read-heavy lists the encoder is a visible share of the time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orjson
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import renderers
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser

# UTC written as "Z", as DRF's own DateTimeField does: one spelling of times across the API.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value):
    if isinstance(value, Decimal):
        return str(value)  # money and decimals travel as strings, never floats
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


_TOO_DEEP = _("The JSON document is nested too deeply.")


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class JSONRenderer(renderers.BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)


# How deep a request document may nest. Real payloads of this API are a few levels deep; far
# deeper ones only exist to make a serializer (or a JSONField's validation) recurse until it
# fails. orjson itself stops at 1024 levels, which is already enough to exhaust Python's stack.
MAX_JSON_DEPTH = 100


_CONTAINERS = (dict, list)  # exactly what orjson builds: exact type checks are enough, and twice as fast


def _too_deep(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``data`` (as orjson parsed it) nests more than ``limit`` arrays/objects; level by
    level, so never recursion (a 10,000-row batch is two levels: one pass over its rows)."""
    level = [data] if type(data) in _CONTAINERS else []
    depth = 1
    while level:
        if depth > limit:
            return True
        inner = []
        for value in level:
            children = value.values() if type(value) is dict else value
            inner += [child for child in children if type(child) in _CONTAINERS]
        level, depth = inner, depth + 1
    return False


class JSONParser(BaseParser):
    """The one JSON parser of the API (``DEFAULT_PARSER_CLASSES``): orjson, with a size cap
    (413 above ``DATA_UPLOAD_MAX_MEMORY_SIZE``) and a depth cap (400 above ``MAX_JSON_DEPTH``)."""

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        from .errors import PayloadTooLarge  # not at import: errors imports DRF's views, which import us

        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = 0
        if request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
        if limit and length > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if limit else stream.read()
        if limit and len(body) > limit:
            raise PayloadTooLarge()
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            if "depth" in str(exc):
                raise ParseError(_TOO_DEEP) from None
            raise ParseError(f"JSON parse error - {exc}") from None
        if _too_deep(data):
            raise ParseError(_TOO_DEEP)
        return data


class JSONOnlyNegotiation(BaseContentNegotiation):
    """The API speaks JSON only; ``?format=`` is a filter (a challenge's format), not a renderer."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
