"""``{% export_links "influencers" %}``: CSV and XLSX links for what a list shows right now.

The links carry the list's filters (the request's query string, or ``params`` when the view
restored remembered filters) and, in the portal, the current country.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.urls import reverse

register = template.Library()
CONTROL_PARAMS = {"page", "clear", "view"}


@register.inclusion_tag("exports/_links.html", takes_context=True)
def export_links(context, name: str, params: QueryDict | None = None, country=None):
    request = context.get("request")
    query = (params if params is not None else getattr(request, "GET", QueryDict())).copy()
    for key in CONTROL_PARAMS:
        query.pop(key, None)
    country = country or context.get("country")
    if country is not None and not query.get("country"):
        query["country"] = country.code
    suffix = f"?{query.urlencode()}" if query else ""
    return {
        "csv_url": reverse("exports:list", args=[name, "csv"]) + suffix,
        "xlsx_url": reverse("exports:list", args=[name, "xlsx"]) + suffix,
    }
