"""A list's page of ids in id order, its SQL compiled by the ORM once per caller's rights.

The busiest lists (``fetch_rows`` viewsets) first find the ids of a page: the scoped queryset,
ordered by id, after the cursor's id, ``LIMIT size + 1``. With no filter in the request that
statement depends only on the caller's rights (``Access``: which countries, which permissions,
whose own records), the order's direction, the page size and whether a cursor is given; building
and compiling it through the ORM cost more than PostgreSQL took to run it. So it is compiled
once for each such combination, with a stand-in for the cursor's id, by the very queryset the
request would have built (its scope and all), and re-run with the cursor's id, prepared.
Requests that name a filter or another order go through the ORM as before.
"""

from __future__ import annotations

from django.db.models import F

from . import compiled

# Stands for the cursor's id at compilation; swapped by position, so a real id equal to it is harmless.
_CURSOR_STAND = -7_000_002
_MAX_PLANS = 512
_plans: dict[tuple, tuple[str, list, int | None]] = {}


def names_a_filter(request, view) -> bool:
    """Whether the request names one of the view's filters (``ordering`` is one of them)."""
    fs_class = getattr(view, "filterset_class", None)
    if fs_class is None:
        return bool(getattr(view, "filterset_fields", None))
    return any(name in request.query_params for name in fs_class.base_filters)


def rights_key(access) -> tuple:
    """Everything of an ``Access`` that a scoped query's SQL can depend on."""
    return (access.everywhere, frozenset(access.by_country.items()), access.is_superuser, access.user_id)


def page_ids(view, build, *, desc: bool, size: int, after: int | None, after_q) -> list[int]:
    """Ids of ``size + 1`` rows of ``build()`` (the view's scoped, unfiltered queryset) in id
    order, after id ``after`` when given (``after_q(pk)``: the pagination's keyset condition)."""
    key = (type(view), rights_key(view.access), desc, size, after is not None)
    plan = _plans.get(key)
    if plan is None:
        queryset = build().values("id").order_by(F("pk").desc() if desc else F("pk").asc())
        if after is not None:
            queryset = queryset.filter(after_q(_CURSOR_STAND))
        sql, params = queryset[: size + 1].query.sql_with_params()
        params = list(params)
        position = params.index(_CURSOR_STAND) if after is not None else None
        if position is not None and params.count(_CURSOR_STAND) != 1:
            raise RuntimeError("The cursor's stand-in must appear once in the page's SQL.")
        if len(_plans) >= _MAX_PLANS:
            _plans.clear()
        plan = _plans[key] = (sql, params, position)
    sql, params, position = plan
    if position is not None:
        params = list(params)
        params[position] = after
    with compiled.prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
