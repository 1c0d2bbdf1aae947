"""Challenge metric snapshots: bulk ingestion by natural key.

The cached latest totals are ``metric_totals``, trends and gains ``metric_trends``, one snapshot
at a time (the API's single rows, numbers typed in the portal) ``snapshots``; their names are
re-exported here.

Guarantees of ``ingest_metric_rows``: a batch is all-or-nothing (one transaction; any bad row
refuses the whole batch with an error naming ``rows[i].field``); rows upsert on
(challenge, captured_at), so a replayed batch changes nothing and reports every row unchanged;
a challenge's cached ``views``... ``metrics_at`` always equal its latest snapshot, and no snapshot
predates its ``metrics_since``; one audit entry records the batch. On PostgreSQL the work is
set-based SQL (unnest + ON CONFLICT), a few statements per batch whatever its size; elsewhere a
portable ORM path does the same.
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

# The batch plumbing is shared with follower ingestion: it lives in the core, so neither app imports the other.
from opsportal.ingest import BIGINT_MAX, MAX_ROWS, IngestResult, RowErrors, TooManyRows, check_batch, parse_count  # noqa: F401
from opsportal.timecheck import MOMENT_AHEAD, moment_ahead

# The cached totals, the reading side and single snapshots are their own modules; every name
# stays importable from here, where the other apps and the doors import them.
from .metric_totals import METRICS, _announce, refresh_challenge_totals
from .metric_trends import GAIN_DAYS, challenge_trend, gain_baseline, gains
from .models import Challenge, ChallengeMetricSnapshot
from .snapshots import metric_snapshot_correct, metric_snapshot_delete, metric_snapshot_save, metric_snapshot_type

# --- validating raw rows ---------------------------------------------------------------


def parse_moment(value) -> dt.datetime | None:
    """An ISO 8601 time with its UTC offset, in UTC; None when missing, malformed or naive."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # year 1 east of UTC, or year 9999 west of it
        return None


ROW_FIELDS = frozenset({"country", "hashtag", "captured_at", "source", *METRICS})


def _parse_metric_rows(rows: list, errors: RowErrors) -> list[tuple]:
    """(index, country code, hashtag, captured_at, views, videos, likes, comments, shares, source) per row.

    Written for 10,000-row batches: the common shapes take a fast path, and the values a batch
    repeats (its country codes, its one or few timestamps) are checked once.
    """
    now = timezone.now()
    parsed = []
    seen: dict[tuple, int] = {}
    moments: dict = {}
    countries: dict = {}
    sources = frozenset(Source.values)
    for index, row in enumerate(rows):
        if type(row) is not dict:
            errors.add(index, None, _("Each row is an object."))
            continue
        if not ROW_FIELDS.issuperset(row):
            for key in row.keys() - ROW_FIELDS:
                errors.add(index, str(key), _("Unknown field."))
        raw = row.get("country")
        country = countries.get(raw, False) if type(raw) is str else None
        if country is False:
            code = raw.strip()
            country = countries[raw] = code.upper() if len(code) == 2 and code.isalpha() else None
        if country is None:
            errors.add(index, "country", _("Give the country's two-letter code, e.g. ID."))
        hashtag = row.get("hashtag")
        hashtag = hashtag.strip().lstrip("#") if type(hashtag) is str else ""
        if not hashtag or len(hashtag) > 100 or "\x00" in hashtag:  # PostgreSQL text cannot hold NUL
            errors.add(index, "hashtag", _("Give the challenge's hashtag."))
            hashtag = ""
        raw = row.get("captured_at")
        captured_at = moments.get(raw, False) if type(raw) is str else None
        if captured_at is False:
            captured_at = moments[raw] = parse_moment(raw)
        if captured_at is not None and moment_ahead(captured_at, now):
            errors.add(index, "captured_at", str(MOMENT_AHEAD))
            captured_at = None
        elif captured_at is None:
            errors.add(
                index, "captured_at", _("Give an ISO 8601 time with its UTC offset, e.g. 2026-07-04T10:00:00+07:00.")
            )
        values = [
            row.get("views"),
            row.get("videos", 0),
            row.get("likes", 0),
            row.get("comments", 0),
            row.get("shares", 0),
        ]
        for position, value in enumerate(values):
            if type(value) is not int or not 0 <= value <= BIGINT_MAX:
                value = values[position] = parse_count(value)
                if value is None:
                    errors.add(index, METRICS[position], _("Give a whole number, zero or more."))
        source = row.get("source", "api")
        if type(source) is not str or source not in sources:
            errors.add(index, "source", _("One of: %(choices)s.") % {"choices": ", ".join(Source.values)})
        if country is None or not hashtag or captured_at is None or None in values:
            continue
        key = (country, hashtag.lower(), captured_at)
        if key in seen:
            errors.add(index, "captured_at", _("Same challenge and time as row %(row)d.") % {"row": seen[key]})
            continue
        seen[key] = index
        parsed.append((index, country, hashtag, captured_at, *values, source))
    return parsed


