"""Reads for influencer pages: lists, the pipeline board, follower history, outreach."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from opsportal.access import in_country
from opsportal.scope import unscoped

from .models import (
    OWN_PLATFORM,
    WORKED_STAGES,
    FollowerSnapshot,
    Influencer,
    InfluencerInteraction,
    Platform,
    PlatformAccount,
    Stage,
)

BOARD_CARDS_PER_STAGE = 30
# What another team's record may show of the home record's accounts: public handles and counts.
PUBLIC_ACCOUNT_FIELDS = ("id", "platform", "handle", "url", "followers", "followers_on")


def influencer_list(queryset: QuerySet) -> QuerySet:
    """A page of influencers with their accounts; a shared relationship's are its profile's
    (``i.profile.accounts``: two more queries per page, whatever its length). Only the profile's
    id and its accounts' public columns are read across the scope (see ``public_accounts``)."""
    with unscoped():
        profiles = Influencer.objects.only("pk")
        accounts = PlatformAccount.objects.only(*PUBLIC_ACCOUNT_FIELDS, "influencer_id").order_by("platform", "handle")
    # A queryset for each prefetch, even the plain one: without it Django builds every row's
    # related manager queryset (and so its scope) anew, 50 times a page.
    own_accounts = PlatformAccount.objects.all()
    return (
        queryset.select_related("relationship_owner")
        .prefetch_related(
            Prefetch("accounts", queryset=own_accounts),
            Prefetch("profile", queryset=profiles),
            Prefetch("profile__accounts", accounts),
        )
        .order_by("name", "pk")
    )


NEXT_STAGE = {
    Stage.PROSPECT: Stage.CONTACTED,
    Stage.CONTACTED: Stage.ONBOARDED,
    Stage.ONBOARDED: Stage.ACTIVE,
    Stage.DORMANT: Stage.CONTACTED,
}


def pipeline_board(queryset: QuerySet, per_stage: int = BOARD_CARDS_PER_STAGE) -> list[dict]:
    """Columns by stage: the count in each and its biggest creators first (one count query,
    then one short query per non-empty stage: at most six, whatever the number of creators).
    An empty stage is skipped: looking for its top creators would walk the whole followers index.
    ``COUNT(*)``, not ``COUNT(id)``: PostgreSQL then counts from the (country, stage) index alone
    (an index-only scan, 28 ms for 200,000 creators) instead of visiting every row (120-200 ms)."""
    counts = dict(queryset.order_by().values_list("stage").annotate(n=Count("*")))
    cards: dict[str, list] = {}
    for stage in Stage:
        if counts.get(stage.value):
            cards[stage.value] = list(queryset.filter(stage=stage.value).order_by("-total_followers", "pk")[:per_stage])
    stages = list(Stage)
    columns = []
    for index, stage in enumerate(stages):
        # The highlighted button is the stage a creator is won over to next. Dormant is where a
        # relationship lapses, not progress: an active creator has no "next" (the stage menu still
        # moves them), and a dormant one is won back by contacting them again.
        following = NEXT_STAGE.get(stage)
        columns.append(
            {
                "stage": stage,
                "label": stage.label,
                "count": counts.get(stage.value, 0),
                "cards": cards.get(stage.value, []),
                "next": following,
                "previous": stages[index - 1] if index > 0 else None,
            }
        )
    return columns


# --- the public profile of a creator several country teams work ----------------------------


def public_accounts(influencer: Influencer) -> list[PlatformAccount]:
    """The platform accounts of ``influencer``'s public profile: its own, or, for a shared
    relationship, those the home record (another country team's) keeps.

    The home record is outside the reader's scope, so its accounts are read with ``unscoped()``
    — restricted strictly to that one record's accounts and to their public columns (platform,
    handle, profile URL, latest count). Nothing of the home record itself (stage, owner, notes,
    outreach, contact details) is read here; the accounts come back without it loaded.
    """
    if influencer.profile_id is None:
        return list(PlatformAccount.objects.filter(influencer=influencer).order_by("platform", "handle"))
    with unscoped():
        return list(
            PlatformAccount.objects.filter(influencer_id=influencer.profile_id)
            .only(*PUBLIC_ACCOUNT_FIELDS, "influencer_id")
            .order_by("platform", "handle")
        )


def _account_holder(platform: str, handle: str) -> tuple[int, int] | None:
    handle = (handle or "").strip().lstrip("@")
    if not platform or not handle:
        return None
    # Across the scope, limited to the one account with this natural key (handles are public).
    with unscoped():
        return (
            PlatformAccount.objects.filter(platform=platform, handle__iexact=handle)
            .values_list("influencer_id", "influencer__country_id")
            .first()
        )


