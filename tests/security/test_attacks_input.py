"""The attacker's test, kept in CI (issue 18), part two: hostile input at every door.

Names that matplotlib would typeset (finding 4), XLSX zip bombs (5), deeply nested JSON (6),
sign-in lock-out behind the proxy (7) and webhook DNS rebinding (8). Part one, about people and
records across countries, is test_attacks.py; docs/security.md lists every attack class.
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


# The test machine's fonts lack the emoji glyphs: matplotlib warns and draws a box, which is fine.
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
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

    from reports.models import WeeklyReport

    client.force_login(id_lead)
    response = client.get(reverse("reports:preview"), {"country": indonesia.pk, "week": "2026-W47"})
    assert response.status_code == 200
    assert "data:image/png;base64," in response.content.decode()
    call_command("send_weekly_reports", "--country", "ID", "--week", "2026-W47", stdout=StringIO())
    assert WeeklyReport.objects.filter(country=indonesia, week="2026-W47", sent_at__isnull=False).exists()
    assert django_mail.outbox


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

    from imports.models import ImportJob
    from locales.models import Role

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

    from imports.models import ImportJob, ImportStatus
    from imports.tasks import run_import_job

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

    from imports.readers import XLSX, count_rows

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

    from webhooks import services

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

    from webhooks import services

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

    from webhooks import services

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
