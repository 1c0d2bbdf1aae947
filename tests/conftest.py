import os

import pytest

from locales.models import HQAccess, Role
from tests import factories as f

# CI sets OPSPORTAL_REQUIRE_SERVICES=1: a test that would skip for want of a service fails instead.
REQUIRE_SERVICES = os.environ.get("OPSPORTAL_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required in CI: OPSPORTAL_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    """``@pytest.mark.postgresql(reason=...)``: the behaviour exists only there (README lists them)."""
    marker = item.get_closest_marker("postgresql")
    if marker is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            pytest.skip(f"PostgreSQL only: {reason}")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.AXES_ENABLED = False
    # Failed sign-ins of one test must not slow the next one's (the cache outlives a test).
    settings.OPSPORTAL_SIGNIN_SOFT_LIMIT = 10_000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _test_code_unscoped():
    """Factories, fixtures (module-scoped seeds too) and assertions run outside the country
    scope (pretix's ``scopes_disabled``); requests through the test and API clients, tasks and
    commands still enter their own real scope, so a leak through a door is caught."""
    from opsportal.scope import unscoped

    with unscoped():
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """``@pytest.mark.real_scope``: the test's body (not its fixtures) runs with no scope active,
    as product code outside any door would: its queries on country-scoped models raise."""
    if not item.get_closest_marker("real_scope"):
        return (yield)
    from opsportal.scope import _active

    reset = _active.set(None)
    try:
        return (yield)
    finally:
        _active.reset(reset)


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    # A request for an Indonesian user leaves Indonesian active in this thread; start each test clean.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def indonesia(db):
    return f.CountryFactory(code="ID")


@pytest.fixture
def thailand(db):
    return f.CountryFactory(code="TH")


def _member(country, role, username):
    user = f.UserFactory(username=username)
    f.StaffProfileFactory(user=user)
    f.MembershipFactory(user=user, country=country, role=role)
    return user


@pytest.fixture
def id_lead(indonesia):
    return _member(indonesia, Role.LEAD, "id-lead")


@pytest.fixture
def id_operator(indonesia):
    return _member(indonesia, Role.OPERATOR, "id-operator")


@pytest.fixture
def id_gr(indonesia):
    return _member(indonesia, Role.GOVERNMENT_RELATIONS, "id-gr")


@pytest.fixture
def id_viewer(indonesia):
    return _member(indonesia, Role.VIEWER, "id-viewer")


@pytest.fixture
def th_operator(thailand):
    return _member(thailand, Role.OPERATOR, "th-operator")


@pytest.fixture
def th_lead(thailand):
    return _member(thailand, Role.LEAD, "th-lead")


@pytest.fixture
def hq_viewer(db):
    user = f.UserFactory(username="hq-viewer")
    f.StaffProfileFactory(user=user, hq_access=HQAccess.VIEWER)
    return user


@pytest.fixture
def superuser(db):
    user = f.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return user