def profile_of_account(platform: str, handle: str) -> int | None:
    """The id of the record that keeps the account ``platform:handle``, whichever country's:
    what a team shares to work that creator too. None when there is no such account."""
    hit = _account_holder(platform, handle)
    return hit[0] if hit else None


def account_elsewhere(platform: str, handle: str):
    """The country whose team keeps the account ``platform:handle`` (None: no such account).
    Nothing else of that team's record."""
    from locales.models import Country

    hit = _account_holder(platform, handle)
    return Country._base_manager.filter(pk=hit[1]).first() if hit else None


def profile_keeper_country(influencer: Influencer):
    """For a shared relationship, the country whose team keeps the accounts (its name may be
    shown); None for a record that keeps its own."""
    if influencer.profile_id is None:
        return None
    from locales.models import Country

    with unscoped():
        country_id = Influencer.objects.filter(pk=influencer.profile_id).values_list("country_id", flat=True).first()
    return Country._base_manager.filter(pk=country_id).first()


def sharing_countries(influencer: Influencer) -> list:
    """On a home record: the countries whose teams also work this creator (names only)."""
    from locales.models import Country

    if influencer.profile_id is not None or influencer.pk is None:
        return []
    with unscoped():
        ids = list(Influencer.objects.filter(profile_id=influencer.pk).values_list("country_id", flat=True))
    return list(Country._base_manager.filter(pk__in=ids).order_by("name")) if ids else []


def follower_history(influencer: Influencer) -> dict[str, list[tuple[dt.date, int]]]:
    """Followers per platform over time, one series per account platform (one query). A shared
    relationship reads the history of its public profile (see ``public_accounts``)."""
    series: dict[str, list] = defaultdict(list)
    with unscoped():
        rows = list(
            FollowerSnapshot.objects.filter(account__influencer_id=influencer.profile_holder_id)
            .order_by("date")
            .values_list("account__platform", "date", "followers")
        )
    for platform, date, followers in rows:
        series[platform].append((date, followers))
    return dict(series)


def crossover_date(history: dict[str, list[tuple[dt.date, int]]]) -> dt.date | None:
    """The first day our platform's following passed every other platform's latest count."""
    own = history.get(OWN_PLATFORM)
    others = {p: points for p, points in history.items() if p != OWN_PLATFORM}
    if not own or not others:
        return None
    events = sorted(
        [(d, OWN_PLATFORM, n) for d, n in own] + [(d, p, n) for p, points in others.items() for d, n in points]
    )
    latest: dict[str, int] = {}
    for date, platform, followers in events:
        latest[platform] = followers
        other_best = max((n for p, n in latest.items() if p != OWN_PLATFORM), default=None)
        if OWN_PLATFORM in latest and other_best is not None and latest[OWN_PLATFORM] > other_best:
            return date
    return None


def platform_label(value: str) -> str:
    try:
        return str(Platform(value).label)
    except ValueError:
        return value


def outreach_log(influencer: Influencer, limit: int = 50) -> QuerySet:
    return InfluencerInteraction.objects.filter(influencer=influencer).select_related("owner")[:limit]


def challenges_joined(influencer: Influencer) -> QuerySet:
    return influencer.participations.select_related("challenge").order_by("-challenge__starts_at")


def events_attended(influencer: Influencer) -> QuerySet:
    return influencer.event_guests.select_related("event").order_by("-event__starts_at")


def cold_influencers(country, *, now: dt.datetime, queryset: QuerySet | None = None) -> QuerySet:
    """Creators being worked whose last outreach entry (or, never contacted, their arrival in the
    list) is older than the country's cold threshold; the coldest first. ``last_touch`` is set."""
    cutoff = now - dt.timedelta(days=country.cold_after_days)
    return (
        in_country(Influencer.objects.all() if queryset is None else queryset, country)
        .filter(stage__in=WORKED_STAGES, erased_at__isnull=True)
        .annotate(last_touch=Coalesce("last_contacted_at", "created_at"))
        .filter(last_touch__lt=cutoff)
        .order_by("last_touch", "pk")
    )


def new_core_count(since: dt.date | F) -> Count:
    """Core influencers who became core on or after ``since`` (a date, or an expression of each
    row's own, e.g. a week before its country's today): one rule for the dashboard and HQ."""
    return Count("core_since", filter=Q(core_since__gte=since))
