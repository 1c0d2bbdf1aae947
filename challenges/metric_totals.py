"""A challenge's cached totals (``views`` ... ``metrics_at``): always those of its latest snapshot;
``metrics_since``: never later than its earliest one."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Challenge, ChallengeMetricSnapshot

METRICS = ("views", "videos", "likes", "comments", "shares")


# ``updated_at`` moves only with the totals a reader sees: ``metrics_since`` alone (the earliest
# snapshot deleted, say) is no change of the challenge for an API client syncing by it.
_REFRESH_SQL = """
UPDATE challenges_challenge AS c
SET views = coalesce(l.views, 0), videos = coalesce(l.videos, 0), likes = coalesce(l.likes, 0),
    comments = coalesce(l.comments, 0), shares = coalesce(l.shares, 0), metrics_at = l.captured_at,
    metrics_since = e.captured_at,
    updated_at = CASE WHEN {totals_differ} THEN %s ELSE c.updated_at END
FROM unnest(%s::bigint[]) AS t(id)
LEFT JOIN LATERAL (
    SELECT s.captured_at, s.views, s.videos, s.likes, s.comments, s.shares
    FROM challenges_challengemetricsnapshot s
    WHERE s.challenge_id = t.id ORDER BY s.captured_at DESC LIMIT 1
) l ON true
LEFT JOIN LATERAL (
    SELECT s.captured_at FROM challenges_challengemetricsnapshot s
    WHERE s.challenge_id = t.id ORDER BY s.captured_at LIMIT 1
) e ON true
WHERE c.id = t.id
  AND ({totals_differ} OR c.metrics_since IS DISTINCT FROM e.captured_at)
""".format(
    totals_differ="""(c.views, c.videos, c.likes, c.comments, c.shares, c.metrics_at)
      IS DISTINCT FROM (coalesce(l.views, 0), coalesce(l.videos, 0), coalesce(l.likes, 0),
                        coalesce(l.comments, 0), coalesce(l.shares, 0), l.captured_at)"""
)


def refresh_challenge_totals(challenge_ids: Iterable[int]) -> None:
    """Set each challenge's cached totals to its latest snapshot (zeros when it has none) and
    ``metrics_since`` to its earliest (None when it has none)."""
    ids = sorted(set(challenge_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        # LEFT JOIN + coalesce: a challenge whose last snapshot was deleted falls back to zeros.
        with connection.cursor() as cursor:
            cursor.execute(_REFRESH_SQL, [timezone.now(), ids])
    else:
        snapshots = ChallengeMetricSnapshot.objects.filter(challenge_id=OuterRef("pk"))
        latest = snapshots.order_by("-captured_at")
        Challenge.objects.filter(pk__in=ids).update(
            metrics_at=Subquery(latest.values("captured_at")[:1]),
            metrics_since=Subquery(snapshots.order_by("captured_at").values("captured_at")[:1]),
            updated_at=timezone.now(),
            **{m: Coalesce(Subquery(latest.values(m)[:1]), 0) for m in METRICS},
        )
    _announce(ids)


def _announce(challenge_ids: list[int]) -> None:
    from .signals import metrics_refreshed

    metrics_refreshed.send(sender=Challenge, challenge_ids=challenge_ids)
