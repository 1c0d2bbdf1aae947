import csv
import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from tests import factories as f


@pytest.fixture(autouse=True)
def _tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def data(indonesia, thailand):
    """Two countries' records, including cells a spreadsheet would run as formulas."""
    active = f.InfluencerFactory(country=indonesia, name="Rina Nose", stage="active", local_name="รินา")
    today = timezone.localdate()
    f.PlatformAccountFactory(influencer=active, handle="rinanose", followers=5_700_000, followers_on=today)
    f.PlatformAccountFactory(
        influencer=active, platform="instagram", handle="rina.nose", followers=1_200_000, followers_on=today
    )
    f.InfluencerFactory(
        country=indonesia, name='=HYPERLINK("http://evil.example","click")', stage="active", notes="+62 812 call me"
    )
    f.InfluencerFactory(country=indonesia, name="@everyone", stage="prospect", city="-Jakarta")
    f.InfluencerFactory(country=thailand, name="Kaykai Salaider", stage="active")
    f.ChallengeFactory(country=indonesia, hashtag="MultiPersonFrame", title="Multi-person frame")
    f.ChallengeFactory(country=thailand, hashtag="PerfectMatch", title="The Perfect Match")
    event = f.EventFactory(country=indonesia, name="DWP")
    f.EventTaskFactory(event=event, title="Book booth")
    moment = f.CulturalMomentFactory(country=indonesia, name="Lebaran")
    f.OccurrenceFactory(
        moment=moment,
        year=today.year + 1,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=31),
    )
    past = f.CulturalMomentFactory(country=indonesia, name="Past festival")
    f.OccurrenceFactory(moment=past, year=2018, starts_on=dt.date(2018, 1, 1), ends_on=dt.date(2018, 1, 2))
    f.GovernmentContactFactory(country=indonesia, person_name="Budi Santoso")
    f.GovernmentContactFactory(country=thailand, person_name="Somchai")
    f.IncidentFactory(country=indonesia, title="Temporary ban", status="open")
    f.IncidentFactory(
        country=indonesia, title="Old takedown", status="resolved", resolved_at=timezone.now() + dt.timedelta(hours=1)
    )
    return indonesia, thailand


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def read_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
