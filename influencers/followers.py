"""Follower counts: bulk ingestion by (platform, handle, date).

Guarantees of ``ingest_follower_rows``: all-or-nothing, errors name ``rows[i].field``; rows
upsert on (account, date), so a replay changes nothing; when it returns, each touched account's
``followers``/``followers_on`` equal its latest snapshot, and each touched influencer is queued
(in the batch's transaction) for the refresh of the figures derived from them, which a worker
runs as soon as the batch commits (``drain_follower_refreshes``): ``total_followers`` the sum
over their accounts, ``crossed_over_on`` the first date our platform's account had more
followers than their largest other account had by then, the week's gain, the copies shared with
other teams and crossover notices. One audit entry per batch. Set-based SQL on PostgreSQL, a
portable ORM path elsewhere. Single counts (``follower_snapshot_save``: the portal, the API's
one-row writes) refresh everything before they return.

The cached figures and their refresh queue are ``follower_totals``, single counts
``follower_snapshots``; their names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.audit import batch_country, record_batch
from opsportal.db import Source, bulk_cursor, pg_array
from opsportal.ingest import IngestResult, RowErrors, TooManyRows, check_batch, parse_count
from opsportal.timecheck import DAY_AHEAD, day_ahead

# The cached figures and their queue, the reading side and single counts are their own modules;
# every name stays importable from here, where the other apps and the doors import them.
from .follower_snapshots import follower_count_type, follower_snapshot_delete, follower_snapshot_save
from .follower_totals import (
    GROWTH_DAYS,
    _queue_portable,
    drain_follower_refreshes,
    first_crossover,
    growth_baseline,
    queue_follower_refresh,
    refresh_accounts,
    refresh_followers,
    sync_shared_profiles,
    with_growth,
)
from .models import FollowerSnapshot, Platform, PlatformAccount

ROW_FIELDS = frozenset({"platform", "handle", "date", "followers", "source"})
# TextChoices.values builds a new list on every access: a 10,000-row batch asks 30,000 times.
PLATFORMS = frozenset(Platform.values)
SOURCES = frozenset(Source.values)

__all__ = [
    "GROWTH_DAYS",
    "IngestResult",
    "TooManyRows",
    "drain_follower_refreshes",
    "first_crossover",
    "follower_count_type",
    "follower_snapshot_delete",
    "follower_snapshot_save",
    "growth_baseline",
    "ingest_follower_rows",
    "refresh_followers",
    "sync_shared_profiles",
    "with_growth",
]


def _parse_date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


_UNSEEN = object()


def _parse_follower_rows(rows: list, errors: RowErrors) -> list[tuple]:
    parsed, seen = [], {}
    now = timezone.now()
    days: dict = {}  # a feed's batch carries one or a few dates: each is parsed and judged once
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.add(index, None, _("Each row is an object."))
            continue
        for key in row.keys() - ROW_FIELDS:
            errors.add(index, str(key), _("Unknown field."))
        platform = row.get("platform")
        platform = platform.strip().lower() if isinstance(platform, str) else None
        if platform not in PLATFORMS:
            errors.add(index, "platform", _("One of: %(choices)s.") % {"choices": ", ".join(Platform.values)})
        handle = row.get("handle")
        handle = handle.strip().lstrip("@") if isinstance(handle, str) else ""
        if not handle or len(handle) > 100 or "\x00" in handle:  # PostgreSQL text cannot hold NUL
            errors.add(index, "handle", _("Give the account's handle."))
        text = row.get("date")
        day = days.get(text, _UNSEEN) if isinstance(text, str) else _UNSEEN
        if day is _UNSEEN:
            day = _parse_date(text)
            day = (day, day is not None and day_ahead(day, now))
            if isinstance(text, str):
                days[text] = day
        day, ahead = day
        if day is None:
            errors.add(index, "date", _("Give a date as YYYY-MM-DD."))
        elif ahead:
            errors.add(index, "date", str(DAY_AHEAD))
            day = None
        followers = parse_count(row.get("followers"))
        if followers is None:
            errors.add(index, "followers", _("Give a whole number, zero or more."))
        source = row.get("source", Source.API)
        if not isinstance(source, str) or source not in SOURCES:
            errors.add(index, "source", _("One of: %(choices)s.") % {"choices": ", ".join(Source.values)})
        if platform not in PLATFORMS or not handle or day is None or followers is None:
            continue
        key = (platform, handle.lower(), day)
        if key in seen:
            errors.add(index, "date", _("Same account and date as row %(row)d.") % {"row": seen[key]})
            continue
        seen[key] = index
        parsed.append((index, *key, followers, source))
    return parsed


# LATERAL … LIMIT 1 (the key is unique) keeps this at one index probe per row: as a plain join,
# PostgreSQL would rather hash every account of every country than probe 10,000 times.
_RESOLVE_SQL = """
SELECT t.platform, t.handle, a.id, a.influencer_id, i.country_id
FROM unnest(%s::varchar[], %s::varchar[]) AS t(platform, handle)
CROSS JOIN LATERAL (
    SELECT a.id, a.influencer_id FROM influencers_platformaccount a
    WHERE a.platform = t.platform AND lower(a.handle) = lower(t.handle) LIMIT 1
) a
JOIN influencers_influencer i ON i.id = a.influencer_id
"""


def _account_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(platform, lowercased handle) → (account id, influencer id, country id), in one query."""
    if connection.vendor == "postgresql":
        platforms, handles = zip(*keys, strict=True) if keys else ((), ())
        with bulk_cursor() as cursor:
            cursor.execute(_RESOLVE_SQL, [pg_array(platforms), pg_array(handles)])
            return {(platform, handle): hit for platform, handle, *hit in cursor.fetchall()}
    rows = (
        PlatformAccount.objects.annotate(handle_lower=Lower("handle"))
        .filter(platform__in={k[0] for k in keys}, handle_lower__in={k[1] for k in keys})
        .values_list("platform", "handle_lower", "pk", "influencer_id", "influencer__country_id")
    )
    return {(platform, handle): tuple(hit) for platform, handle, *hit in rows if (platform, handle) in keys}


