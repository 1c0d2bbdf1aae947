"""Every list the portal and the API show, as an export: its rows, columns and filters.

Filters are the lists' own FilterSets (``<app>/filtersets.py``), so a query string that filters a
list filters its export the same way. Columns are the record's fields under their own names
(the import reads the same names back); a related record appears by its natural key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.access import country_path

# How a related record is named in a cell.
NATURAL_NAMES = {
    "opsportal.country": "code",
    "auth.user": "username",
    "challenges.challenge": "hashtag",
    "influencers.influencer": "name",
    "influencers.platformaccount": "handle",
    "events.event": "name",
    "events.partner": "name",
    "locales.culturalmoment": "name",
    "locales.governmentcontact": "person_name",
    "locales.regulatoryincident": "title",
    "agreements.agreement": "title",
    "locales.regulatorrequest": "reference",
}
SKIPPED_FIELDS = {"created_by", "erased_at", "copied_from", "done_by"}
PLATFORMS = ("tiktok", "youtube", "instagram", "facebook", "x")


@dataclass
class Column:
    header: str
    value: Callable[[Any], Any]
    related: str = ""  # select_related path the value needs


@dataclass
class ExportList:
    name: str
    model_label: str
    filterset: str = ""  # "app.filtersets.ClassName"
    label: Any = ""
    prefetch: tuple = ()
    extra: Callable[[], list[Column]] | None = None
    exclude: set = field(default_factory=set)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def filterset_class(self):
        """The list's own FilterSet, or one with only ``country`` when the app has none."""
        if self.filterset:
            module, _dot, name = self.filterset.rpartition(".")
            try:
                return getattr(import_module(module), name)
            except (ImportError, AttributeError):
                pass
        return _country_only_filterset(self.model)

    def columns(self) -> list[Column]:
        columns = []
        for f in self.model._meta.concrete_fields:
            if f.name in SKIPPED_FIELDS or f.name in self.exclude:
                continue
            if f.is_relation:
                attr = NATURAL_NAMES.get(f.related_model._meta.label_lower, "pk")
                columns.append(Column(f.name, _related(f.name, attr), related=f.name))
            else:
                columns.append(Column(f.name, _attribute(f.attname)))
        if self.extra:
            columns.extend(self.extra())
        return columns

    def queryset(self, columns: list[Column]):
        path = country_path(self.model)
        related = {c.related for c in columns if c.related}
        if path:
            related.add(path)
        queryset = self.model._default_manager.select_related(*sorted(related))
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset

    def rows(self, queryset, columns: list[Column]) -> Iterator[list]:
        """Rows in each record's own country time; fetched in chunks, never all at once."""
        path = country_path(self.model)
        zones: dict[int, Any] = {}
        for obj in queryset.iterator(chunk_size=1000):
            # A record without a country (an exchange rate: path None) keeps UTC times.
            country = _walk(obj, path) if path else (obj if path == "" else None)
            zone = zones.get(country.pk) if country is not None else None
            if zone is None and country is not None:
                zone = zones.setdefault(country.pk, country.zone)
            yield [_localise(c.value(obj), zone) for c in columns]


def _attribute(name: str):
    return lambda obj: getattr(obj, name)


def _related(name: str, attr: str):
    def value(obj):
        target = getattr(obj, name)
        return getattr(target, attr) if target is not None else None

    return value