def _challenge_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(code, hashtag as sent) → (challenge id, country id), in one query on the unique index."""
    wanted = {(code, tag.lower()): (code, tag) for code, tag in pairs}
    rows = (
        Challenge.objects.annotate(hashtag_lower=Lower("hashtag"))
        .filter(country__code__in={p[0] for p in pairs}, hashtag_lower__in={p[1].lower() for p in pairs})
        .values_list("pk", "country__code", "hashtag_lower", "country_id")
    )
    return {wanted[(code, tag)]: (pk, cid) for pk, code, tag, cid in rows if (code, tag) in wanted}


def _resolve_challenges(parsed: list[tuple], access, errors: RowErrors) -> list[tuple]:
    """Swap (country, hashtag) for (challenge id, country id); unknown ones are row errors.

    With ``access``, challenges of countries the caller cannot see are unknown, and those of
    countries they may only read are refused.
    """
    from opsportal.access import Perm

    known = _challenge_ids({(row[1], row[2]) for row in parsed})
    visible = editable = None
    if access is not None:
        visible, editable = access.country_ids(), access.country_ids(Perm.EDIT)
    resolved = []
    for index, code, tag, *rest in parsed:
        hit = known.get((code, tag))
        if hit is None or (visible is not None and hit[1] not in visible):
            errors.add(index, "hashtag", _("No challenge #%(tag)s in %(code)s.") % {"tag": tag, "code": code})
        elif editable is not None and hit[1] not in editable:
            errors.add(index, "country", _("You may not write metrics in %(code)s.") % {"code": code})
        else:
            resolved.append((*hit, *rest))
    return resolved


# --- writing -----------------------------------------------------------------------------


# The batch's latest row of a challenge is at least as recent as its cached totals.
_FRESH = "(c.metrics_at IS NULL OR l.captured_at >= c.metrics_at)"
_TOTALS_DIFFER = """(c.views, c.videos, c.likes, c.comments, c.shares, c.metrics_at)
          IS DISTINCT FROM (l.views, l.videos, l.likes, l.comments, l.shares, l.captured_at)"""
# ``metrics_since`` after the batch: lowered to the batch's earliest row. An unknown one (None) is
# set only when no snapshot predates the batch (the statement's reads do not see its own rows).
_SINCE = """CASE WHEN c.metrics_since IS NULL THEN
            CASE WHEN NOT EXISTS (SELECT 1 FROM challenges_challengemetricsnapshot o
                                  WHERE o.challenge_id = c.id AND o.captured_at < l.earliest)
                 THEN l.earliest END
        ELSE least(c.metrics_since, l.earliest) END"""

# One statement per batch: find each row's challenge by (country code, hashtag) on the unique
# index, upsert the snapshots, counting created and updated rows, and move each
# challenge's cached totals to the batch's latest snapshot when it is at least as recent as the
# cached one (rows are only added or changed here, so the latest is the larger of the two), and
# its ``metrics_since`` to the batch's earliest row when that is earlier (one UPDATE of the row:
# each column's CASE reads the row version the lock gives it, so concurrent batches agree).
# LATERAL … LIMIT 1 (the key is unique) keeps the lookup at one index probe per row whatever
# the number of challenges. Modifying CTEs always run to completion; the row lock on the
# challenge makes two concurrent batches agree on the newest. Rows whose challenge is unknown or
# not editable drop out of ``input``: the caller compares ``matched`` with the batch and rolls
# back when they differ. A written row is "created" when the table did not hold its key before
# the statement (all parts of one statement read the same snapshot): the table is partitioned on
# PostgreSQL and version 15 refuses system columns such as ``xmax`` in RETURNING from it.
_UPSERT_SQL = """
WITH input AS (
    SELECT c.id AS challenge_id, c.country_id, c.metrics_at, t.captured_at, t.views, t.videos, t.likes,
           t.comments, t.shares, t.source
    FROM unnest(%(codes)s::varchar[], %(tags)s::varchar[], %(moments)s::timestamptz[], %(views)s::bigint[],
                %(videos)s::bigint[], %(likes)s::bigint[], %(comments)s::bigint[], %(shares)s::bigint[],
                %(sources)s::varchar[])
        AS t(code, tag, captured_at, views, videos, likes, comments, shares, source)
    JOIN locales_country k ON k.code = t.code
    CROSS JOIN LATERAL (
        SELECT c.id, c.country_id, c.metrics_at FROM challenges_challenge c
        WHERE c.country_id = k.id AND lower(c.hashtag) = lower(t.tag) LIMIT 1
    ) c
    WHERE %(editable)s::bigint[] IS NULL OR c.country_id = ANY(%(editable)s::bigint[])
), written AS (
    INSERT INTO challenges_challengemetricsnapshot AS s
        (challenge_id, captured_at, views, videos, likes, comments, shares, source, recorded_at)
    SELECT challenge_id, captured_at, views, videos, likes, comments, shares, source, %(now)s FROM input
    ON CONFLICT (challenge_id, captured_at) DO UPDATE SET
        views = EXCLUDED.views, videos = EXCLUDED.videos, likes = EXCLUDED.likes,
        comments = EXCLUDED.comments, shares = EXCLUDED.shares, source = EXCLUDED.source,
        recorded_at = EXCLUDED.recorded_at
    WHERE (s.views, s.videos, s.likes, s.comments, s.shares)
        IS DISTINCT FROM (EXCLUDED.views, EXCLUDED.videos, EXCLUDED.likes, EXCLUDED.comments, EXCLUDED.shares)
    RETURNING s.challenge_id, s.captured_at
), latest AS (
    SELECT DISTINCT ON (challenge_id) challenge_id, captured_at, views, videos, likes, comments, shares,
           min(captured_at) OVER (PARTITION BY challenge_id) AS earliest
    FROM input ORDER BY challenge_id, captured_at DESC
), totals AS (
    UPDATE challenges_challenge AS c
    SET views = CASE WHEN {fresh} THEN l.views ELSE c.views END,
        videos = CASE WHEN {fresh} THEN l.videos ELSE c.videos END,
        likes = CASE WHEN {fresh} THEN l.likes ELSE c.likes END,
        comments = CASE WHEN {fresh} THEN l.comments ELSE c.comments END,
        shares = CASE WHEN {fresh} THEN l.shares ELSE c.shares END,
        metrics_at = CASE WHEN {fresh} THEN l.captured_at ELSE c.metrics_at END,
        metrics_since = {since},
        updated_at = CASE WHEN {moved} THEN %(now)s ELSE c.updated_at END
    FROM latest l
    WHERE c.id = l.challenge_id AND ({moved} OR c.metrics_since IS DISTINCT FROM {since})
    RETURNING c.id, c.metrics_at = l.captured_at AS current
), marked AS (
    -- Created: the key was not there before this statement (every part of it sees the same
    -- snapshot). A row after its challenge's latest snapshot (``metrics_at``, as this statement
    -- found it) cannot have been there, which is every row of an hourly feed: only the others
    -- are probed, once each.
    SELECT CASE WHEN i.captured_at > i.metrics_at THEN true ELSE NOT EXISTS (
        SELECT 1 FROM challenges_challengemetricsnapshot o
        WHERE o.challenge_id = w.challenge_id AND o.captured_at = w.captured_at
    ) END AS created
    FROM written w JOIN input i USING (challenge_id, captured_at)
)
SELECT (SELECT count(*) FROM input),
       (SELECT count(*) FILTER (WHERE created) FROM marked),
       (SELECT count(*) FILTER (WHERE NOT created) FROM marked),
       (SELECT count(*) FROM latest),
       (SELECT CASE WHEN min(country_id) = max(country_id) THEN min(country_id) END FROM input),
       (SELECT array_agg(id ORDER BY id) FROM totals WHERE current)
