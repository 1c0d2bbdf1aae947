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


# --- 1. People outside a country receiving its records through owner/assignee fields -----------
def _api(key: str):
    from rest_framework.test import APIClient

    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def th_write(world):
    from opsportal.models import Scope

    from .world import make_token

    return make_token("th-write", [world.th], [Scope.READ, Scope.WRITE])[1]


@pytest.fixture
def two_country_write(world):
    """A token of Indonesia and Thailand: it may see both, but may not join them."""
    from opsportal.models import Scope

    from .world import make_token

    return make_token("id-th-write", [world.id, world.th], [Scope.READ, Scope.WRITE, Scope.GOVERNMENT])[1]


def _person_error(response, field: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["errors"][field] == ["No such person on the team of this record's country."], body
    return body


PERSON_DOORS = [
    # (resource, record kind of the Thai world, field)
    ("challenges", "challenge", "owner"),
    ("events", "event", "owner"),
    ("event-tasks", "eventtask", "assignee"),
    ("influencers", "influencer", "relationship_owner"),
]


@pytest.mark.parametrize(("resource", "kind", "field"), PERSON_DOORS)
def test_api_refuses_an_owner_from_another_country_like_an_unknown_one(world, roles, th_write, resource, kind, field):
    record = world.objects["TH"][kind]
    url = f"{API}/{resource}/{record.pk}/"
    client = _api(th_write)
    outsider = _person_error(client.patch(url, {field: "id-operator"}, format="json"), field)
    unknown = _person_error(client.patch(url, {field: "nobody-at-all"}, format="json"), field)
    by_id = _person_error(client.patch(url, {field: roles["id_operator"].pk}, format="json"), field)
    unknown_id = _person_error(client.patch(url, {field: 987654}, format="json"), field)
    assert outsider == unknown == by_id == unknown_id  # one answer: nothing tells them apart
    record.refresh_from_db()
    assert getattr(record, f"{field}_id") != roles["id_operator"].pk
    # Someone of the Thai team who may edit holds it; a Thai viewer may not.
    assert client.patch(url, {field: "th-operator"}, format="json").status_code == 200
    from locales.models import Role

    from .world import member

    member(world.th, Role.VIEWER, "th-viewer")
    _person_error(client.patch(url, {field: "th-viewer"}, format="json"), field)


def test_api_create_with_an_outsider_owner_is_refused_and_nothing_is_saved(world, roles, th_write):
    from challenges.models import Challenge

    body = {"country": "TH", "hashtag": "paythevendor", "title": "Pay vendor 2M THB", "owner": "id-operator"}
    body["format"] = "dance"
    _person_error(_api(th_write).post(f"{API}/challenges/", body, format="json"), "owner")
    assert not Challenge.objects.filter(hashtag="paythevendor").exists()


def test_government_owner_needs_the_government_role(world, roles, two_country_write):
    incident = world.objects["ID"]["regulatoryincident"]
    client = _api(two_country_write)
    url = f"{API}/regulatory-incidents/{incident.pk}/"
    _person_error(client.patch(url, {"owner": "id-operator"}, format="json"), "owner")  # no government role
    assert client.patch(url, {"owner": "id-gr"}, format="json").status_code == 200


def test_portal_form_refuses_an_outsider_owner_like_an_unknown_one(client, world, roles):
    from django.urls import reverse

    from locales.models import Role

    from .world import member

    lead = member(world.th, Role.LEAD, "th-lead")
    client.force_login(lead)
    challenge = world.objects["TH"]["challenge"]
    url = reverse("challenges:edit", args=[challenge.pk])
    base = {"hashtag": challenge.hashtag, "title": "t", "format": challenge.format, "status": challenge.status}
    outsider = client.post(url, {**base, "owner": roles["id_operator"].pk})
    unknown = client.post(url, {**base, "owner": 987654})
    assert outsider.status_code == unknown.status_code == 400
    assert outsider.context["form"].errors["owner"] == unknown.context["form"].errors["owner"]


def test_admin_refuses_an_outsider_owner_for_a_person_on_two_teams(client, world, roles):
    """The admin offers colleagues of every country the person sees; the model still refuses."""
    from django.urls import reverse

    from challenges.models import Challenge
    from locales.models import Role
    from tests import factories as fac

    both = roles["id_lead"]
    fac.MembershipFactory(user=both, country=world.th, role=Role.LEAD)
    client.force_login(both)
    challenge = world.objects["TH"]["challenge"]
    url = reverse("admin:challenges_challenge_change", args=[challenge.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data.update({"owner": roles["id_operator"].pk, "country": world.th.pk, "_save": "Save"})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert "No such person on the team of this record" in response.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).owner_id != roles["id_operator"].pk


def test_import_refuses_an_outsider_owner_like_an_unknown_one(world, roles):
    import io

    from locales.models import Role
    from opsportal.imports.services import job_create, job_run

    from .world import member

    lead = member(world.th, Role.LEAD, "th-importer")
    rows = (
        "hashtag,title,format,owner\nfirst,One,dance,id-operator\nsecond,Two,dance,nobody@example.com\n"
        "third,Three,dance,th-operator\n"
    )
    upload = io.BytesIO(rows.encode())
    upload.name = "challenges.csv"
    job = job_run(job_create(user=lead, kind="challenges", country=world.th, upload=upload), dry_run=True)
    errors = {(e["row"], e["field"]): e["message"] for e in job.errors}
    template = "No one on the Thailand team with the username or email %s may hold this."
    assert errors == {(2, "owner"): template % "id-operator", (3, "owner"): template % "nobody@example.com"}


def test_a_stale_owner_gets_no_reminder(world, roles):
    """The Indonesian operator owned a Thai challenge (set before the fix, or then moved country):
    neither the queue nor the sending reaches them."""
    import datetime as dt

    from django.core import mail as django_mail
    from django.utils import timezone

    from challenges.models import Challenge
    from opsportal import mail
    from opsportal.models import Notification, ReminderDelivery
    from opsportal.reminders import services

    now = timezone.now().replace(hour=3, minute=0)  # 10:00 in Bangkok
    challenge = world.objects["TH"]["challenge"]
    Challenge.objects.filter(pk=challenge.pk).update(
        owner=roles["id_operator"], status="planned", starts_at=now + dt.timedelta(days=1)
    )
    occasions = services.occasions_for(world.th, now)
    assert all(o.recipient_id != roles["id_operator"].pk for o in occasions)
    # A row queued while they were still on the team is skipped at sending time.
    row = ReminderDelivery.objects.create(
        key="challenge_launch:stale", recipient=roles["id_operator"], kind="challenge_launch",
        payload={"country": "Thailand", "country_id": world.th.pk, "timezone": "Asia/Bangkok",
                 "hashtag": challenge.hashtag, "title": "Pay vendor", "starts_at": now.isoformat(), "path": "/"},
    )  # fmt: skip
    outcome = mail.deliver(row.pk)
    assert outcome.status == "skipped"
    assert not Notification.objects.filter(recipient=roles["id_operator"]).exists()
    assert not django_mail.outbox


# --- 2. Participants and guests across countries ------------------------------------------------
@pytest.mark.parametrize(
    ("resource", "parent_field", "parent_kind"),
    [("challenge-participations", "challenge", "challenge"), ("event-guests", "event", "event")],
)
def test_a_two_country_token_cannot_link_an_influencer_across(
    world, two_country_write, resource, parent_field, parent_kind
):
    parent = world.objects["TH"][parent_kind]
    influencer = world.objects["ID"]["influencer"]
    response = _api(two_country_write).post(
        f"{API}/{resource}/", {parent_field: parent.pk, "influencer": influencer.pk}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]["influencer"] == ["This record belongs to another country."]


def test_a_two_country_token_cannot_link_a_partner_or_moment_across(world, two_country_write):
    client = _api(two_country_write)
    event = world.objects["TH"]["event"]
    response = client.post(
        f"{API}/event-partners/",
        {"event": event.pk, "partner": world.objects["ID"]["partner"].pk, "role": "x"},
        format="json",
    )
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = client.patch(
        f"{API}/events/{event.pk}/", {"cultural_moment": world.objects["ID"]["culturalmoment"].pk}, format="json"
    )
    assert response.status_code == 400 and "cultural_moment" in response.json()["errors"]


def test_services_refuse_cross_country_links_for_any_door(world):
    from django.core.exceptions import ValidationError

    from challenges.models import ChallengeParticipation
    from events.models import EventGuest

    for record in (
        ChallengeParticipation(
            challenge=world.objects["TH"]["challenge"], influencer=world.objects["ID"]["influencer"]
        ),
        EventGuest(event=world.objects["TH"]["event"], influencer=world.objects["ID"]["influencer"]),
    ):
        with pytest.raises(ValidationError) as caught:
            record.full_clean()
        assert "influencer" in caught.value.message_dict


# --- 3. Answers that confirm what exists elsewhere ----------------------------------------------
def test_import_never_names_another_countrys_influencers(world, roles):
    import io

    from locales.models import Role
    from opsportal.imports.services import job_create, job_run
    from tests import factories as fac

    from .world import member

    lead = member(world.th, Role.LEAD, "th-importer")
    agus = fac.InfluencerFactory(country=world.id, name="Agus Setiawan")
    fac.PlatformAccountFactory(influencer=agus, platform="tiktok", handle="agus")
    dimas = fac.InfluencerFactory(country=world.id, name="Dimas Pratama")
    fac.PlatformAccountFactory(influencer=dimas, platform="youtube", handle="dimas")
    thai = world.objects["TH"]["platformaccount"]
    rows = f"name,tiktok,youtube,instagram\nX,@agus,@dimas,\nY,@agus,,\nZ,,,@{thai.handle}\n"
    upload = io.BytesIO(rows.encode())
    upload.name = "influencers.csv"
    job = job_run(job_create(user=lead, kind="influencers", country=world.th, upload=upload), dry_run=True)
    text = repr(job.errors)
    assert "Agus" not in text and "Dimas" not in text and "another country" not in text
    errors = {(e["row"], e["field"]): e["message"] for e in job.errors}
    assert errors[(2, "tiktok")] == errors[(3, "tiktok")] == "This handle is already registered on this platform."


def test_api_handle_taken_answers_the_same_in_any_country(world, th_write):
    """Handles are unique per platform worldwide: the refusal cannot be hidden, but it is the
    same whether the holder is the caller's own influencer or another country's."""
    client = _api(th_write)
    mine, theirs = world.objects["TH"]["platformaccount"], world.objects["ID"]["platformaccount"]
    answers = []
    for taken in (mine, theirs):
        response = client.post(
            f"{API}/platform-accounts/",
            {"influencer": world.objects["TH"]["influencer"].pk, "platform": taken.platform, "handle": taken.handle},
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json()["errors"])
    assert answers[0] == answers[1]
    assert "This handle is already registered on this platform." in repr(answers[0])


# --- 5. XLSX zip bombs: refused before any parsing, in the request and in the task ---------------
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _row(number: int) -> bytes:
    return (
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>Creator {number}</t></is></c>'
        f'<c r="B{number}" t="inlineStr"><is><t>ID</t></is></c><c r="C{number}" t="inlineStr"><is><t>@h{number}</t>'
        f'</is></c><c r="D{number}"><v>{number * 7}</v></c></row>'
    ).encode()


def _workbook(rows: int = 0, *, padding: int = 0, shared_strings: int = 0) -> bytes:
    """A real .xlsx built part by part: ``rows`` data rows, then ``padding`` bytes of blank rows
    (which inflate a thousandfold), and optionally a shared-strings part of that size."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if shared_strings:
            archive.writestr("xl/sharedStrings.xml", b" " * shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(b"".join(_row(n) for n in range(1, rows + 1)))
            chunk = b" " * (1024 * 1024)
            for _ in range(padding // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """About 260 MB inflated from a few hundred KB, like the one of the attack."""
    return _workbook(rows=2, padding=262 * 1024 * 1024)


def test_zip_bomb_is_refused_by_the_shared_check(zip_bomb):
    import io

    from django.core.exceptions import ValidationError

    from opsportal.uploads import check_inflation

    assert len(zip_bomb) < 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        check_inflation(io.BytesIO(zip_bomb))
    assert caught.value.code == "zip_bomb"


def test_ratio_and_absolute_cap_each_refuse(monkeypatch):
    import io

    from django.core.exceptions import ValidationError

    from opsportal import uploads

    ratio_bomb = _workbook(rows=1, padding=120 * 1024 * 1024)  # under the absolute cap, 100× over a 1 MB floor
    with pytest.raises(ValidationError):
        uploads.check_inflation(io.BytesIO(ratio_bomb))
    plain = _workbook(rows=3000)  # a normal sheet: about 1 MB inflated
    uploads.check_inflation(io.BytesIO(plain))
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 256 * 1024)
    with pytest.raises(ValidationError):
        uploads.check_inflation(io.BytesIO(plain))
    monkeypatch.undo()
    whole = _workbook(rows=1, shared_strings=40 * 1024 * 1024)  # loaded whole by openpyxl
    with pytest.raises(ValidationError):
        uploads.check_inflation(io.BytesIO(whole))


def test_zip_bomb_upload_is_a_form_error_in_the_web_request(client, world, zip_bomb, monkeypatch):
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from locales.models import Role
    from opsportal.imports.models import ImportJob

    from .world import member

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    client.force_login(member(world.id, Role.LEAD, "id-importer"))
    started = time.monotonic()
    response = client.post(
        reverse("imports:index"),
        {"kind": "influencers", "country": world.id.pk, "file": SimpleUploadedFile("bomb.xlsx", zip_bomb)},
    )
    assert response.status_code in (200, 400)
    assert "implausible size" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert time.monotonic() - started < 3  # the attack's bomb took 6.4 s per request


def test_zip_bomb_already_stored_is_refused_again_by_the_task(world, zip_bomb, monkeypatch):
    from django.core.files.base import ContentFile

    from opsportal.imports.models import ImportJob, ImportStatus
    from opsportal.imports.tasks import run_import_job

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    job = ImportJob(token="bombtoken", kind="influencers", country=world.id, file_format="xlsx", headers=["name"])
    job.file.save("bombtoken", ContentFile(zip_bomb), save=False)
    job.mapping = {"name": "name"}
    job.save()
    run_import_job(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "implausible size" in job.result["fatal"]


def test_parsing_a_large_workbook_streams():
    """Memory stays bounded: read-only openpyxl, rows one at a time. The import's reader peaks at
    a fraction of what loading the same sheet whole takes (and of the sheet's own size)."""
    import io
    import tracemalloc

    import openpyxl

    from opsportal.imports.readers import XLSX, count_rows

    data = _workbook(rows=10_000)
    count_rows(io.BytesIO(_workbook(rows=2)), XLSX)  # imports and caches outside the measure

    def peak_of(read) -> int:
        tracemalloc.start()
        try:
            read()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    streamed = peak_of(lambda: count_rows(io.BytesIO(data), XLSX))
    whole = peak_of(lambda: openpyxl.load_workbook(io.BytesIO(data)))
    assert streamed < whole / 4, (streamed, whole)
    assert streamed < 4 * 1024 * 1024, streamed


# --- 8. Webhook DNS rebinding: the delivery connects to the address that was checked ------------
class _RebindingResolver:
    """Answers a public address first, then loopback: the classic rebinding attack."""

    def __init__(self, answers: list[str]):
        self.answers = answers
        self.calls = 0

    def __call__(self, host, port, *args, **kwargs):
        import ipaddress
        import socket

        try:
            answer = str(ipaddress.ip_address(host))  # a literal address needs no DNS
        except ValueError:
            answer = self.answers[min(self.calls, len(self.answers) - 1)]
            self.calls += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port or 0))]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_webhook_post_connects_to_the_checked_address(monkeypatch, settings, scheme):
    import socket

    from opsportal.webhooks import services

    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = False
    resolver = _RebindingResolver(["93.184.216.34", "127.0.0.1"])
    dialled: list[tuple] = []

    def fake_connect(address, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", fake_connect)
    status, error = services.post(f"{scheme}://hooks.example.com/in", b"{}", {"Content-Type": "application/json"})
    assert status is None and "ConnectionRefusedError" in error
    assert resolver.calls == 1  # resolved once, for the check
    assert dialled == [("93.184.216.34", 443 if scheme == "https" else 80)]


def test_webhook_to_a_name_resolving_to_loopback_never_connects(monkeypatch, settings):
    import socket

    from opsportal.webhooks import services

    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(socket, "getaddrinfo", _RebindingResolver(["127.0.0.1"]))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected"))
    status, error = services.post("http://rebind.example.com/in", b"{}", {})
    assert status is None and error.startswith("Refused")


def test_pinned_webhook_keeps_host_header_and_reaches_the_receiver(monkeypatch, settings):
    """End to end on loopback (allowed in tests): the name resolves once, the request carries
    the name in Host while the socket goes to the pinned address."""
    import socket
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from opsportal.webhooks import services

    seen: dict = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            seen["host"] = self.headers["Host"]
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = True
    resolver = _RebindingResolver(["127.0.0.1", "10.9.9.9"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    try:
        port = server.server_address[1]
        status, error = services.post(f"http://hooks.example.com:{port}/in", b"{}", {})
    finally:
        server.server_close()
    assert (status, error) == (204, "")
    assert seen["host"] == f"hooks.example.com:{port}"
    assert resolver.calls == 1


# --- 7. Lock-out behind the proxy: keyed on the real client; a per-username soft limit ----------
def _login_via_proxy(client, username: str, password: str, client_ip: str, proxy: str = "10.0.0.254"):
    """A sign-in as the documented reverse proxy forwards it: its own address connects, the
    client's is appended to X-Forwarded-For (after whatever the client claimed itself)."""
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_ip}",  # the first entry is the client's own lie
    )


@pytest.fixture
def behind_proxy(settings):
    from django.core.cache import cache

    settings.AXES_ENABLED = True
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 1
    settings.OPSPORTAL_SIGNIN_SOFT_LIMIT = 10
    cache.clear()
    yield settings
    cache.clear()


def test_a_stranger_behind_the_proxy_cannot_lock_the_owner_out(client, roles, behind_proxy):
    from django.test import Client

    from tests import factories as fac

    owner = roles["id_operator"]
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        _login_via_proxy(client, owner.username, "wrong-password", client_ip="203.0.113.7")
    locked = _login_via_proxy(client, owner.username, fac.PASSWORD, client_ip="203.0.113.7")
    assert locked.status_code == 429  # the stranger's own address is locked out...
    owner_client = Client()
    response = _login_via_proxy(owner_client, owner.username, fac.PASSWORD, client_ip="198.51.100.20")
    assert response.status_code == 302  # ...the owner, through the same proxy, is not
    assert "_auth_user_id" in owner_client.session


def test_the_forwarded_address_is_only_believed_as_far_as_the_trusted_proxies(rf, settings):
    from opsportal.signin import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.254"  # no proxy configured: the header is the client's word
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.254"  # fewer hops than proxies: not through them
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="not-an-ip")
    settings.OPSPORTAL_TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.254"


