"""Cached figures and audit entries that the services keep, through every door that feeds them:

* ``challenges.metrics`` (``metric_snapshot_type``, ``metric_snapshot_save``, ``ingest_metric_rows``):
  a challenge's cached totals equal its latest snapshot. The admin only reads snapshots;
* ``locales.services.cultural_moment_set_dates``: changed dates of a cultural moment leave one
  audit entry on the moment with the dates before and after.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from challenges.models import ChallengeMetricSnapshot
from opsportal.models import AuditEntry
from tests import factories as f

from .conftest import import_file
from .forms import admin_form, form_data

pytestmark = pytest.mark.django_db


# --- a challenge's totals ----------------------------------------------------------------------
def numbers_by_portal(doors, challenge, views, tmp_path):
    data = {"metrics-views": str(views), "metrics-videos": "12"}
    return doors.portal.post(f"/challenges/{challenge.pk}/metrics/add/", data).status_code == 302


def numbers_by_api(doors, challenge, views, tmp_path):
    payload = {"challenge": challenge.pk, "captured_at": timezone.now().isoformat(), "views": views, "videos": 12}
    return doors.api.post("/api/v1/challenge-metrics/", payload, format="json").status_code == 201


def numbers_by_api_bulk(doors, challenge, views, tmp_path):
    row = {
        "country": "ID",
        "hashtag": challenge.hashtag,
        "captured_at": timezone.now().isoformat(),
        "views": views,
        "videos": 12,
    }
    return doors.api.post("/api/v1/challenge-metrics/bulk/", {"rows": [row]}, format="json").status_code == 200


def numbers_by_import(doors, challenge, views, tmp_path):
    today = timezone.localdate(timezone=doors.country.zone).isoformat()
    csv = f"Country,Hashtag,Tanggal,Views,Videos\nID,#{challenge.hashtag},{today},{views},12\n"
    return import_file(doors, tmp_path, "metrics", csv) == 0


NUMBERS = {
    "portal": numbers_by_portal,
    "api": numbers_by_api,
    "api bulk": numbers_by_api_bulk,
    "import": numbers_by_import,
}


@pytest.mark.parametrize("door", NUMBERS)
def test_the_latest_numbers_become_the_challenges_totals_whichever_door(doors, door, tmp_path):
    challenge = f.ChallengeFactory(
        country=doors.country, status="live", starts_at=timezone.now() - dt.timedelta(days=9)
    )
    f.MetricSnapshotFactory(challenge=challenge, captured_at=timezone.now() - dt.timedelta(days=2), views=1_000)
    assert NUMBERS[door](doors, challenge, 53_000, tmp_path), f"the {door} refused the numbers"
    latest = ChallengeMetricSnapshot.objects.filter(challenge=challenge).latest("captured_at")
    challenge.refresh_from_db()
    assert latest.views == 53_000
    assert (challenge.views, challenge.videos, challenge.metrics_at) == (53_000, 12, latest.captured_at)


def test_the_admin_cannot_type_numbers_around_the_totals(doors):
    challenge = f.ChallengeFactory(country=doors.country)
    assert doors.admin.get("/admin/challenges/challengemetricsnapshot/add/").status_code == 403
    snapshot = f.MetricSnapshotFactory(challenge=challenge, views=1_000)
    url = f"/admin/challenges/challengemetricsnapshot/{snapshot.pk}/change/"
    assert doors.admin.post(url, {"views": "9"}).status_code == 403
    assert doors.admin.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403


# --- a cultural moment's dates -----------------------------------------------------------------
NEW_DATES = ("2026-04-14", "2026-04-16")


def _moved(data: dict, prefix: str) -> dict:
    data[f"{prefix}-0-starts_on"], data[f"{prefix}-0-ends_on"] = [NEW_DATES[0]], [NEW_DATES[1]]
    return data


def dates_by_portal(doors, moment):
    url = f"/moments/{moment.pk}/edit/"
    data = _moved(form_data(doors.portal.get(url).content.decode(), css_class="card"), "occurrences")
    return doors.portal.post(url, data).status_code == 302


def dates_by_api(doors, moment):
    payload = {"occurrences": [{"year": 2026, "starts_on": NEW_DATES[0], "ends_on": NEW_DATES[1]}]}
    return doors.api.patch(f"/api/v1/cultural-moments/{moment.pk}/", payload, format="json").status_code == 200


def dates_by_admin_inline(doors, moment):
    url = f"/admin/locales/culturalmoment/{moment.pk}/change/"
    data = _moved(admin_form(doors.admin, url), "occurrences")
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


def dates_by_admin(doors, moment):
    occurrence = moment.occurrences.get()
    url = f"/admin/locales/culturalmomentoccurrence/{occurrence.pk}/change/"
    data = admin_form(doors.admin, url)
    data["starts_on"], data["ends_on"] = [NEW_DATES[0]], [NEW_DATES[1]]
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


DATES = {"portal": dates_by_portal, "api": dates_by_api, "admin inline": dates_by_admin_inline, "admin": dates_by_admin}


@pytest.mark.parametrize("door", DATES)
def test_moving_a_moments_dates_leaves_one_audit_entry_whichever_door(doors, door):
    moment = f.CulturalMomentFactory(country=doors.country, name="Songkran")
    f.OccurrenceFactory(moment=moment, year=2026, starts_on=dt.date(2026, 4, 13), ends_on=dt.date(2026, 4, 15))
    assert DATES[door](doors, moment), f"the {door} refused the dates"
    assert list(moment.occurrences.values_list("starts_on", "ends_on")) == [
        (dt.date(2026, 4, 14), dt.date(2026, 4, 16))
    ]
    entries = AuditEntry.objects.filter(action="dates", object_id=str(moment.pk))
    assert entries.count() == 1, f"the {door} changed the dates without one audit entry"
    assert entries.get().details["dates"] == ["2026: 2026-04-14–2026-04-16"]
    assert entries.get().details["before"] == {"dates": ["2026: 2026-04-13–2026-04-15"]}
