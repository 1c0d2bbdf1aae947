"""Agreement resources: agreements (fee as a decimal string with its currency), deliverables and
payments. Finance records: only tokens with the finance scope and finance viewers reach them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from agreements.models import Agreement, Deliverable, Payment
from opsportal.api.serializers import OpsModelSerializer, self_link


class AgreementSerializer(OpsModelSerializer):
    url = self_link("agreement")
    fee = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, help_text=_('A decimal string in `currency`, e.g. "15000000.00".')
    )
    currency = serializers.CharField(
        max_length=3, required=False, help_text=_("ISO 4217; defaults to the country's currency.")
    )
    paid = serializers.SerializerMethodField(help_text=_("The sum of the payments made, in `currency`."))
    has_signed_file = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "country",
            "influencer",
            "title",
            "challenge",
            "event",
            "starts_on",
            "ends_on",
            "status",
            "fee",
            "currency",
            "paid",
            "signed_on",
            "has_signed_file",
            "owner",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_paid(self, obj) -> str:
        paid = getattr(obj, "paid", None)
        if paid is None:
            from agreements.services import paid_total

            paid = paid_total(obj)
        return f"{paid:.2f}"

    def get_has_signed_file(self, obj) -> bool:
        return bool(obj.signed_file)


class SignedFileUploadSerializer(serializers.Serializer):
    """The signed agreement, sent as ``multipart/form-data``."""

    signed_file = serializers.FileField(
        allow_empty_file=True,  # the upload check answers an empty file in the portal's words
        help_text=_("PDF, PNG or JPEG, 10 MB at most; checked by its content, not its name."),
    )


class DeliverableSerializer(OpsModelSerializer):
    url = self_link("deliverable")

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "url",
            "agreement",
            "description",
            "hashtag",
            "videos_required",
            "due_on",
            "delivered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["delivered_at", "created_at", "updated_at"]


class PaymentSerializer(OpsModelSerializer):
    url = self_link("payment")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)

    class Meta:
        model = Payment
        fields = [
            "id",
            "url",
            "agreement",
            "amount",
            "currency",
            "due_on",
            "paid_on",
            "reference",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["currency", "created_at", "updated_at"]


class ChallengeSpendSerializer(serializers.Serializer):
    """Paid spend in one currency and what a thousand views cost (null before any views)."""

    currency = serializers.CharField()
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    views = serializers.IntegerField()
    cpm = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text=_("Paid spend / views x 1000.")
    )