def _resolve_accounts(parsed: list[tuple], access, errors: RowErrors) -> list[tuple]:
    """(account id, influencer id, country id, date, followers, source) per row; one query.

    With ``access``, accounts of countries the caller cannot see are unknown, and those of
    countries they may only read are refused.
    """
    from opsportal.access import Perm

    known = _account_ids({(row[1], row[2]) for row in parsed})
    visible = editable = None
    if access is not None:
        visible, editable = access.country_ids(), access.country_ids(Perm.EDIT)
    resolved = []
    for index, platform, handle, day, followers, source in parsed:
        hit = known.get((platform, handle))
        if hit is None or (visible is not None and hit[2] not in visible):
            errors.add(
                index, "handle", _("No %(platform)s account @%(handle)s.") % {"platform": platform, "handle": handle}
            )
        elif editable is not None and hit[2] not in editable:
            errors.add(index, "handle", _("You may not write follower counts for @%(handle)s.") % {"handle": handle})
        else:
            resolved.append((*hit, day, followers, source))
    return resolved


# One statement per batch: find each row's account by (platform, handle) on the unique index,
# upsert the snapshots, counting created (key absent before) and updated rows, and move each account's
# cached count to the batch's latest row when it is at least as recent as the cached one (rows
# are only added or changed here, so the latest is the later of the two). Each touched
# influencer is queued for the refresh of their figures with the earliest date changed. Rows whose
# account is unknown or not editable drop out of ``input``: the caller compares ``matched`` with
# the batch and rolls back when they differ. LATERAL … LIMIT 1 (the key is unique) keeps the
# lookup at one index probe per row: as a plain join, PostgreSQL would rather hash every account.
_UPSERT_SQL = """
WITH input AS (
    SELECT a.id AS account_id, a.influencer_id, a.country_id, a.followers_on, t.date, t.followers, t.source
    FROM unnest(%(platforms)s::varchar[], %(handles)s::varchar[], %(dates)s::date[], %(followers)s::bigint[],
                %(sources)s::varchar[]) AS t(platform, handle, date, followers, source)
    CROSS JOIN LATERAL (
        SELECT a.id, a.influencer_id, a.followers_on, i.country_id FROM influencers_platformaccount a
        JOIN influencers_influencer i ON i.id = a.influencer_id
        WHERE a.platform = t.platform AND lower(a.handle) = lower(t.handle) LIMIT 1
    ) a
    WHERE %(editable)s::bigint[] IS NULL OR a.country_id = ANY(%(editable)s::bigint[])
), written AS (
    INSERT INTO influencers_followersnapshot AS s (account_id, date, followers, source, recorded_at)
    SELECT account_id, date, followers, source, %(now)s FROM input
    ON CONFLICT (account_id, date) DO UPDATE SET
        followers = EXCLUDED.followers, source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at
    WHERE s.followers IS DISTINCT FROM EXCLUDED.followers
    RETURNING account_id, date
), marked AS (
    -- Created: the key was not there before this statement (every part of it sees the same
    -- snapshot); PostgreSQL 15 refuses ``xmax`` in RETURNING from a partitioned table. A row
    -- dated after its account's cached latest count cannot have been there (a daily feed's
    -- rows): only the others are probed.
    SELECT CASE WHEN i.date > i.followers_on THEN true ELSE NOT EXISTS (
        SELECT 1 FROM influencers_followersnapshot o WHERE o.account_id = w.account_id AND o.date = w.date
    ) END AS created
    FROM written w JOIN input i USING (account_id, date)
), latest AS (
    SELECT DISTINCT ON (account_id) account_id, date, followers FROM input ORDER BY account_id, date DESC
), counts AS (
    UPDATE influencers_platformaccount AS a SET followers = l.followers, followers_on = l.date, updated_at = %(now)s
    FROM latest l
    WHERE a.id = l.account_id
      AND (a.followers_on IS NULL OR l.date >= a.followers_on)
      AND (a.followers, a.followers_on) IS DISTINCT FROM (l.followers, l.date)
    RETURNING 1
), queued AS (
    INSERT INTO influencers_followerrefresh AS q (influencer_id, since)
    SELECT i.influencer_id, min(w.date) FROM written w JOIN input i USING (account_id, date)
    GROUP BY i.influencer_id
    ON CONFLICT (influencer_id) DO UPDATE SET since = least(q.since, EXCLUDED.since)
    WHERE EXCLUDED.since < q.since
    RETURNING 1
)
SELECT (SELECT count(*) FROM input),
       (SELECT count(*) FILTER (WHERE created) FROM marked),
       (SELECT count(*) FILTER (WHERE NOT created) FROM marked),
       (SELECT count(*) FROM latest),
       (SELECT CASE WHEN min(country_id) = max(country_id) THEN min(country_id) END FROM input),
       (SELECT count(*) FROM queued)
"""