def _walk(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def _localise(value, zone):
    if isinstance(value, dt.datetime) and zone is not None:
        return timezone.localtime(value, zone)
    return value


def _country_only_filterset(model):
    import django_filters

    try:
        from opsportal.filtersets import country_filter
    except ImportError:  # pragma: no cover - the filtersets module is part of the project
        country_filter = None
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": []})}
    if country_filter is not None and country_path(model):
        attrs["country"] = country_filter(model)
    return type(f"{model.__name__}ExportFilterSet", (django_filters.FilterSet,), attrs)


# --- influencers: accounts and categories as columns, the way teams keep their sheets ---------


def _influencer_columns() -> list[Column]:
    def accounts(obj, platform):
        return [a for a in obj.accounts.all() if a.platform == platform]

    columns = [Column("categories", lambda obj: [c.name for c in obj.categories.all()])]
    for platform in PLATFORMS:
        columns.append(Column(platform, lambda obj, p=platform: ", ".join(a.handle for a in accounts(obj, p))))
        columns.append(
            Column(
                f"{platform}_followers",
                lambda obj, p=platform: sum(a.followers for a in accounts(obj, p)) if accounts(obj, p) else None,
            )
        )
    return columns


def _moment_columns() -> list[Column]:
    def next_occurrence(obj):
        today = timezone.localdate(timezone=obj.country.zone)  # the moment's own day, as in the portal
        upcoming = [o for o in obj.occurrences.all() if o.ends_on >= today]
        return min(upcoming, key=lambda o: o.starts_on) if upcoming else None

    return [
        Column("next_starts_on", lambda obj: getattr(next_occurrence(obj), "starts_on", None)),
        Column("next_ends_on", lambda obj: getattr(next_occurrence(obj), "ends_on", None)),
    ]


def _goal_columns() -> list[Column]:
    """Each goal beside its attainment: computed per quarter for every country of the scope at
    once (goals.selectors, a fixed number of queries per quarter in the file), not per row."""
    from goals.quarters import Quarter
    from goals.selectors import attainment
    from locales.models import Country

    found: dict[Quarter, dict[tuple[int, str], Any]] = {}

    def figure(obj):
        quarter = Quarter.parse(obj.year, obj.quarter)  # None for a row the service would refuse
        if quarter is None:
            return None
        if quarter not in found:
            found[quarter] = {
                (entry.country.pk, m.metric): m
                for entry in attainment(Country.objects.order_by("pk"), quarter)
                for m in entry.metrics
            }
        return found[quarter].get((obj.country_id, obj.metric))

    def value(name):
        return lambda obj: getattr(figure(obj), name, None)

    return [
        Column("actual", value("actual")),
        Column("percent", value("percent")),
        Column("expected", value("expected")),
        Column("pace_per_week", value("pace_per_week")),
        Column("standing", value("standing")),
        Column("source", lambda obj: str(getattr(figure(obj), "source", "") or "")),
    ]


LISTS: dict[str, ExportList] = {
    spec.name: spec
    for spec in [
        ExportList(
            "influencers",
            "influencers.Influencer",
            "influencers.filtersets.InfluencerFilterSet",
            _("Influencers"),
            prefetch=("accounts", "categories"),
            # The dashboard's cached figure, not a fact of the record.
            exclude={"week_gain", "week_gain_since"},
            extra=_influencer_columns,
        ),
        ExportList(
            "platform-accounts",
            "influencers.PlatformAccount",
            "influencers.filtersets.PlatformAccountFilterSet",
            _("Platform accounts"),
        ),
        ExportList(
            "follower-snapshots",
            "influencers.FollowerSnapshot",
            "influencers.filtersets.FollowerSnapshotFilterSet",
            _("Follower counts"),
        ),
        ExportList(
            "outreach",
            "influencers.InfluencerInteraction",
            "influencers.filtersets.InfluencerInteractionFilterSet",
            _("Outreach log"),
        ),
        ExportList("challenges", "challenges.Challenge", "challenges.filtersets.ChallengeFilterSet", _("Challenges")),
        ExportList(
            "participations",
            "challenges.ChallengeParticipation",
            "challenges.filtersets.ParticipationFilterSet",
            _("Challenge participations"),
        ),
        ExportList(
            "metrics",
            "challenges.ChallengeMetricSnapshot",
            "challenges.filtersets.MetricSnapshotFilterSet",
            _("Challenge metric snapshots"),
        ),
        ExportList("events", "events.Event", "events.filtersets.EventFilterSet", _("Events")),
        ExportList("event-tasks", "events.EventTask", "events.filtersets.EventTaskFilterSet", _("Event tasks")),
        ExportList("event-guests", "events.EventGuest", "events.filtersets.EventGuestFilterSet", _("Event guests")),
        ExportList(
            "event-partners", "events.EventPartner", "events.filtersets.EventPartnerFilterSet", _("Event partners")
        ),
        ExportList("partners", "events.Partner", "events.filtersets.PartnerFilterSet", _("Partners")),
        # Money (finance.view only: the export view asks the model's read permission).
        ExportList("budget-lines", "budgets.BudgetLine", "budgets.filtersets.BudgetLineFilterSet", _("Budget lines")),
        ExportList(
            "exchange-rates", "budgets.ExchangeRate", "budgets.filtersets.ExchangeRateFilterSet", _("Exchange rates")
        ),
        ExportList(
            "cultural-moments",
            "locales.CulturalMoment",
            "locales.filtersets.CulturalMomentFilterSet",
            _("Cultural moments"),
            prefetch=("occurrences",),
            extra=_moment_columns,
        ),
        ExportList(
            "goals", "goals.CountryGoal", "goals.filtersets.GoalFilterSet", _("Country goals"), extra=_goal_columns
        ),
        ExportList(
            "external-figures",
            "goals.ExternalFigure",
            "goals.filtersets.ExternalFigureFilterSet",
            _("Figures from outside"),
        ),
        ExportList("team", "opsportal.TeamMembership", "locales.filtersets.MembershipFilterSet", _("Team")),
        ExportList(
            "government-contacts",
            "locales.GovernmentContact",
            "locales.filtersets.GovernmentContactFilterSet",
            _("Government contacts"),
        ),
        ExportList(
            "government-interactions",
            "locales.GovernmentInteraction",
            "locales.filtersets.GovernmentInteractionFilterSet",
            _("Government interactions"),
        ),
        ExportList(
            "incidents",
            "locales.RegulatoryIncident",
            "locales.filtersets.RegulatoryIncidentFilterSet",
            _("Regulatory incidents"),
        ),
        ExportList(
            "commitments",
            "locales.GovernmentCommitment",
            "locales.filtersets.GovernmentCommitmentFilterSet",
            _("Government commitments"),
        ),
        # Finance records: the export view asks read_perm (finance.view) like every door.
        ExportList(
            "agreements",
            "agreements.Agreement",
            "agreements.filtersets.AgreementFilterSet",
            _("Creator agreements"),
            exclude={"signed_file"},  # a storage path, not data: the file is downloaded from its page
        ),
        ExportList("payments", "agreements.Payment", "agreements.filtersets.PaymentFilterSet", _("Creator payments")),
        ExportList(
            "regulator-requests",
            "locales.RegulatorRequest",
            "locales.filtersets.RegulatorRequestFilterSet",
            _("Regulator requests"),
        ),
        ExportList(
            "regulator-request-items",
            "locales.RequestItem",
            "locales.filtersets.RequestItemFilterSet",
            _("Regulator request items"),
        ),
    ]
}
