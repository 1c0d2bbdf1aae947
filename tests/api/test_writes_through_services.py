"""Every API write of a record whose rules live in a service goes through that service.

The admin's registry (``opsportal.admin_writes.WRITERS``) names each record's save and delete
services; an API viewset of such a record must not fall back on the plain save or delete of
``OpsModelViewSet`` (the way a DELETE once skipped a partner's last contact and a shared
creator's guard)."""

from __future__ import annotations

import pytest

from opsportal.admin_writes import WRITERS
from opsportal.api.viewsets import CreateMixin, DestroyMixin, OpsGenericViewSet
from opsportal.api_urls import router

# Writable resources of records with services (markets and team seats have none).
WRITABLE = [
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if issubclass(viewset, CreateMixin)
    and getattr(viewset, "queryset", None) is not None
    and viewset.queryset.model in WRITERS
]


@pytest.mark.parametrize(("prefix", "viewset"), WRITABLE, ids=[p for p, _v in WRITABLE])
def test_the_api_saves_and_deletes_through_the_records_services(prefix, viewset):
    writer = WRITERS[viewset.queryset.model]
    assert viewset.save_instance is not OpsGenericViewSet.save_instance, f"{prefix}: saved without its service"
    if writer.delete is not None and issubclass(viewset, DestroyMixin):
        assert viewset.perform_destroy is not OpsGenericViewSet.perform_destroy, (
            f"{prefix}: deleted without {writer.delete.__name__}"
        )
