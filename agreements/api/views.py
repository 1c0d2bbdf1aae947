"""Agreement endpoints (the finance scope: ``finance.view`` to read, ``finance.edit`` to write)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from agreements import selectors
from agreements.filtersets import AgreementFilterSet, DeliverableFilterSet, PaymentFilterSet
from agreements.models import Agreement, Deliverable, Payment
from agreements.services import (
    agreement_delete,
    agreement_save,
    deliverable_delete,
    deliverable_save,
    payment_delete,
    payment_save,
)
from challenges.models import Challenge
from opsportal.access import Perm, get_scoped_or_404
from opsportal.api.schema import errors
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import AgreementSerializer, ChallengeSpendSerializer, DeliverableSerializer, PaymentSerializer


class AgreementViewSet(OpsModelViewSet):
    """Agreements with creators: deliverables, fee and currency, status, payments made."""

    queryset = selectors.agreement_list(Agreement.objects.all())
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return agreement_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        agreement_delete(instance, by=acting_user(self.request))

    @extend_schema(
        parameters=[OpenApiParameter("challenge", int, required=True, description="The challenge's id.")],
        responses={200: ChallengeSpendSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=False, methods=["get"], url_path="challenge-spend", filter_backends=[], pagination_class=None)
    def challenge_spend(self, request):
        """Paid creator spend on a challenge and its cost per thousand views gained, per currency."""
        value = request.query_params.get("challenge", "")
        if not value.isdecimal():
            raise DRFValidationError({"challenge": [_("Give the challenge's id.")]})
        challenge = get_scoped_or_404(request, Challenge.objects.all(), pk=int(value))
        if not self.access.can(Perm.FINANCE_VIEW, challenge.country_id):
            raise NotFound()
        return Response(ChallengeSpendSerializer(selectors.challenge_spend(challenge), many=True).data)


class DeliverableViewSet(OpsModelViewSet):
    """What a creator delivers under an agreement (mark it delivered in the portal)."""

    queryset = Deliverable.objects.select_related("agreement")
    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return deliverable_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        deliverable_delete(instance, by=acting_user(self.request))


class PaymentViewSet(OpsModelViewSet):
    """Payments due and paid under an agreement, in its currency."""

    queryset = Payment.objects.select_related("agreement")
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return payment_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        payment_delete(instance, by=acting_user(self.request))
