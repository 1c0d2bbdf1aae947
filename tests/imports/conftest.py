import datetime as dt
from pathlib import Path

import pytest

from locales.models import Role
from tests import factories as f

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def japan(db):
    return f.CountryFactory(code="JP")


@pytest.fixture
def importer(id_lead, thailand, japan):
    """Lead in Indonesia, operator in Thailand, nothing in Japan."""
    f.MembershipFactory(user=id_lead, country=thailand, role=Role.OPERATOR)
    return id_lead


@pytest.fixture
def existing_influencers(indonesia):
    """Two creators already in the database, each with a TikTok count."""
    dewi = f.InfluencerFactory(country=indonesia, name="Dewi Existing")
    dewi_account = f.PlatformAccountFactory(
        influencer=dewi, handle="dewi_dance", followers=10_000, followers_on=dt.date(2024, 1, 1)
    )
    f.FollowerSnapshotFactory(account=dewi_account, date=dt.date(2024, 1, 1), followers=10_000)
    agus = f.InfluencerFactory(country=indonesia, name="Agus Existing")
    agus_account = f.PlatformAccountFactory(
        influencer=agus, handle="agus_comedy", followers=2_000, followers_on=dt.date(2024, 1, 1)
    )
    f.FollowerSnapshotFactory(account=agus_account, date=dt.date(2024, 1, 1), followers=2_000)
    dewi.total_followers = 10_000
    dewi.save()
    agus.total_followers = 2_000
    agus.save()
    return dewi, agus


def upload(name: str):
    return open(FIXTURES / name, "rb")
