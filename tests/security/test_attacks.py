"""The attacker's test, kept in CI: each hole found by the attack on the production settings
(issue 18), tried again through the door where it was found, so it stays closed.

Each test names the finding it guards; docs/security.md lists them with the attack class.
"""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import bearer

API = "/api/v1"


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- 6. Deeply nested or oversized JSON: 400/413, never a 500 -----------------------------------
@pytest.mark.parametrize("path", ["/webhooks/", "/challenges/", "/influencers/", "/events/"])
@pytest.mark.parametrize("depth", [101, 2000])
def test_deeply_nested_json_is_a_400_at_every_api_door(world, tokens, path, depth):
    client = Client(raise_request_exception=False)
    # The webhooks resource was reachable with a read-only token; the others need write.
    _token, key = tokens["read" if path == "/webhooks/" else "write"]
    response = client.post(API + path, _nested(depth), content_type="application/json", **bearer(key))
    assert response.status_code == 400, response.content[:300]
    assert response.json()["message"]


def test_nested_object_too_deep_in_a_field_is_a_400(world, tokens):
    _token, key = tokens["write"]
    body = b'{"name": "x", "url": "https://example.com/h", "event_types": ' + _nested(150) + b"}"
    response = Client(raise_request_exception=False).post(
        API + "/webhooks/", body, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 400


def test_json_depth_at_the_limit_still_parses(world, tokens):
    from opsportal.api.renderers import MAX_JSON_DEPTH, _too_deep

    assert not _too_deep(eval(_nested(MAX_JSON_DEPTH)))  # noqa: S307 (a literal we built)
    assert _too_deep(eval(_nested(MAX_JSON_DEPTH + 1)))  # noqa: S307


def test_oversized_json_is_a_413(world, tokens, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _token, key = tokens["write"]
    body = b'{"name": "' + b"x" * 2000 + b'"}'
    response = Client(raise_request_exception=False).post(
        API + "/webhooks/", body, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 413


# --- 4. Names that matplotlib would read as mathtext: charts and the weekly report -------------
EVIL_NAMES = [
    r"$\foo$",
    r"$\frac{1}{0}$ \ back\slash",
    "100% {0} {} %(x)s %s",
    "مهرجان $x^2$ שלום",  # RTL with a formula inside
    "🔥💃 $_$ ^{}",
]


def _evil(index: int) -> str:
    return f"{EVIL_NAMES[index % len(EVIL_NAMES)]} #{index}"


@pytest.fixture
def evil_week(indonesia, thailand, id_operator, id_lead):
    """The Indonesian week of the report tests, every drawn name replaced by an evil one."""
    from challenges.models import Challenge
    from events.models import Event
    from influencers.models import Influencer
    from locales.models import CulturalMoment, RegulatoryIncident
    from tests import factories as f
    from tests.opsportal.test_reports_indonesia import build_week, local

    build_week(indonesia, thailand, id_operator)
    f.CulturalMomentFactory(country=indonesia, name="moment")
    for model, field in (
        (Challenge, "hashtag"),
        (Challenge, "title"),
        (Event, "name"),
        (Influencer, "name"),
        (CulturalMoment, "name"),
        (RegulatoryIncident, "title"),
    ):
        for index, pk in enumerate(model.objects.values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(**{field: _evil(index)})
    f.EventFactory(country=indonesia, name=EVIL_NAMES[0], status="held", starts_at=local(2026, 11, 17, 10))
    return Challenge.objects.filter(country=indonesia, status="live").first()


def test_every_chart_kind_draws_evil_names_as_plain_text():
    import datetime as dt

    from opsportal.charts import Annotation, bar_chart, line_chart

    day = dt.date(2026, 11, 16)
    series = {name: [(day, 1.0), (day + dt.timedelta(days=1), 2.0)] for name in EVIL_NAMES}
    kinds = ["event", "moment", "incident", "crossover", "event"]
    notes = [Annotation(day, name, kind) for name, kind in zip(EVIL_NAMES, kinds, strict=True)]
    for fmt in ("svg", "png"):
        assert line_chart(series, annotations=notes, title=EVIL_NAMES[0], fmt=fmt)
        assert line_chart({}, empty_text=EVIL_NAMES[1], fmt=fmt)
        assert bar_chart({name: i for i, name in enumerate(EVIL_NAMES)}, title=EVIL_NAMES[2], fmt=fmt)
    svg = bar_chart({r"$\foo$": 1}).decode()
    assert r"$\foo$" in svg  # drawn as written, not typeset


def test_portal_charts_with_evil_names_answer_200(client, evil_week, id_lead):
    from django.urls import reverse

    from influencers.models import Influencer

    client.force_login(id_lead)
    influencer = Influencer.objects.filter(country=evil_week.country).first()
    for url in (
        reverse("challenges:chart", args=[evil_week.pk]),
        reverse("portal:dashboard_chart"),
        reverse("influencers:chart", args=[influencer.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.startswith(b"<?xml") or b"<svg" in response.content[:500]


def test_weekly_report_preview_and_sending_survive_evil_names(client, evil_week, id_lead, indonesia):
    from io import StringIO

    from django.core import mail as django_mail
    from django.core.management import call_command
    from django.urls import reverse

    from opsportal.models import WeeklyReport

    client.force_login(id_lead)
    response = client.get(reverse("reports:preview"), {"country": indonesia.pk, "week": "2026-W47"})
    assert response.status_code == 200
    assert "data:image/png;base64," in response.content.decode()
    call_command("send_weekly_reports", "--country", "ID", "--week", "2026-W47", stdout=StringIO())
    assert WeeklyReport.objects.filter(country=indonesia, week="2026-W47", sent_at__isnull=False).exists()
    assert django_mail.outbox