""".format(
    fresh=_FRESH,
    moved=f"({_FRESH} AND {_TOTALS_DIFFER})",
    since=_SINCE,
)


@dataclass(frozen=True)
class _Written:
    matched: int  # rows whose challenge was found and may be written
    created: int
    updated: int
    challenges: int
    country_id: int | None  # the batch's one country, if it has only one
    refreshed: list[int] | None  # challenges whose cached totals are now the batch's latest row


def _upsert_postgresql(parsed: Sequence[tuple], editable: set[int] | None) -> _Written:
    columns = [pg_array([row[i] for row in parsed]) for i in range(1, 10)]
    names = ("codes", "tags", "moments", "views", "videos", "likes", "comments", "shares", "sources")
    params = dict(zip(names, columns, strict=True))
    params["editable"] = None if editable is None else pg_array(sorted(editable))
    params["now"] = timezone.now()
    with bulk_cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        return _Written(*cursor.fetchone())


def _upsert_portable(rows: Sequence[tuple]) -> tuple[int, int, list[int]]:
    keys = {(row[0], row[1]) for row in rows}
    existing = {
        (s.challenge_id, s.captured_at): s
        for s in ChallengeMetricSnapshot.objects.filter(
            challenge_id__in={k[0] for k in keys}, captured_at__in={k[1] for k in keys}
        )
    }
    new, changed, touched = [], [], set()
    now = timezone.now()
    for challenge_id, captured_at, *values, source in rows:
        current = existing.get((challenge_id, captured_at))
        if current is None:
            new.append(
                ChallengeMetricSnapshot(
                    challenge_id=challenge_id,
                    captured_at=captured_at,
                    source=source,
                    **dict(zip(METRICS, values, strict=True)),
                )
            )
            touched.add(challenge_id)
        elif tuple(getattr(current, m) for m in METRICS) != tuple(values):
            for metric, value in zip(METRICS, values, strict=True):
                setattr(current, metric, value)
            current.source, current.recorded_at = source, now
            changed.append(current)
            touched.add(challenge_id)
    ChallengeMetricSnapshot.objects.bulk_create(new, batch_size=500)
    ChallengeMetricSnapshot.objects.bulk_update(changed, [*METRICS, "source", "recorded_at"], batch_size=500)
    return len(new), len(changed), sorted(touched)


def ingest_metric_rows(rows, *, access=None) -> IngestResult:
    """Upsert a batch of metric rows addressed by (country, hashtag, captured_at).

    ``access`` limits the challenges to those the caller may edit (None: a trusted command).
    Raises ValidationError naming ``rows[i].field`` (nothing written) or TooManyRows.
    """
    check_batch(rows)
    errors = RowErrors()
    parsed = _parse_metric_rows(rows, errors)
    errors.raise_if_any()
    if connection.vendor != "postgresql":
        return _ingest_portable(parsed, access, errors)
    from opsportal.access import Perm

    # Optimistic: one statement resolves and writes; a batch naming an unknown or forbidden
    # challenge is rolled back, and only then are its rows looked up one by one to name them.
    editable = None if access is None else access.country_ids(Perm.EDIT)
    with transaction.atomic():
        written = _upsert_postgresql(parsed, editable)
        if written.matched == len(parsed):
            result = IngestResult(written.created, written.updated, written.matched - written.created - written.updated)
            _record(result, written.challenges, written.country_id)
            if written.refreshed:
                # The one statement moved these challenges' totals: name them for whoever listens
                # (the statement returns them: looking 10,000 hashtags up again cost as much as it).
                _announce(written.refreshed)
            return result
        transaction.set_rollback(True)
    _resolve_challenges(parsed, access, errors)
    errors.raise_if_any()
    # Every row resolves now: a challenge appeared or changed between the two statements.
    raise ValidationError({"rows": [_("The challenges changed while this batch was written; send it again.")]})


def _ingest_portable(parsed: list[tuple], access, errors: RowErrors) -> IngestResult:
    resolved = _resolve_challenges(parsed, access, errors)
    errors.raise_if_any()
    writes = [row[:1] + row[2:] for row in resolved]  # drop country_id
    countries = {row[1] for row in resolved}
    with transaction.atomic():
        created, updated, touched = _upsert_portable(writes)
        refresh_challenge_totals(touched)
        result = IngestResult(created, updated, len(writes) - created - updated)
        _record(result, len({row[0] for row in writes}), batch_country(countries))
    return result


def _record(result: IngestResult, challenges: int, country_id: int | None) -> None:
    """One audit entry for the batch, on its country when it has only one."""
    record_batch(
        "bulk_upsert",
        ChallengeMetricSnapshot,
        summary=_("%(rows)d metric rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % result.as_dict(),
        country=country_id,
        details={**result.as_dict(), "challenges": challenges},
    )


__all__ = [
    "GAIN_DAYS",
    "METRICS",
    "challenge_trend",
    "gain_baseline",
    "gains",
    "ingest_metric_rows",
    "metric_snapshot_correct",
    "metric_snapshot_delete",
    "metric_snapshot_save",
    "metric_snapshot_type",
    "parse_moment",
    "refresh_challenge_totals",
]
