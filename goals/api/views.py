"""Goals (leads write them: ``goals.edit``; everyone who views reads), external figures (written
with ``edit``), and attainment per country and quarter."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from goals.filtersets import ExternalFigureFilterSet, GoalFilterSet
from goals.models import CountryGoal, ExternalFigure
from goals.quarters import Quarter
from goals.selectors import attainment, current_quarter, external_figure_list, goal_list
from goals.services import external_figure_delete, external_figure_save, goal_delete, goal_save
from locales.models import Country
from opsportal.access import get_scoped_or_404
from opsportal.api.schema import errors
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import AttainmentSerializer, ExternalFigureSerializer, GoalSerializer


class GoalViewSet(OpsModelViewSet):
    """A country's targets per quarter and metric. Country leads (and administrators) write them."""

    queryset = goal_list(CountryGoal.objects.all())
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return goal_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        with transaction.atomic():
            goal_delete(instance, by=acting_user(self.request))

    @extend_schema(
        summary="Attainment of a quarter's goals",
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR, description="A country code; all you may read without it."),
            OpenApiParameter("year", OpenApiTypes.INT, description="With `quarter`; the current quarter without them."),
            OpenApiParameter("quarter", OpenApiTypes.INT, description="1 to 4."),
        ],
        responses={200: AttainmentSerializer, **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def attainment(self, request):
        params = request.query_params
        code = (params.get("country") or "").strip().upper()
        countries = (
            [get_scoped_or_404(self.access, Country.objects.all(), code=code)]
            if code
            else list(self.access.countries().order_by("name"))
        )
        quarter = None
        if params.get("year") or params.get("quarter"):
            quarter = Quarter.parse(params.get("year"), params.get("quarter"))
            if quarter is None:
                raise serializers.ValidationError(
                    {"quarter": [_("Give a year (2000–2100) and a quarter from 1 to 4.")]}
                )
        results = []
        groups: dict[Quarter, list] = {}
        for country in countries:
            groups.setdefault(quarter or current_quarter(country), []).append(country)
        by_country = {}
        for asked, group in groups.items():
            for entry in attainment(group, asked):
                by_country[entry.country.pk] = entry
        for country in countries:
            entry = by_country[country.pk]
            results.append(
                {
                    "country": country.code,
                    "year": entry.quarter.year,
                    "quarter": entry.quarter.quarter,
                    "elapsed": round(entry.elapsed, 4),
                    "weeks_left": round(entry.weeks_left, 2),
                    "metrics": [m.as_dict() for m in entry.metrics],
                }
            )
        return Response({"results": results})


class ExternalFigureViewSet(OpsModelViewSet):
    """Figures measured outside OpsPortal (monthly active users, app-store chart rank), with their source."""

    queryset = external_figure_list(ExternalFigure.objects.all())
    serializer_class = ExternalFigureSerializer
    filterset_class = ExternalFigureFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return external_figure_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        with transaction.atomic():
            external_figure_delete(instance, by=acting_user(self.request))
