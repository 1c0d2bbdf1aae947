"""Serving server-drawn charts to pages: SVG from its own URL, cached.

Matplotlib's SVG styles its shapes with style attributes; the page's CSP forbids inline
style, so a chart is an <img> whose own response allows them (and nothing else).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

CHART_CSP = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]}
CACHE_SECONDS = 10 * 60


def svg_response(key_parts: tuple, draw: Callable[[], bytes]) -> HttpResponse:
    """The chart for ``key_parts`` from the cache, drawn once when missing."""
    raw = "|".join(str(p) for p in (*key_parts, translation.get_language()))
    key = "portal-chart:" + hashlib.sha1(raw.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    response._csp_replace = CHART_CSP
    return response
