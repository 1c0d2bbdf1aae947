"""Percentiles as the benchmarks report them."""

from __future__ import annotations

import math


def percentile(values, q: float) -> float:
    """The nearest-rank percentile: the smallest value that at least ``q`` of the values do not
    exceed. Of 20 requests, p95 is the 19th slowest, not the slowest (which is p100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
