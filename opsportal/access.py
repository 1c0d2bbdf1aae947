"""Who may see and do what: the one place every door asks, and the only place a country filter is written.

A person's rights come from their team memberships (role per country), HQ access on their
profile, or superuser status; an integration's from its API token (countries and scopes).

The country scope fails closed (the pattern of pretix's django-scopes): every model in
``COUNTRY_PATHS`` has a ``CountryScopedManager``, whose querysets keep only the rows of the
active scope's countries, and a query run with no active scope raises ``ScopeError`` instead of
returning every country's rows. A scope is entered once per door: per request by
``CountryScopeMiddleware`` (the signed-in person's, or the API token's, rights), per Celery task
and per management command (``system_scope``: every country). ``unscoped()`` is the one escape
hatch, for the rules that must look across countries (who may hold a record, whose rights these
are). ``Access.scope()`` narrows further, to the rows a stronger permission (edit, government,
reports) allows; another country's record is simply not in the queryset, so it answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from opsportal.roles import HQAccess, Role


class Perm:
    VIEW = "view"
    EDIT = "edit"
    GOVERNMENT_VIEW = "government.view"
    GOVERNMENT_EDIT = "government.edit"
    MANAGE_REPORTS = "reports.manage"
    AUDIT_VIEW = "audit.view"
    MOMENTS_EDIT = "moments.edit"  # cultural moments and their dates: leads (and administrators)
    TEAM_HANDOVER = "team.handover"  # hand a leaver's records to a colleague: leads (and administrators)
    FINANCE_VIEW = "finance.view"  # money (agreements, payments, budgets): leads, HQ with the finance grant
    FINANCE_EDIT = "finance.edit"  # write them: leads (and administrators)
    GOALS_EDIT = "goals.edit"  # a country's quarterly goals: leads (and administrators)


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEAD: frozenset(
        {
            Perm.VIEW,
            Perm.EDIT,
            Perm.GOVERNMENT_VIEW,
            Perm.GOVERNMENT_EDIT,
            Perm.MANAGE_REPORTS,
            Perm.AUDIT_VIEW,
            Perm.MOMENTS_EDIT,
            Perm.TEAM_HANDOVER,
            Perm.FINANCE_VIEW,
            Perm.FINANCE_EDIT,
            Perm.GOALS_EDIT,
        }
    ),
    Role.OPERATOR: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.GOVERNMENT_RELATIONS: frozenset({Perm.VIEW, Perm.GOVERNMENT_VIEW, Perm.GOVERNMENT_EDIT}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}

HQ_PERMISSIONS: dict[str, frozenset[str]] = {
    HQAccess.VIEWER: frozenset({Perm.VIEW}),
    HQAccess.VIEWER_GOVERNMENT: frozenset({Perm.VIEW, Perm.GOVERNMENT_VIEW}),
}

ALL_PERMISSIONS = frozenset(
    {
        Perm.VIEW,
        Perm.EDIT,
        Perm.GOVERNMENT_VIEW,
        Perm.GOVERNMENT_EDIT,
        Perm.MANAGE_REPORTS,
        Perm.AUDIT_VIEW,
        Perm.MOMENTS_EDIT,
        Perm.TEAM_HANDOVER,
        Perm.FINANCE_VIEW,
        Perm.FINANCE_EDIT,
        Perm.GOALS_EDIT,
    }
)
# HQ's finance grant (StaffProfile.hq_finance): fees and payments in every country, read-only.
HQ_FINANCE_PERMISSIONS = frozenset({Perm.VIEW, Perm.FINANCE_VIEW})

# How each record reaches its country. Government records need the government permissions.
COUNTRY_PATHS: dict[str, str] = {
    "opsportal.country": "",
    "locales.culturalmoment": "country",
    "locales.culturalmomentoccurrence": "moment__country",
    "opsportal.teammembership": "country",
    "locales.governmentcontact": "country",
    "locales.governmentinteraction": "country",
    "locales.regulatoryincident": "country",
    "locales.governmentcommitment": "country",
    "locales.regulatorrequest": "country",
    "locales.requestitem": "request__country",
    "influencers.influencer": "country",
    "influencers.platformaccount": "influencer__country",
    "influencers.followersnapshot": "account__influencer__country",
    "influencers.influencerinteraction": "influencer__country",
    "challenges.challenge": "country",
    "challenges.challengeparticipation": "challenge__country",
    "challenges.challengemetricsnapshot": "challenge__country",
    "events.event": "country",
    "events.partner": "country",
    "events.eventpartner": "event__country",
    "events.eventtask": "event__country",
    "events.eventguest": "event__country",
    "reports.weeklyreport": "country",  # no country: the HQ report, read by HQ and administrators
    "notifications.notification": "country",
    "opsportal.savedview": None,  # a person's own filters: scoped by OWNER_PATHS only
    "imports.importjob": "country",
    "webhooks.webhookdelivery": "country",
    "events.quickcapture": "event__country",
    "agreements.agreement": "country",
    "agreements.deliverable": "agreement__country",
    "agreements.payment": "agreement__country",
    "budgets.budgetline": "country",
    "budgets.exchangerate": None,  # no country: a rate is everyone's, read where finance.view holds
    "goals.countrygoal": "country",
    "goals.externalfigure": "country",
}


# Records of which only some rows are government records: those rows need the government
# permission in their country (a webhook delivery of an incident carries the incident).
def _government_deliveries() -> Q:
    # By the app registry, not an import: the floor never imports the feature apps above it.
    return Q(event_type__in=apps.get_model("webhooks", "WebhookDelivery").GOVERNMENT_EVENTS)


GOVERNMENT_ROWS = {"webhooks.webhookdelivery": _government_deliveries}


# Likewise for money: a webhook delivery of an agreement or a payment carries its fee or amount.
def _finance_deliveries() -> Q:
    return Q(event_type__in=apps.get_model("webhooks", "WebhookDelivery").FINANCE_EVENTS)


FINANCE_ROWS = {"webhooks.webhookdelivery": _finance_deliveries}

# Records that belong to one person as well: only that person (or an administrator, a task, a
# command) reads them, in the countries of the scope; their rows without a country are theirs.
OWNER_PATHS: dict[str, str] = {
    "notifications.notification": "recipient",
    "opsportal.savedview": "user",
    "imports.importjob": "user",  # a job's file and rows are its importer's (administrators see all)
}

# Rows without a country that are nobody's country data (a webhook ping): readable in any scope.
# Elsewhere a row without a country is HQ's or the administrators' (the HQ weekly report).
NO_COUNTRY_IS_OPEN = frozenset({"webhooks.webhookdelivery", *OWNER_PATHS})

GOVERNMENT_MODELS = frozenset(
    {
        "locales.governmentcontact",
        "locales.governmentinteraction",
        "locales.regulatoryincident",
        "locales.governmentcommitment",
        "locales.regulatorrequest",
        "locales.requestitem",
    }
)


# Money: creator agreements with their deliverables and payments, budget lines and exchange
# rates. Read with ``finance.view``, written with ``finance.edit`` (leads, HQ with the finance
# grant, administrators); the scope drops them for anyone else, like government records. A model
# without a country (exchange rates) is read by whoever holds finance.view in some country.
FINANCE_MODELS = frozenset(
    {
        "agreements.agreement",
        "agreements.deliverable",
        "agreements.payment",
        "budgets.budgetline",
        "budgets.exchangerate",
    }
)


# Records whose writes need more than ``edit`` in their country (everyone who views reads them).
WRITE_PERMS: dict[str, str] = {
    "goals.countrygoal": Perm.GOALS_EDIT,  # a country's targets are set by its lead
}


def is_government(model: type[Model] | Model) -> bool:
    return model._meta.label_lower in GOVERNMENT_MODELS


def is_finance(model: type[Model] | Model) -> bool:
    return model._meta.label_lower in FINANCE_MODELS


def read_perm(model) -> str:
    if is_finance(model):
        return Perm.FINANCE_VIEW
    return Perm.GOVERNMENT_VIEW if is_government(model) else Perm.VIEW


def write_perm(model) -> str:
    if is_finance(model):
        return Perm.FINANCE_EDIT
    if is_government(model):
        return Perm.GOVERNMENT_EDIT
    return WRITE_PERMS.get(model._meta.label_lower, Perm.EDIT)


def country_path(model) -> str | None:
    return COUNTRY_PATHS[model._meta.label_lower]


def _country_q(model, ids, *, open_rows: bool = False) -> Q:
    """The rows of ``model`` placed in the countries ``ids`` (its country path, see COUNTRY_PATHS);
    with ``open_rows``, also its rows without a country that any scope reads (NO_COUNTRY_IS_OPEN)."""
    path = country_path(model)
    if path is None:
        return Q()
    place = Q(pk__in=ids) if not path else Q(**{f"{path}__in": ids})
    if open_rows and model._meta.label_lower in NO_COUNTRY_IS_OPEN:
        place |= Q(**{f"{path}__isnull": True})
    return place


@dataclass
class Access:
    """The rights of one user or token, computed once per request."""

    everywhere: frozenset[str] = frozenset()  # permissions held in every country
    by_country: dict[int, frozenset[str]] = field(default_factory=dict)
    is_superuser: bool = False
    user_id: int | None = None  # whose own records (OWNER_PATHS) these are; None for a token

    # --- questions -----------------------------------------------------------
    def perms(self, country_id: int | None) -> frozenset[str]:
        return self.everywhere | self.by_country.get(country_id, frozenset())

    def can(self, perm: str, country_id: int | None = None) -> bool:
        """May they do ``perm`` in that country (or, with no country, in any)?"""
        if country_id is None:
            return perm in self.everywhere or any(perm in p for p in self.by_country.values())
        return perm in self.perms(country_id)

    def country_ids(self, perm: str = Perm.VIEW, *more: str) -> set[int] | None:
        """The countries where ``perm`` (and every one of ``more``) holds; None means all of them."""
        wanted = {perm, *more}
        if wanted <= self.everywhere:
            return None
        return {cid for cid in self.by_country if wanted <= self.perms(cid)}

    @property
    def is_anonymous(self) -> bool:
        return not self.everywhere and not self.by_country and not self.is_superuser

    def can_audit(self, country_id: int | None = None) -> bool:
        """May they read the audit trail (of that country, or of any)?"""
        return self.can(Perm.AUDIT_VIEW, country_id)

    def can_view(self, obj: Model) -> bool:
        return self.can(read_perm(obj), self.country_id_of(obj))

    def can_edit(self, obj: Model) -> bool:
        return self.can(write_perm(obj), self.country_id_of(obj))

    @staticmethod
    def country_id_of(obj: Model) -> int | None:
        path = country_path(obj)
        if path is None:
            return None
        if not path:
            return obj.pk
        target = obj
        parts = path.split("__")
        for part in parts[:-1]:
            target = getattr(target, part)
        return getattr(target, f"{parts[-1]}_id")

    # --- querysets -------------------------------------------------------------
    def scope(self, queryset: QuerySet, perm: str | None = None) -> QuerySet:
        """Only the rows this user or token may ``perm`` (default: read)."""
        model = queryset.model
        perm = perm or read_perm(model)
        if perm == read_perm(model) and getattr(queryset, "_scoped_for", None) is self:
            return queryset  # the manager already kept exactly these rows
        ids = self.country_ids(perm)
        if ids is None:
            return queryset
        return queryset.filter(_country_q(model, ids, open_rows=True))

    def countries(self, perm: str = Perm.VIEW):
        return self.scope(apps.get_model("opsportal", "Country").objects.all(), perm)

    def scope_history(self, queryset: QuerySet, *perms: str) -> QuerySet:
        """Only the simple-history rows of records this user or token may read (and ``perms``).

        Rows are placed by the country they carry, so a deleted record's trail stays with its
        country. Child records (an event's tasks) reach their country through the parent's
        live row or its history, so the trail of a task survives the deletion of its event.
        """
        model = queryset.model.instance_type
        ids = self.country_ids(read_perm(model), *perms)
        if ids is None:
            return queryset
        if not ids:
            return queryset.none()
        return queryset.filter(_in_countries(model, ids))

    def scope_audit_entries(self, queryset: QuerySet) -> QuerySet:
        """Batch audit entries (``AuditEntry``) of the countries where they may read the trail.

        Entries without a country belong to administrators; government entries need the
        government permission in their country.
        """
        ids = self.country_ids(Perm.AUDIT_VIEW)
        gov_ids = self.country_ids(Perm.AUDIT_VIEW, Perm.GOVERNMENT_VIEW)
        fin_ids = self.country_ids(Perm.AUDIT_VIEW, Perm.FINANCE_VIEW)
        if ids is not None and not ids:
            return queryset.none()
        government = Q(model__in=GOVERNMENT_MODELS)
        finance = Q(model__in=FINANCE_MODELS)
        plain = ~government & ~finance if ids is None else Q(country_id__in=ids) & ~government & ~finance
        gov = government if gov_ids is None else government & Q(country_id__in=gov_ids)
        fin = finance if fin_ids is None else finance & Q(country_id__in=fin_ids)
        return queryset.filter(plain | gov | fin)


def in_country(queryset: QuerySet, country) -> QuerySet:
    """The rows of one country (a Country or its id), reached by the model's ``COUNTRY_PATHS``.

    Narrows within the active scope (a page of the person's current country, a country's
    report, a country feed); it never widens it.
    """
    return queryset.filter(_country_q(queryset.model, {getattr(country, "pk", country)}))


NO_ACCESS = Access()
SYSTEM = Access(everywhere=ALL_PERMISSIONS, is_superuser=True)  # tasks and commands: every country


def _in_countries(model, ids: set[int]) -> Q:
    """A filter placing rows of ``model`` (live or historical) in ``ids`` by their country path."""
    path = country_path(model)
    if not path:
        return _country_q(model, ids)
    parts = path.split("__")
    if len(parts) == 1:
        return Q(**{f"{parts[0]}_id__in": ids})
    # The parent may be gone (a deleted event's tasks): look in its history as well.
    parent = model._meta.get_field(parts[0]).related_model
    column = f"{parts[0]}_id__in"
    live = parent._default_manager.filter(_in_countries(parent, ids)).values("pk")
    place = Q(**{column: live})
    history = getattr(parent._meta, "simple_history_manager_attribute", None)
    if history:
        past = getattr(parent, history).model.objects.filter(_in_countries(parent, ids)).values("id")
        place |= Q(**{column: past})
    return place


def access_for_request(request) -> Access:
    """The rights behind a request: its signed-in person or, on the API, its token."""
    return access_for_user(getattr(request, "user", None))


def access_of(who) -> Access:
    """The rights of ``who``: an ``Access`` as it is, or a request (its person's or token's)."""
    if isinstance(who, Access):
        return who
    return getattr(who, "access", None) or access_for_request(who)


def get_scoped_or_404(who, queryset: QuerySet, perm: str | None = None, **lookup) -> Model:
    """One record ``who`` (an Access or a request) may read (or ``perm``); anything else is a 404.

    Another country's record answers 404, never 403: nobody learns that it exists. A request
    may carry ``record_found`` (the portal does: it shows the record in its country's time).
    """
    obj = access_of(who).scope(queryset, perm).filter(**lookup).first()
    if obj is None:
        raise Http404
    found = getattr(who, "record_found", None)
    if found is not None:
        found(obj)
    return obj


def require_edit(who, obj: Model | None = None, perm: str | None = None) -> None:
    """Refuse a write on the server, whatever the page showed.

    With a record: 404 when ``who`` cannot even read it (another country's), 403 when they may
    read but not edit it. With none: 403 unless they hold ``perm`` (default: edit) in the
    request's current country (the portal's ``request.country``).
    """
    access = access_of(who)
    if obj is None:
        country = getattr(who, "country", None)
        if not access.can(perm or Perm.EDIT, getattr(country, "pk", None)):
            raise PermissionDenied
        return
    if not access.can_view(obj):
        raise Http404
    if not access.can(perm or write_perm(obj), access.country_id_of(obj)):
        raise PermissionDenied


def access_for_user(user) -> Access:
    """The user's rights, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_opsportal_access", None)
    if cached is not None:
        return cached
    if getattr(user, "is_token", False):
        access = access_for_token(user.token)
    elif user.is_superuser:
        access = Access(everywhere=ALL_PERMISSIONS, is_superuser=True, user_id=user.pk)
    else:
        # By the app registry: the floor reads the team without importing the app above it.
        TeamMembership = apps.get_model("opsportal", "TeamMembership")  # noqa: N806
        # The profile the language middleware already read for this request (Django keeps it on
        # the user, a missing one too): no second query for two of its columns.
        profile = getattr(user, "profile", None)
        hq, hq_finance = (profile.hq_access, profile.hq_finance) if profile is not None else ("", False)
        by_country: dict[int, frozenset[str]] = {}
        # Whose rights these are decides the scope: read the seats across every country.
        seats = TeamMembership._base_manager.filter(user=user).values_list("country_id", "role")
        for country_id, role in seats:
            by_country[country_id] = by_country.get(country_id, frozenset()) | ROLE_PERMISSIONS.get(role, frozenset())
        everywhere = HQ_PERMISSIONS.get(hq or "", frozenset())
        if hq_finance:
            everywhere |= HQ_FINANCE_PERMISSIONS
        access = Access(everywhere=everywhere, by_country=by_country, user_id=user.pk)
    user._opsportal_access = access
    return access


def access_for_token(token) -> Access:
    """An integration's rights: its countries, its scopes (read, write, government)."""
    from opsportal.models.tokens import Scope

    if token is None or not token.is_active:
        return NO_ACCESS
    perms: set[str] = set()
    if token.has_scope(Scope.READ) or token.has_scope(Scope.WRITE):
        perms.add(Perm.VIEW)
    if token.has_scope(Scope.WRITE):
        perms.add(Perm.EDIT)
    if token.has_scope(Scope.GOVERNMENT):
        perms.add(Perm.GOVERNMENT_VIEW)
        if token.has_scope(Scope.WRITE):
            perms.add(Perm.GOVERNMENT_EDIT)
    if token.has_scope(Scope.FINANCE):
        perms.add(Perm.FINANCE_VIEW)
        if token.has_scope(Scope.WRITE):
            perms.add(Perm.FINANCE_EDIT)
    frozen = frozenset(perms)
    # The API's authentication fetches the ids with the token: one query per request, not two.
    country_ids = getattr(token, "country_ids", None)
    if country_ids is None:
        # The token's own countries, before any scope exists: read from the link table, which
        # holds ids only (no country's records), so no scope is needed.
        countries = token.countries
        country_ids = list(
            countries.through.objects.filter(**{countries.source_field_name: token.pk}).values_list(
                f"{countries.target_field_name}_id", flat=True
            )
        )
    return Access(by_country=dict.fromkeys(country_ids, frozen))