@dataclass(frozen=True)
class _Written:
    matched: int  # rows whose account was found and may be written
    created: int
    updated: int
    accounts: int
    country_id: int | None  # the batch's one country, if it has only one
    queued: int  # influencers queued (or moved earlier) for a refresh of their figures


def _upsert_postgresql(parsed: Sequence[tuple], editable: set[int] | None) -> _Written:
    columns = [pg_array([row[i] for row in parsed]) for i in range(1, 6)]
    params = dict(zip(("platforms", "handles", "dates", "followers", "sources"), columns, strict=True))
    params["editable"] = None if editable is None else pg_array(sorted(editable))
    params["now"] = timezone.now()
    with bulk_cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        return _Written(*cursor.fetchone())


def _upsert_portable(rows: Sequence[tuple]) -> tuple[int, int, list[tuple[int, dt.date]]]:
    existing = {
        (s.account_id, s.date): s
        for s in FollowerSnapshot.objects.filter(account_id__in={r[0] for r in rows}, date__in={r[1] for r in rows})
    }
    new, changed, touched = [], [], []
    now = timezone.now()
    for account_id, day, followers, source in rows:
        current = existing.get((account_id, day))
        if current is None:
            new.append(FollowerSnapshot(account_id=account_id, date=day, followers=followers, source=source))
        elif current.followers != followers:
            current.followers, current.source, current.recorded_at = followers, source, now
            changed.append(current)
        else:
            continue
        touched.append((account_id, day))
    FollowerSnapshot.objects.bulk_create(new, batch_size=500)
    FollowerSnapshot.objects.bulk_update(changed, ["followers", "source", "recorded_at"], batch_size=500)
    return len(new), len(changed), touched


def ingest_follower_rows(rows, *, access=None) -> IngestResult:
    """Upsert a batch of follower rows addressed by (platform, handle, date).

    ``access`` limits the accounts to those the caller may edit (None: a trusted command).
    Raises ValidationError naming ``rows[i].field`` (nothing written) or TooManyRows.
    """
    check_batch(rows)
    errors = RowErrors()
    parsed = _parse_follower_rows(rows, errors)
    errors.raise_if_any()
    if connection.vendor != "postgresql":
        return _ingest_portable(parsed, access, errors)
    from opsportal.access import Perm

    # Optimistic: one statement resolves and writes; a batch naming an unknown or forbidden
    # account is rolled back, and only then are its rows looked up one by one to name them.
    editable = None if access is None else access.country_ids(Perm.EDIT)
    with transaction.atomic():
        written = _upsert_postgresql(parsed, editable)
        if written.matched == len(parsed):
            # The one statement moved the accounts' counts and queued the influencers.
            if written.queued:
                transaction.on_commit(queue_follower_refresh)
            result = IngestResult(written.created, written.updated, written.matched - written.created - written.updated)
            _record(result, written.accounts, written.country_id)
            return result
        transaction.set_rollback(True)
    _resolve_accounts(parsed, access, errors)
    errors.raise_if_any()
    # Every row resolves now: an account appeared or changed between the two statements.
    raise ValidationError({"rows": [_("The accounts changed while this batch was written; send it again.")]})


def _ingest_portable(parsed: list[tuple], access, errors: RowErrors) -> IngestResult:
    resolved = _resolve_accounts(parsed, access, errors)
    errors.raise_if_any()
    influencer_of = {row[0]: row[1] for row in resolved}
    writes = [(row[0], row[3], row[4], row[5]) for row in resolved]
    with transaction.atomic():
        created, updated, touched = _upsert_portable(writes)
        since: dict[int, dt.date] = {}
        for account_id, day in touched:
            influencer_id = influencer_of[account_id]
            since[influencer_id] = min(day, since.get(influencer_id, day))
        refresh_accounts({account_id for account_id, _day in touched})
        if since:
            _queue_portable(since)
            transaction.on_commit(queue_follower_refresh)
        result = IngestResult(created, updated, len(writes) - created - updated)
        _record(result, len(influencer_of), batch_country({row[2] for row in resolved}))
    return result


def _record(result: IngestResult, accounts: int, country_id: int | None) -> None:
    """One audit entry for the batch, on its country when it has only one."""
    record_batch(
        "bulk_upsert",
        FollowerSnapshot,
        summary=_("%(rows)d follower rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % result.as_dict(),
        country=country_id,
        details={**result.as_dict(), "accounts": accounts},
    )
