"""References: who may hold a record (an owner, an assignee), which records may point at each other.

Both are access rules: a person a record points to receives it (its title in their inbox and
email), and a record pointing at another country's record would show it to the wrong team.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from opsportal.access import ROLE_PERMISSIONS, Access, Perm, access_for_user, write_perm

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
    "agreements.agreement": ("owner",),
    "locales.regulatorrequest": ("handler",),
}
# Records another record links to: they must be of its country, or the link shows one country's
# names on the other's pages and exports.
SAME_COUNTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "challenges.challenge": ("cultural_moment",),
    "challenges.challengeparticipation": ("influencer",),
    "events.event": ("cultural_moment", "challenge"),
    "events.eventpartner": ("partner",),
    "events.eventguest": ("influencer",),
    "agreements.agreement": ("influencer", "challenge", "event"),
    "locales.regulatorrequest": ("contact", "incident", "commitment"),
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


def colleagues(access: Access, queryset: QuerySet | None = None) -> QuerySet:
    """Active people on the teams of the countries ``access`` sees (everyone for admins and HQ)."""
    from django.contrib.auth import get_user_model

    queryset = get_user_model().objects.all() if queryset is None else queryset
    return on_teams_of(access, queryset.filter(is_active=True))


def on_teams_of(access: Access, people: QuerySet) -> QuerySet:
    """The people of ``people`` who sit on a team of a country ``access`` sees (all for admins, HQ)."""
    ids = access.country_ids(Perm.VIEW)
    if ids is None:
        return people
    return people.filter(memberships__country__in=ids).distinct()


def on_team(user, country_id: int | None) -> bool:
    """Does this person sit on that country's team (any role)? A rule: asked across the scope."""
    TeamMembership = apps.get_model("opsportal", "TeamMembership")  # noqa: N806  (registry: no import upward)
    return TeamMembership._base_manager.filter(user=user, country_id=country_id).exists()


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
    TeamMembership = apps.get_model("opsportal", "TeamMembership")  # noqa: N806  (registry: no import upward)
    # A rule about the record's country, whoever is asking: look across the scope.
    return TeamMembership._base_manager.filter(
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
    reminders stop reaching them: see ``reminders``), but nobody can pick them again.
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
