"""Country goals, external figures and the attainment of a quarter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from goals.models import CountryGoal, ExternalFigure, Metric
from goals.selectors import Standing
from opsportal.api.serializers import OpsModelSerializer, self_link


class GoalSerializer(OpsModelSerializer):
    url = self_link("goal")

    class Meta:
        model = CountryGoal
        fields = ["id", "url", "country", "year", "quarter", "metric", "target", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        # One goal per country, quarter and metric: the service checks it (a 400 naming the
        # fields), so the API needs no validator of its own that would query outside the scope.
        validators = []


class ExternalFigureSerializer(OpsModelSerializer):
    url = self_link("external-figure")
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ExternalFigure
        fields = [
            "id",
            "url",
            "country",
            "metric",
            "measured_on",
            "value",
            "source",
            "entered_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["entered_by", "created_at", "updated_at"]
        validators = []


class MetricAttainmentSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    label = serializers.CharField()
    target = serializers.IntegerField(allow_null=True, help_text=_("None without a goal for this metric."))
    actual = serializers.IntegerField(allow_null=True, help_text=_("None for an outside figure not entered yet."))
    percent = serializers.IntegerField(
        allow_null=True, help_text=_("Share of the target reached; a rank: target ÷ rank.")
    )
    expected = serializers.IntegerField(
        allow_null=True, help_text=_("Where a steady pace through the quarter would be today.")
    )
    pace_per_week = serializers.IntegerField(
        allow_null=True, help_text=_("Needed each week for the rest of the quarter.")
    )
    standing = serializers.ChoiceField(choices=list(Standing.LABELS.items()), allow_null=True)
    lower_is_better = serializers.BooleanField()
    from_records = serializers.BooleanField()
    source = serializers.CharField(help_text=_("Where the figure comes from: the records, or the outside source."))
    measured_on = serializers.DateField(allow_null=True)
    goal = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class CountryAttainmentSerializer(serializers.Serializer):
    country = serializers.CharField(help_text=_("ISO 3166-1 code."))
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    elapsed = serializers.FloatField(help_text=_("Share of the quarter gone in the country's time, 0 to 1."))
    weeks_left = serializers.FloatField()
    metrics = MetricAttainmentSerializer(many=True)


class AttainmentSerializer(serializers.Serializer):
    results = CountryAttainmentSerializer(many=True)
