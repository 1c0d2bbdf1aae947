"""Who may see and do what: the one place every door asks.

A person's rights come from their team memberships (role per country), HQ access on their
profile, or superuser status; an integration's from its API token (countries and scopes).
Every query a door runs goes through ``Access.scope()``: another country's record simply
is not in the queryset, so it answers 404 rather than confirming it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from locales.models import HQAccess, Role


class Perm:
    VIEW = "view"
    EDIT = "edit"
    GOVERNMENT_VIEW = "government.view"
    GOVERNMENT_EDIT = "government.edit"
    MANAGE_REPORTS = "reports.manage"
    AUDIT_VIEW = "audit.view"
    MOMENTS_EDIT = "moments.edit"  # cultural moments and their dates: leads (and administrators)
    TEAM_HANDOVER = "team.handover"  # hand a leaver's records to a colleague: leads (and administrators)


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
    }
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
        if ids is not None and not ids:
            return queryset.none()
        government = Q(model__in=GOVERNMENT_MODELS)
        plain = ~government if ids is None else Q(country_id__in=ids) & ~government
        if gov_ids is None:
            return queryset.filter(plain | government)
        return queryset.filter(plain | (government & Q(country_id__in=gov_ids)))


NO_ACCESS = Access()


def _in_countries(model, ids: set[int]) -> Q:
    """A filter placing rows of ``model`` (live or historical) in ``ids`` by their country path."""
    path = country_path(model)
    if not path:
        return Q(id__in=ids)
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


def get_scoped_or_404(access: Access, queryset: QuerySet, perm: str | None = None, **lookup) -> Model:
    """One record ``access`` may read (or ``perm``); anything else is a 404, never a 403."""
    obj = access.scope(queryset, perm).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def require_edit(access: Access, obj: Model) -> None:
    """Refuse a write on the server: 404 when they cannot even read it, 403 when read-only."""
    if not access.can_view(obj):
        raise Http404
    if not access.can_edit(obj):
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
    # The API's authentication fetches the ids with the token: one query per request, not two.
    country_ids = getattr(token, "country_ids", None)
    if country_ids is None:
        country_ids = list(token.countries.values_list("pk", flat=True))
    return Access(by_country=dict.fromkeys(country_ids, frozen))


# --- References: who may hold a record, which records may point at each other -----------------
# People a record points to (an owner, an assignee) receive it: its title in their inbox and email,
# its tasks in their digest. They must be on the team of the record's country with a role that may
# edit it; anyone else would read another country's records through their own inbox.
HOLDER_FIELDS: dict[str, tuple[str, ...]] = {
    "challenges.challenge": ("owner",),
    "events.event": ("owner",),
    "events.eventtask": ("assignee",),
    "influencers.influencer": ("relationship_owner",),
    "locales.governmentcontact": ("relationship_owner",),
    "locales.regulatoryincident": ("owner",),
    "locales.governmentcommitment": ("owner",),
}
# Records another record links to: they must be of its country, or the link shows one country's
# names on the other's pages and exports.
SAME_COUNTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "challenges.challenge": ("cultural_moment",),
    "challenges.challengeparticipation": ("influencer",),
    "events.event": ("cultural_moment", "challenge"),
    "events.eventpartner": ("partner",),
    "events.eventguest": ("influencer",),
}

# One answer for "no such person" and "a person you may not pick": the API's user references,
# the import's owner columns and the services all say this, so no door tells a stranger's
# username or staff email apart from one that does not exist.
NO_SUCH_PERSON = _("No such person on the team of this record's country.")
OTHER_COUNTRY_RECORD = _("This record belongs to another country.")


def holder_roles(model) -> frozenset[str]:
    """The team roles that may hold (own, be assigned) a record of ``model``: those that may edit it."""
    perm = write_perm(model)
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


def possible_holders(country, model) -> QuerySet:
    """Active people who may hold a record of ``model`` in ``country`` (the forms' choices)."""
    from django.contrib.auth import get_user_model

    country_id = getattr(country, "pk", country)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__country_id=country_id,
            memberships__role__in=holder_roles(model),
        )
        .distinct()
        .order_by("username")
    )


def may_hold(user_id: int | None, country_id: int | None, model) -> bool:
    """May this person hold a record of ``model`` in that country (see ``HOLDER_FIELDS``)?"""
    if not user_id or not country_id:
        return False
    from locales.models import TeamMembership

    return TeamMembership.objects.filter(
        user_id=user_id, user__is_active=True, country_id=country_id, role__in=holder_roles(model)
    ).exists()


def _country_id_or_none(obj: Model) -> int | None:
    try:
        return Access.country_id_of(obj)
    except ObjectDoesNotExist:  # the parent is not set yet: the field's own validation says so
        return None


def validate_references(instance: Model) -> None:
    """Raise a ValidationError naming each field that points across the record's country line.

    Called by the models' ``clean()``, so by every service and door that validates (API, portal
    forms, admin, imports). An update re-checks only the references it changes, unless the
    record moves country: a person who left the team does not block editing a title (the
    reminders stop reaching them: see ``opsportal.reminders``), but nobody can pick them again.
    """
    label = instance._meta.label_lower
    holders = HOLDER_FIELDS.get(label, ())
    links = SAME_COUNTRY_FIELDS.get(label, ())
    if not holders and not links:
        return
    country_id = _country_id_or_none(instance)
    if country_id is None:
        return
    changed = set(holders) | set(links)
    if instance.pk is not None:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        if stored is not None and _country_id_or_none(stored) == country_id:
            changed = {
                name
                for name in changed
                if getattr(stored, instance._meta.get_field(name).attname)
                != getattr(instance, instance._meta.get_field(name).attname)
            }
    errors: dict[str, str] = {}
    for name in holders:
        user_id = getattr(instance, instance._meta.get_field(name).attname)
        if name in changed and user_id and not may_hold(user_id, country_id, type(instance)):
            errors[name] = NO_SUCH_PERSON
    for name in links:
        if name not in changed or not getattr(instance, instance._meta.get_field(name).attname):
            continue
        if _country_id_or_none(getattr(instance, name)) != country_id:
            errors[name] = OTHER_COUNTRY_RECORD
    if errors:
        raise ValidationError(errors)


def may_receive(user_id: int | None, country_id: int | None, perm: str = Perm.VIEW) -> bool:
    """May this person still hear about records of that country (checked again at sending time)?"""
    if not user_id or not country_id:
        return False
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    return user is not None and access_for_user(user).can(perm, country_id)
