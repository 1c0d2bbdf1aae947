import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from opsportal.models import ApiToken


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


def make_token(countries, scopes=("read", "write"), *, name=None, expires_at=None, revoked=False):
    key = ApiToken.generate_key()
    token = ApiToken(name=name or f"token-{ApiToken.objects.count() + 1}", scopes=list(scopes), expires_at=expires_at)
    token.set_key(key)
    if revoked:
        token.revoked_at = timezone.now()
    token.save()
    token.countries.set(countries)
    return key, token


def client_for(key: str | None = None, user=None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def id_token(indonesia):
    key, _token = make_token([indonesia])
    return key


@pytest.fixture
def api(id_token):
    """A read/write integration for Indonesia."""
    return client_for(id_token)


@pytest.fixture
def gov_api(indonesia):
    key, _token = make_token([indonesia], ("read", "write", "government"))
    return client_for(key)


@pytest.fixture
def th_api(thailand):
    key, _token = make_token([thailand])
    return client_for(key)


@pytest.fixture
def read_api(indonesia):
    key, _token = make_token([indonesia], ("read",))
    return client_for(key)


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)
