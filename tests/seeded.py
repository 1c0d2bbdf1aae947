"""The demo story loaded once per test module (seeding takes seconds), wiped when the module is done.

Import ``demo_data_fixture`` into a conftest or a test module; tests ask for ``demo_data``.
Tests still run in their own transaction on top of it (use ``db``), so their changes roll back.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from demo.reset import wipe_database
from demo.story import seed

DEMO_PASSWORD = "demo-password-for-tests"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def wipe() -> None:
    """Empty every table the demo (or a test) can fill; content types and permissions stay."""
    wipe_database()


@pytest.fixture(scope="module", name="demo_data")
def demo_data_fixture(django_db_setup, django_db_blocker):
    """The seeded story (committed), and the credentials rows seed_demo printed."""
    # The same cheap hasher as tests/conftest.py, which is not active yet at module scope.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        wipe()  # a crashed earlier run may have left rows behind (the test database is reused)
        seeder, credentials = seed(password=DEMO_PASSWORD)
    yield {"seeder": seeder, "credentials": credentials, "today": seeder.today}
    with django_db_blocker.unblock():
        wipe()
