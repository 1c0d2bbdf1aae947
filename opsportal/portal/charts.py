"""Serving server-drawn charts to pages: SVG from its own URL, cached.

Matplotlib's SVG styles its shapes with style attributes; the page's CSP forbids inline
style, so a chart is an <img> whose own response allows them (and nothing else).

A chart's URL names the language, calendar and country it is drawn for (``chart_query``):
the browser keeps a chart for five minutes, and a chart URL that stayed the same across a
language switch showed the Thai reader the Indonesian "15 jt". The server's cache key is
built from the same values, so two readers never share a picture drawn for the other.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from opsportal import l10n

CHART_CSP = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]}
CACHE_SECONDS = 10 * 60


def chart_query(country=None, **extra) -> str:
    """``lang=th&era=be&country=TH``: what a chart's picture depends on, for its URL."""
    params = {"lang": translation.get_language() or "en"}
    if l10n.buddhist_era_preferred() and l10n.base_language() == "th":
        params["era"] = "be"
    if country is not None:
        params["country"] = getattr(country, "code", country)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


@contextlib.contextmanager
def _as_requested(request):
    """Draw in the language and calendar the URL names (a stale page's URL keeps its own).

    A language the portal does not speak is ignored: the request's own language stands.
    """
    lang = l10n.supported_language(request.GET.get("lang")) or translation.get_language()
    era = request.GET.get("era") == "be"
    with l10n.override(lang, buddhist_era=era):
        yield lang, era


def svg_response(request, key_parts: tuple, draw: Callable[[], bytes]) -> HttpResponse:
    """The chart for ``key_parts`` in the URL's language and calendar, drawn once when missing."""
    with _as_requested(request) as (lang, era):
        raw = "|".join(str(p) for p in (*key_parts, lang, "be" if era else "ce"))
        key = "portal-chart:" + hashlib.sha1(raw.encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = draw()
            cache.set(key, svg, CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Language"] = lang
    response._csp_replace = CHART_CSP
    return response
