"""Budget line and exchange rate endpoints: finance records (a token needs the finance scope)."""

from __future__ import annotations

from budgets.filtersets import BudgetLineFilterSet, ExchangeRateFilterSet
from budgets.models import BudgetLine, ExchangeRate
from budgets.services import budget_line_delete, budget_line_save, exchange_rate_delete, exchange_rate_save
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import BudgetLineSerializer, ExchangeRateSerializer


class BudgetLineViewSet(OpsModelViewSet):
    """Planned and actual spend of an event or a challenge, one line per category item."""

    queryset = BudgetLine.objects.select_related("country")
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return budget_line_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        budget_line_delete(instance, by=acting_user(self.request))


class ExchangeRateViewSet(OpsModelViewSet):
    """Dated rates into the reporting currency, typed or imported by a lead or HQ."""

    queryset = ExchangeRate.objects.select_related("created_by")
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return exchange_rate_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        exchange_rate_delete(instance, by=acting_user(self.request))
