"""One search box: challenges, influencers, events, partners and, for those roles, government
contacts and regulator requests, creator agreements and budget lines, in the current country
(``search.services.search_all`` does the matching and scoping)."""

from __future__ import annotations

from django.urls import reverse

from opsportal.db_router import Reads, heavy_reads
from opsportal.portal.mixins import portal_render, portal_view
from opsportal.search import MAX_QUERY

from .services import search_all

PER_KIND = 10
MORE_LISTS = {"challenge": "challenges:list", "influencer": "influencers:list", "event": "events:list"}


@portal_view
def search(request):
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    groups = []
    if q:
        # On the read replica when configured and caught up (opsportal.db_router): search is read
        # by everyone, all day, and never right after a write of the same request.
        with heavy_reads(Reads.PAGE):
            groups = search_all(request.access, q, limit=PER_KIND, country_id=request.country.pk)
    for group in groups:
        group.more_url = reverse(MORE_LISTS[group.kind]) if group.has_more and group.kind in MORE_LISTS else ""
    total = sum(len(group.hits) for group in groups)
    return portal_render(request, "portal/search.html", {"search_query": q, "groups": groups, "total": total})
