"""The active country scope: no query on a country-scoped model runs without one.

The pattern of pretix's django-scopes: every model in ``COUNTRY_PATHS`` has a
``CountryScopedManager``, whose querysets keep only the rows of the active scope's countries; a
query run with no active scope raises ``ScopeError`` instead of returning every country's rows. A
scope is entered once per door: per request (``CountryScopeMiddleware``), per Celery task and per
management command (``system_scope``). ``unscoped()`` is the one escape hatch.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db.models import Manager, Q, QuerySet

from opsportal.access import (
    FINANCE_MODELS,
    FINANCE_ROWS,
    GOVERNMENT_ROWS,
    OWNER_PATHS,
    SYSTEM,
    Access,
    Perm,
    _country_q,
    access_for_request,
    country_path,
    read_perm,
)


class ScopeError(RuntimeError):
    """A query on a country-scoped model ran outside any scope: a door forgot to enter one."""


class _Unscoped:
    def __repr__(self) -> str:
        return "UNSCOPED"


_UNSCOPED = _Unscoped()
_active: contextvars.ContextVar = contextvars.ContextVar("opsportal_scope", default=None)


class RequestScope:
    """A request's scope: the rights of whoever the request turns out to be.

    Read at each query, not once: the API's token authentication runs inside the view, after
    the middleware, and sets ``request.user`` (``access_for_user`` caches on that object).
    """

    __slots__ = ("request",)

    def __init__(self, request) -> None:
        self.request = request

    @property
    def access(self) -> Access:
        return access_for_request(self.request)


def _current():
    """The active scope's Access, ``_UNSCOPED``, or None when no scope is active."""
    state = _active.get()
    if state is None or state is _UNSCOPED or isinstance(state, Access):
        return state
    return state.access


@contextmanager
def scope_of(who):
    """Run a block inside the scope of ``who``: an Access, or a request (see ``RequestScope``)."""
    reset = _active.set(who if isinstance(who, Access) else RequestScope(who))
    try:
        yield
    finally:
        _active.reset(reset)


def system_scope():
    """Every country: what a Celery task or a management command runs in."""
    return scope_of(SYSTEM)


@contextmanager
def unscoped():
    """The one escape hatch: queries in this block are not restricted to a scope.

    For rules that must look across countries whoever asks (who may hold a record, whose rights
    these are) and for test setup; never to show or change records on someone's behalf.
    """
    reset = _active.set(_UNSCOPED)
    try:
        yield
    finally:
        _active.reset(reset)


def _restrict(queryset: QuerySet, access: Access) -> QuerySet:
    """Keep, in place, the rows of ``queryset`` that ``access`` may read (country, then owner)."""
    model = queryset.model
    label = model._meta.label_lower
    ids = access.country_ids(read_perm(model))
    if ids is not None:
        queryset._query.add_q(_country_q(model, ids, open_rows=True))
        if not ids and label in FINANCE_MODELS and country_path(model) is None:
            queryset._query.set_empty()  # a rate without a country: finance.view in no country, no rows
    if label in GOVERNMENT_ROWS:
        gov_ids = access.country_ids(Perm.GOVERNMENT_VIEW)
        if gov_ids is not None:
            queryset._query.add_q(~GOVERNMENT_ROWS[label]() | _country_q(model, gov_ids))
    if label in FINANCE_ROWS:
        fin_ids = access.country_ids(Perm.FINANCE_VIEW)
        if fin_ids is not None:
            queryset._query.add_q(~FINANCE_ROWS[label]() | _country_q(model, fin_ids))
    owner = OWNER_PATHS.get(label)
    if owner and not access.is_superuser:
        queryset._query.add_q(Q(**{f"{owner}_id": access.user_id}))
    queryset._scoped_for = access
    return queryset


def _enter_scope(queryset: QuerySet) -> QuerySet:
    state = _current()
    if state is None:
        queryset._scope_pending = True  # built outside any scope: resolved by whoever copies it
    elif state is not _UNSCOPED:
        _restrict(queryset, state)
    return queryset


class CountryScopedQuerySet(QuerySet):
    """Rows of the active scope only; run outside any scope, it raises ``ScopeError``.

    A queryset built where no scope is active (a viewset's or a form field's queryset, made at
    import) is a template: it never runs itself, and each copy of it (``.all()``, ``.filter()``)
    takes the scope active where the copy is made.
    """

    _scope_pending = False
    _scoped_for: Access | None = None

    def _clone(self):
        clone = super()._clone()
        if self._scope_pending:
            return _enter_scope(clone)
        clone._scoped_for = self._scoped_for
        return clone

    def _refuse_outside_scope(self) -> None:
        if self._scope_pending and not self._query.is_empty():
            raise ScopeError(
                f"{self.model._meta.label} queried outside a country scope: enter one "
                "(opsportal.access.scope_of / system_scope) at the door"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._refuse_outside_scope()
        super()._fetch_all()

    def _iterator(self, *args, **kwargs):
        self._refuse_outside_scope()
        return super()._iterator(*args, **kwargs)

    def aiterator(self, *args, **kwargs):
        self._refuse_outside_scope()
        return super().aiterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._refuse_outside_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._refuse_outside_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._refuse_outside_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._refuse_outside_scope()
        return super().update(**kwargs)

    def _update(self, values):
        self._refuse_outside_scope()
        return super()._update(values)

    def delete(self):
        self._refuse_outside_scope()
        return super().delete()

    def _raw_delete(self, using):
        self._refuse_outside_scope()
        return super()._raw_delete(using)

    def explain(self, **kwargs):
        self._refuse_outside_scope()
        return super().explain(**kwargs)

    def resolve_expression(self, *args, **kwargs):  # used as a subquery
        self._refuse_outside_scope()
        return super().resolve_expression(*args, **kwargs)


class CountryScopedManager(Manager.from_queryset(CountryScopedQuerySet)):
    """The default manager of every model in ``COUNTRY_PATHS`` (related managers inherit it).

    Django's base manager stays plain, so a record's own parent (``event.country``), saves,
    deletes' cascades and ``refresh_from_db`` are not restricted: the scope is about which
    records a door finds, not about the records it already holds.
    """

    def get_queryset(self):
        return _enter_scope(super().get_queryset())

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract:
            # Uniqueness is a rule of the whole table: a handle taken in another country is taken.
            # Django checks it through the default manager, so it looks across the scope here.
            cls.validate_unique = _across_the_scope(cls.validate_unique)
            cls.validate_constraints = _across_the_scope(cls.validate_constraints)


def _across_the_scope(check):
    if getattr(check, "across_the_scope", False):
        return check

    def checked(self, *args, **kwargs):
        with unscoped():
            return check(self, *args, **kwargs)

    checked.across_the_scope = True
    return checked