def test_guessing_from_many_addresses_is_slowed_not_locked(client, roles, behind_proxy, monkeypatch):
    import time as real_time

    from django.test import Client

    from opsportal import signin
    from tests import factories as fac

    owner = roles["id_operator"]
    clock = {"now": real_time.time()}
    monkeypatch.setattr(signin.time, "time", lambda: clock["now"])
    for n in range(behind_proxy.OPSPORTAL_SIGNIN_SOFT_LIMIT):
        _login_via_proxy(Client(), owner.username, "wrong-password", client_ip=f"203.0.113.{n + 1}")
    # Every address is new to axes, but the username is now slowed: asked to wait, no password checked.
    slowed = _login_via_proxy(Client(), owner.username, fac.PASSWORD, client_ip="198.51.100.20")
    assert slowed.status_code == 200
    assert "Wait 10 seconds and try again" in slowed.content.decode()
    # A few seconds later the owner, from their own address, gets in: slowed, never locked out.
    clock["now"] += behind_proxy.OPSPORTAL_SIGNIN_SOFT_DELAY
    owner_client = Client()
    assert _login_via_proxy(owner_client, owner.username, fac.PASSWORD, client_ip="198.51.100.20").status_code == 302
    # Other people are not slowed at all.
    assert _login_via_proxy(Client(), roles["id_viewer"].username, fac.PASSWORD, "203.0.113.1").status_code == 302


