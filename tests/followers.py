"""Follower counts written the way a committed bulk batch leaves them."""

from django.test import TestCase

from influencers.followers import ingest_follower_rows


def ingest_counts(rows, **kwargs):
    """``ingest_follower_rows``, then what its commit sets off: the queued refresh of the
    influencers' totals, crossovers and week's gains (Celery runs eagerly in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ingest_follower_rows(rows, **kwargs)


def post_counts(api, rows, url="/api/v1/follower-snapshots/bulk/"):
    """A batch through the API, then what its commit sets off (as ``ingest_counts``)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post(url, {"rows": rows}, format="json")
