"""The portal's search page: every kind of record the reader may see in the current country,
ranked, a few of each. The text matching itself is the floor's (``opsportal.search``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.access import in_country
from opsportal.l10n import country_name
from opsportal.search import candidates, query_words, rank_text


@dataclass
class SearchHit:
    kind: str
    obj: Model
    title: str
    subtitle: str
    url: str  # the record's portal path
    country: Model


@dataclass
class SearchGroup:
    kind: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    has_more: bool = False


# Rows ranked per group and way of matching: a word in every name ranks these, not the country's
# every row (docs/performance.md, Search). Far above a page's ten, so a rarer word ranks all it finds.
CANDIDATES = 200


def _ranked(access, queryset: QuerySet, q: str, country_id: int | None, limit: int, order: str) -> list:
    scoped = access.scope(queryset)
    if country_id is not None:
        scoped = in_country(scoped, country_id)
    found = scoped.filter(pk__in=candidates(scoped, q, max(CANDIDATES, limit + 1)))
    return list(rank_text(found, q).order_by("-search_rank", order, "pk")[: limit + 1])


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def search_all(access, q: str, *, limit: int = 10, country_id: int | None = None) -> list[SearchGroup]:
    """Search influencers, challenges, events, partners, (with the government permission in
    that country) government contacts and regulator requests, and (with the finance permission)
    creator agreements and budget lines, within what ``access`` may read.

    Returns the non-empty groups in that order, each with at most ``limit`` hits, best first,
    and ``has_more`` when more matched. One query per group (two for influencers).
    """
    from challenges.models import Challenge
    from events.models import Event, Partner
    from influencers.models import Influencer, PlatformAccount
    from locales.models import GovernmentContact, RegulatorRequest
    from opsportal.access import Perm
    from opsportal.links import record_path as portal_path

    q = q.replace("\x00", " ")  # PostgreSQL text cannot hold NUL; a pasted one is only noise
    if not query_words(q):
        return []
    groups: list[SearchGroup] = []

    def add(kind, label, rows, make):
        if rows:
            hits = [make(obj) for obj in rows[:limit]]
            groups.append(SearchGroup(kind, str(label), hits, has_more=len(rows) > limit))

    accounts = Prefetch("accounts", queryset=PlatformAccount.objects.only("id", "influencer_id", "platform", "handle"))
    influencers = Influencer.objects.select_related("country").prefetch_related(accounts)
    add(
        "influencer",
        _("Influencers"),
        _ranked(access, influencers, q, country_id, limit, "name"),
        lambda i: SearchHit(
            "influencer",
            i,
            str(i),
            " · ".join([country_name(i.country)] + [f"@{a.handle}" for a in i.accounts.all()]),
            portal_path("influencer", i.pk),
            i.country,
        ),
    )
    add(
        "challenge",
        _("Challenges"),
        _ranked(access, Challenge.objects.select_related("country"), q, country_id, limit, "hashtag"),
        lambda c: SearchHit(
            "challenge",
            c,
            f"#{c.hashtag}",
            " · ".join(p for p in (c.title, c.get_status_display(), country_name(c.country)) if p),
            portal_path("challenge", c.pk),
            c.country,
        ),
    )
    add(
        "event",
        _("Events"),
        _ranked(access, Event.objects.select_related("country"), q, country_id, limit, "-starts_at"),
        lambda e: SearchHit(
            "event",
            e,
            e.name,
            " · ".join(p for p in (_local(e.starts_at), e.city, country_name(e.country)) if p),
            portal_path("event", e.pk),
            e.country,
        ),
    )
    add(
        "partner",
        _("Partners"),
        _ranked(access, Partner.objects.select_related("country"), q, country_id, limit, "name"),
        lambda p: SearchHit("partner", p, p.name, f"{p.get_kind_display()} · {country_name(p.country)}", "", p.country),
    )
    # Government contacts: access.scope() keeps only countries where GOVERNMENT_VIEW holds;
    # without it anywhere the query is not even run.
    if access.can(Perm.GOVERNMENT_VIEW):
        add(
            "government_contact",
            _("Government contacts"),
            _ranked(access, GovernmentContact.objects.select_related("country"), q, country_id, limit, "person_name"),
            lambda g: SearchHit(
                "government_contact",
                g,
                f"{g.person_name} ({g.local_name})" if g.local_name else g.person_name,
                " · ".join(p for p in (g.title, g.organization, country_name(g.country)) if p),
                portal_path("government_contact", g.pk),
                g.country,
            ),
        )
        add(
            "regulator_request",
            _("Regulator requests"),
            _ranked(access, RegulatorRequest.objects.select_related("country"), q, country_id, limit, "-received_at"),
            lambda r: SearchHit(
                "regulator_request",
                r,
                f"{r.authority} · {r.reference}" if r.reference else r.authority,
                " · ".join(
                    p
                    for p in (r.get_kind_display(), r.get_status_display(), _local(r.deadline), country_name(r.country))
                    if p
                ),
                portal_path("regulator_request", r.pk),
                r.country,
            ),
        )
    # Creator agreements (fees) and budget lines: finance viewers only, like government contacts.
    if access.can(Perm.FINANCE_VIEW):
        from agreements.models import Agreement
        from budgets.models import BudgetLine

        add(
            "agreement",
            _("Creator agreements"),
            _ranked(
                access, Agreement.objects.select_related("country", "influencer"), q, country_id, limit, "-created_at"
            ),
            lambda a: SearchHit(
                "agreement",
                a,
                a.title,
                " · ".join(p for p in (a.influencer.name, a.get_status_display(), country_name(a.country)) if p),
                portal_path("agreement", a.pk),
                a.country,
            ),
        )
        lines = BudgetLine.objects.select_related("country", "event", "challenge")
        add(
            "budget_line",
            _("Budget lines"),
            _ranked(access, lines, q, country_id, limit, "pk"),
            lambda b: SearchHit(
                "budget_line",
                b,
                b.description or b.get_category_display(),
                " · ".join(
                    p
                    for p in (
                        b.event.name if b.event_id else f"#{b.challenge.hashtag}",
                        b.get_category_display(),
                        country_name(b.country),
                    )
                    if p
                ),
                # The line is read on its event's or challenge's page (its budget section).
                portal_path("event", b.event_id) if b.event_id else portal_path("challenge", b.challenge_id),
                b.country,
            ),
        )
    return groups
