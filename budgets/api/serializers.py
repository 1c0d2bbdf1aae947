"""Budget lines (amounts as decimal strings in ``currency``) and exchange rates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from budgets.models import BudgetLine, ExchangeRate
from opsportal.api.fields import UserRefField
from opsportal.api.serializers import OpsModelSerializer, self_link


class BudgetLineSerializer(OpsModelSerializer):
    url = self_link("budget-line")
    planned = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        help_text=_('A decimal string in `currency`, e.g. "150000000.00".'),
    )
    actual = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        help_text=_("Blank (null) until it is known."),
    )
    currency = serializers.CharField(
        max_length=3,
        required=False,
        help_text=_("ISO 4217; defaults to the event's (or the challenge's country's) currency."),
    )

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "url",
            "country",
            "event",
            "challenge",
            "category",
            "description",
            "planned",
            "actual",
            "currency",
            "spent_on",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["country", "created_at", "updated_at"]

    def validate(self, attrs):
        # The line's country is its record's: the write check (finance.edit there) asks it.
        event = attrs.get("event", getattr(self.instance, "event", None))
        challenge = attrs.get("challenge", getattr(self.instance, "challenge", None))
        record = event or challenge
        if record is not None and (event is None) != (challenge is None):
            attrs["country"] = record.country
        return attrs


class ExchangeRateSerializer(OpsModelSerializer):
    url = self_link("exchange-rate")
    rate = serializers.DecimalField(
        max_digits=20,
        decimal_places=10,
        help_text=_("What one unit of `currency` is worth in `reporting_currency`, as a decimal string."),
    )
    reporting_currency = serializers.CharField(
        max_length=3, required=False, help_text=_("ISO 4217; defaults to the reporting currency (USD).")
    )
    entered_by = UserRefField(source="created_by", read_only=True)

    class Meta:
        model = ExchangeRate
        fields = [
            "id",
            "url",
            "currency",
            "reporting_currency",
            "rate",
            "valid_on",
            "source",
            "entered_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
