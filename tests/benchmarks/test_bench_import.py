"""bench_import runs the preview, the import and the re-import of a generated file and judges
issue 16's target (the figures themselves are the machine's, never asserted)."""

import io

import pytest
from django.core.management import call_command

from influencers.models import Influencer
from tests import factories as f


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_a_small_run_prints_every_run_and_the_verdict_and_cleans_up():
    f.CountryFactory(code="ID")
    out = io.StringIO()
    call_command("bench_import", rows=30, again=True, stdout=out)
    text = out.getvalue()
    assert "| preview | 30 |" in text and "| import | 30 |" in text and "| import again | 30 |" in text
    assert "create 30" in text and "unchanged 30" in text
    assert "Import target: each run ≥ 1,667 rows/s" in text
    assert not Influencer.objects.exists()
