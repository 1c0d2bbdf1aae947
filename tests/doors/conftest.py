import pytest
from django.test import Client

from tests.api.conftest import client_for, make_token


class Doors:
    """One person's ways in: the portal and the admin as the Indonesian lead (signed in), and
    the API as an Indonesian integration token that may also touch government records."""

    def __init__(self, lead, country):
        lead.is_staff = True
        lead.save(update_fields=["is_staff"])
        self.lead = lead
        self.country = country
        self.portal = Client()
        self.portal.force_login(lead)
        self.admin = Client()
        self.admin.force_login(lead)
        key, _token = make_token([country], ("read", "write", "government"))
        self.api = client_for(key)


@pytest.fixture
def doors(id_lead, indonesia) -> Doors:
    return Doors(id_lead, indonesia)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def import_file(doors, tmp_path, kind: str, csv: str) -> int:
    """The import door, as scripts use it: ``manage.py import_records`` as the lead. 0 = imported."""
    import io

    from django.core.management import call_command

    path = tmp_path / f"{kind}.csv"
    path.write_text(csv, encoding="utf-8")
    try:
        call_command(
            "import_records", kind, str(path), "--user", doors.lead.username, stdout=io.StringIO(), stderr=io.StringIO()
        )
    except SystemExit as exc:
        return exc.code
    return 0


def announced(callbacks) -> list[str]:
    """The webhook events a change queued for after its commit (``webhooks.events.emit``)."""
    from webhooks.events import _dispatch

    return [cb.args[0] for cb in callbacks if getattr(cb, "func", None) is _dispatch]
