"""The country dashboard: what a team needs to see first thing in the morning.

Every block is one or two set-based queries, so the page costs the same with ten
challenges or ten thousand.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from challenges.models import Challenge, Status
from challenges.selectors import live_challenges_with_change, trend_annotations
from events.models import Event, Partner
from events.selectors import cold_partners, overdue_tasks, upcoming_events
from goals.selectors import country_attainment
from influencers.gains import top_week_gains
from influencers.models import Influencer, InfluencerInteraction
from influencers.selectors import cold_influencers, new_core_count
from locales.models import (
    CulturalMomentOccurrence,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
)
from locales.selectors import contacts_overdue, empty_request_figures, open_incidents, request_figures
from opsportal.access import Perm, in_country
from opsportal.charts import line_chart
from opsportal.portal.charts import svg_response
from opsportal.portal.mixins import portal_render, portal_view, scoped, user_countries

STALE_METRICS = dt.timedelta(days=2)


def top_follower_gains(country, today: dt.date, *, limit: int = 5) -> list[dict]:
    """The week's top gains of the country's core influencers: stored by ingestion and the beat
    task (``influencers.gains``), the stale ones computed live, so never older than the counts."""
    rows = top_week_gains(in_country(Influencer.objects.all(), country), today, limit=limit)
    return [{"influencer": row, "gain": row.gain} for row in rows]


def _core_figures(core, today: dt.date) -> dict:
    """How many core influencers, and how many became core this week: one pass over the partial
    index of core rows (both counts name no column outside it, so the heap is not read)."""
    figures = core.aggregate(core_count=Count("*"), core_new=new_core_count(today - dt.timedelta(days=7)))
    return {"core_count": figures["core_count"], "core_new": figures["core_new"]}


def dashboard_data(request) -> dict:
    country = request.country
    access = request.access
    zone = country.zone
    now = timezone.now()
    today = timezone.localdate(timezone=zone)
    government = access.can(Perm.GOVERNMENT_VIEW, country.pk)

    influencers = scoped(request, in_country(Influencer.objects.all(), country))
    core = influencers.filter(is_core=True)
    overdue = overdue_tasks(country, today=today)
    follow_ups = (
        in_country(InfluencerInteraction.objects.filter(follow_up_done=False, next_follow_up_on__lte=today), country)
        .select_related("influencer")
        .order_by("next_follow_up_on")
    )
    stale = in_country(Challenge.objects.filter(status=Status.LIVE), country).filter(
        Q(metrics_at__isnull=True) | Q(metrics_at__lt=now - STALE_METRICS)
    )
    launching = in_country(
        Challenge.objects.filter(status=Status.PLANNED, starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=3)),
        country,
    )
    moments = (
        in_country(
            CulturalMomentOccurrence.objects.filter(ends_on__gte=today, starts_on__lte=today + dt.timedelta(days=60)),
            country,
        )
        .select_related("moment")
        .annotate(
            planned=Exists(Challenge.objects.filter(cultural_moment=OuterRef("moment_id")).exclude(status=Status.ENDED))
            | Exists(Event.objects.filter(cultural_moment=OuterRef("moment_id"), starts_at__date__gte=today))
        )
        .order_by("starts_on")
    )
    moments = list(moments[:8])

    data = {
        "nav": "dashboard",
        "today": today,
        "live": live_challenges_with_change(country, today=today),
        **_core_figures(core, today),
        "gains": top_follower_gains(country, today),
        "upcoming": list(upcoming_events(country, now=now).select_related("owner")[:10]),
        "overdue": list(overdue[:10]),
        "overdue_count": overdue.count(),
        "moments": moments,
        "government": government,
        "scorecard": country_attainment(country, now=now),
    }
    attention = []
    if data["overdue_count"]:
        attention.append(
            {
                "text": ngettext("%(n)d event task is overdue", "%(n)d event tasks are overdue", data["overdue_count"])
                % {"n": data["overdue_count"]},
                "url": "#overdue",
            }
        )
    n_follow = follow_ups.count()
    if n_follow:
        attention.append(
            {
                "text": ngettext("%(n)d influencer follow-up is due", "%(n)d influencer follow-ups are due", n_follow)
                % {"n": n_follow},
                "url": "#follow-ups",
            }
        )
    data["follow_ups"] = list(follow_ups[:8])
    # Relationships going cold: the same rule as the weekly digest and the report.
    cold_people = cold_influencers(country, now=now, queryset=influencers)
    cold_orgs = cold_partners(country, now=now, queryset=scoped(request, Partner.objects.all()))
    data["cold_influencers"] = list(cold_people[:5])
    data["cold_partners"] = list(cold_orgs[:5])
    data["cold_count"] = cold_people.count() + cold_orgs.count()
    data["cold_days"] = country.cold_after_days
    if data["cold_count"]:
        attention.append(
            {
                "text": ngettext(
                    "%(n)d relationship is going cold", "%(n)d relationships are going cold", data["cold_count"]
                )
                % {"n": data["cold_count"]},
                "url": "#cold",
            }
        )
    for challenge in stale[:5]:
        attention.append(
            {
                "text": _("#%(tag)s is live but its metrics are stale") % {"tag": challenge.hashtag},
                "challenge": challenge,
            }
        )
    for challenge in launching[:5]:
        attention.append({"text": _("#%(tag)s launches soon") % {"tag": challenge.hashtag}, "challenge": challenge})
    for occ in moments:
        if not occ.planned and occ.starts_on <= today + dt.timedelta(days=30):
            attention.append({"text": _("%(moment)s is coming with nothing planned") % {"moment": occ.moment.name}})
    if government:
        incidents = open_incidents(scoped(request, RegulatoryIncident.objects.all()), country)
        overdue_contacts = contacts_overdue(scoped(request, GovernmentContact.objects.all()), country)
        gov_follow_ups = scoped(request, in_country(GovernmentInteraction.objects.all(), country)).filter(
            follow_up_on__lte=today, follow_up_on__gte=today - dt.timedelta(days=30)
        )
        data["incidents"] = list(incidents[:5])
        data["overdue_contacts"] = list(overdue_contacts.order_by("last_contacted_at")[:5])
        data["overdue_contacts_count"] = overdue_contacts.count()
        data["requests"] = request_figures(
            scoped(request, in_country(RegulatorRequest.objects.all(), country)), now=now
        ).get(country.pk, empty_request_figures())
        if data["requests"]["overdue"]:
            attention.append(
                {
                    "text": ngettext(
                        "%(n)d regulator request is past its deadline",
                        "%(n)d regulator requests are past their deadline",
                        data["requests"]["overdue"],
                    )
                    % {"n": data["requests"]["overdue"]},
                    "url": reverse("locales:requests") + "?overdue=true",
                }
            )
        n_gov = gov_follow_ups.count()
        if n_gov:
            attention.append(
                {
                    "text": ngettext("%(n)d government follow-up is due", "%(n)d government follow-ups are due", n_gov)
                    % {"n": n_gov},
                    "url": "#government",
                }
            )
        if data["incidents"]:
            attention.append(
                {
                    "text": ngettext(
                        "%(n)d regulatory incident is open",
                        "%(n)d regulatory incidents are open",
                        len(data["incidents"]),
                    )
                    % {"n": len(data["incidents"])},
                    "url": "#government",
                }
            )
    data["attention"] = attention
    return data


@portal_view
def dashboard(request):
    from opsportal.portal.mixins import SESSION_KEY

    from .hq import is_hq

    if SESSION_KEY not in request.session and is_hq(request.access):
        # HQ has not chosen a country yet: the overview, not the first country alphabetically.
        return redirect("portal:hq_overview")
    return portal_render(request, "portal/dashboard.html", dashboard_data(request))


@portal_view
def dashboard_chart(request):
    """Daily views of the live challenges over the last 14 days, with the reasons marked."""
    # The URL names its country (the picture must match its URL); one of the person's own only.
    wanted = request.GET.get("country", "")
    country = next((c for c in user_countries(request) if c.code == wanted), request.country)
    today = timezone.localdate(timezone=country.zone)
    government = request.access.can(Perm.GOVERNMENT_VIEW, country.pk)

    def draw() -> bytes:
        live = live_challenges_with_change(country, today=today, limit=5)
        series = {f"#{row['challenge'].hashtag}": row["series"] for row in live}
        notes = trend_annotations(country, today - dt.timedelta(days=14), today, government=government)
        return line_chart(series, annotations=notes, empty_text=_("No live challenge"))

    last = in_country(Challenge.objects.filter(status=Status.LIVE), country).aggregate(m=Max("metrics_at"))["m"]
    return svg_response(request, ("dashboard", country.pk, today, last, government), draw)
