"""Who may see and do what: the one place every door asks.

A person's rights come from their team memberships (role per country), HQ access on their
profile, or superuser status; an integration's from its API token (countries and scopes).
Every query a door runs goes through ``Access.scope()``: another country's record simply
is not in the queryset, so it answers 404 rather than confirming it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from locales.models import HQAccess, Role


class Perm:
    VIEW = "view"
    EDIT = "edit"
    GOVERNMENT_VIEW = "government.view"
    GOVERNMENT_EDIT = "government.edit"
    MANAGE_REPORTS = "reports.manage"
    AUDIT_VIEW = "audit.view"


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEAD: frozenset(
        {Perm.VIEW, Perm.EDIT, Perm.GOVERNMENT_VIEW, Perm.GOVERNMENT_EDIT, Perm.MANAGE_REPORTS, Perm.AUDIT_VIEW}
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
    {Perm.VIEW, Perm.EDIT, Perm.GOVERNMENT_VIEW, Perm.GOVERNMENT_EDIT, Perm.MANAGE_REPORTS, Perm.AUDIT_VIEW}
)

# How each record reaches its country. Government records need the government permissions.
COUNTRY_PATHS: dict[str, str] = {
    "locales.country": "",
    "locales.culturalmoment": "country",
    "locales.culturalmomentoccurrence": "moment__country",
    "locales.teammembership": "country",
    "locales.governmentcontact": "country",
    "locales.governmentinteraction": "country",
    "locales.regulatoryincident": "country",
    "locales.governmentcommitment": "country",
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
}

GOVERNMENT_MODELS = frozenset(
    {
        "locales.governmentcontact",
        "locales.governmentinteraction",
        "locales.regulatoryincident",
        "locales.governmentcommitment",
    }
)


def is_government(model: type[Model] | Model) -> bool:
    return model._meta.label_lower in GOVERNMENT_MODELS


def read_perm(model) -> str:
    return Perm.GOVERNMENT_VIEW if is_government(model) else Perm.VIEW


def write_perm(model) -> str:
    return Perm.GOVERNMENT_EDIT if is_government(model) else Perm.EDIT


def country_path(model) -> str:
    return COUNTRY_PATHS[model._meta.label_lower]


@dataclass
class Access:
    """The rights of one user or token, computed once per request."""

    everywhere: frozenset[str] = frozenset()  # permissions held in every country
    by_country: dict[int, frozenset[str]] = field(default_factory=dict)
    is_superuser: bool = False

    # --- questions -----------------------------------------------------------
    def perms(self, country_id: int | None) -> frozenset[str]:
        return self.everywhere | self.by_country.get(country_id, frozenset())

    def can(self, perm: str, country_id: int | None = None) -> bool:
        """May they do ``perm`` in that country (or, with no country, in any)?"""
        if country_id is None:
            return perm in self.everywhere or any(perm in p for p in self.by_country.values())
        return perm in self.perms(country_id)

    def country_ids(self, perm: str = Perm.VIEW) -> set[int] | None:
        """The countries where ``perm`` holds; None means all of them."""
        if perm in self.everywhere:
            return None
        return {cid for cid, perms in self.by_country.items() if perm in perms}

    def can_view(self, obj: Model) -> bool:
        return self.can(read_perm(obj), self.country_id_of(obj))

    def can_edit(self, obj: Model) -> bool:
        return self.can(write_perm(obj), self.country_id_of(obj))

    @staticmethod
    def country_id_of(obj: Model) -> int | None:
        path = country_path(obj)
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
        ids = self.country_ids(perm)
        if ids is None:
            return queryset
        path = country_path(model)
        lookup = "pk__in" if not path else f"{path}__in"
        return queryset.filter(**{lookup: ids})

    def countries(self, perm: str = Perm.VIEW):
        from locales.models import Country

        return self.scope(Country.objects.all(), perm)


NO_ACCESS = Access()


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
        access = Access(everywhere=ALL_PERMISSIONS, is_superuser=True)
    else:
        from locales.models import StaffProfile, TeamMembership

        hq = StaffProfile.objects.filter(user=user).values_list("hq_access", flat=True).first() or ""
        by_country: dict[int, frozenset[str]] = {}
        for country_id, role in TeamMembership.objects.filter(user=user).values_list("country_id", "role"):
            by_country[country_id] = by_country.get(country_id, frozenset()) | ROLE_PERMISSIONS.get(role, frozenset())
        access = Access(everywhere=HQ_PERMISSIONS.get(hq, frozenset()), by_country=by_country)
    user._opsportal_access = access
    return access


def access_for_token(token) -> Access:
    """An integration's rights: its countries, its scopes (read, write, government)."""
    from opsportal.models import Scope

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
    frozen = frozenset(perms)
    country_ids = list(token.countries.values_list("pk", flat=True))
    return Access(by_country={cid: frozen for cid in country_ids})