def test_the_admin_login_has_the_same_soft_limit(roles, behind_proxy):
    from django.test import Client

    from opsportal.signin import record_failure
    from tests import factories as fac

    for _ in range(behind_proxy.OPSPORTAL_SIGNIN_SOFT_LIMIT):
        record_failure("admin")
    response = Client().post(
        "/admin/login/", {"username": "admin", "password": fac.PASSWORD}, REMOTE_ADDR="198.51.100.20"
    )
    assert response.status_code == 200 and "try again" in response.content.decode()


def test_copying_an_event_leaves_a_stale_owner_and_assignee_behind(world, roles):
    import datetime as dt

    from events.models import Event, EventTask
    from events.services import event_copy

    event = world.objects["TH"]["event"]
    Event.objects.filter(pk=event.pk).update(owner=roles["id_operator"])
    EventTask.objects.filter(event=event).update(assignee=roles["id_operator"])
    event.refresh_from_db()
    copy = event_copy(event, starts_at=event.starts_at + dt.timedelta(days=7))
    assert copy.owner_id is None
    assert copy.tasks.exists() and not copy.tasks.exclude(assignee=None).exists()


def test_a_weekly_report_queued_for_someone_who_left_the_team_is_not_sent(world, roles):
    from django.core import mail as django_mail

    from locales.models import TeamMembership
    from opsportal import mail
    from opsportal.models import ReminderDelivery, WeeklyReport

    report = WeeklyReport.objects.create(country=world.id, week="2026-W47", data={})
    leaver = roles["id_operator"]
    row = ReminderDelivery.objects.create(
        key="weekly:leaver", recipient=leaver, kind="weekly_report", payload={"report_id": report.pk}
    )
    TeamMembership.objects.filter(user=leaver).delete()
    assert mail.deliver(row.pk).status == "skipped"
    assert not django_mail.outbox


def test_an_outsider_owner_reads_as_unknown_even_beside_other_errors(world, roles, th_write):
    """With another field wrong the services never run: the reference itself must not tell."""
    url = f"{API}/challenges/{world.objects['TH']['challenge'].pk}/"
    client = _api(th_write)
    answers = [
        client.patch(url, {"owner": who, "ends_at": "not a date"}, format="json").json()
        for who in ("id-operator", "nobody-at-all")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["errors"]["owner"] == ["No such person on the team of this record's country."]
