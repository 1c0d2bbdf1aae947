"""Agreement endpoints (the finance scope: ``finance.view`` to read, ``finance.edit`` to write)."""

from __future__ import annotations

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
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import AgreementSerializer, DeliverableSerializer, PaymentSerializer


class AgreementViewSet(OpsModelViewSet):
    """Agreements with creators: deliverables, fee and currency, status, payments made."""

    queryset = selectors.agreement_list(Agreement.objects.all())
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return agreement_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        agreement_delete(instance, by=acting_user(self.request))


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

