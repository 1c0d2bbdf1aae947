"""Fixtures of the security tests: the two-country world, every role, and API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from locales.models import HQAccess, Role
from opsportal.models import Scope
from tests import factories as fac

from .world import World, make_token, member


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def tokens(world):
    """API tokens of Indonesia: read, read+write, read+government (each: (token, key))."""
    return {
        "read": make_token("id-read", [world.id], [Scope.READ]),
        "write": make_token("id-write", [world.id], [Scope.READ, Scope.WRITE]),
        "government": make_token("id-gov", [world.id], [Scope.READ, Scope.GOVERNMENT]),
        "finance": make_token("id-fin", [world.id], [Scope.READ, Scope.FINANCE]),
    }


@pytest.fixture
def expired_token(world):
    return make_token("id-expired", [world.id], [Scope.READ], expires_at=timezone.now() - dt.timedelta(minutes=1))


@pytest.fixture
def roles(world):
    """Every kind of person; staff, so the admin door is exercised with their rights too."""
    hq = fac.UserFactory(username="hq-viewer", is_staff=True)
    fac.StaffProfileFactory(user=hq, hq_access=HQAccess.VIEWER)
    hq_finance = fac.UserFactory(username="hq-finance", is_staff=True)
    fac.StaffProfileFactory(user=hq_finance, hq_access=HQAccess.VIEWER, hq_finance=True)
    return {
        "hq_finance": hq_finance,
        "id_lead": member(world.id, Role.LEAD, "id-lead", staff=True),
        "id_operator": member(world.id, Role.OPERATOR, "id-operator", staff=True),
        "id_gr": member(world.id, Role.GOVERNMENT_RELATIONS, "id-gr", staff=True),
        "id_viewer": member(world.id, Role.VIEWER, "id-viewer", staff=True),
        "th_operator": member(world.th, Role.OPERATOR, "th-operator", staff=True),
        "hq_viewer": hq,
        "superuser": fac.UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
