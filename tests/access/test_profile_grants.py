"""HQ grants come from the person's profile, read once per request with the language preference."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from locales.models import HQAccess
from opsportal.access import Perm, access_for_user
from tests import factories as f


def test_a_signed_in_page_reads_the_profile_once_and_its_hq_grant_counts(client, hq_viewer, indonesia):
    client.force_login(hq_viewer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/hq/")
    assert response.status_code == 200
    assert sum('FROM "locales_staffprofile"' in q["sql"] for q in captured.captured_queries) == 1


def test_grants_follow_the_profile_and_a_person_without_one_has_none(db, indonesia):
    finance = f.UserFactory(username="hq-finance")
    f.StaffProfileFactory(user=finance, hq_access=HQAccess.VIEWER, hq_finance=True)
    access = access_for_user(finance)
    assert access.can(Perm.VIEW, indonesia.pk) and access.can(Perm.FINANCE_VIEW, indonesia.pk)
    nobody = f.UserFactory(username="no-profile")
    assert not access_for_user(nobody).can(Perm.VIEW, indonesia.pk)
