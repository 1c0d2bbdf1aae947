"""The signed agreement over the API: upload (multipart), download and removal, with the portal's
checks (size, type by content, nasty files refused with a 400 naming ``signed_file``) and the
finance scope and permissions; and the payment rules the portal edit pages share, over the API."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Status
from locales.models import HQAccess
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def agreement(indonesia):
    return f.AgreementFactory(country=indonesia, title="Seeding the frame challenge")


def url(agreement) -> str:
    return f"/api/v1/agreements/{agreement.pk}/signed-file/"


def finance_api(countries, *scopes):
    return client_for(make_token(countries, scopes or ("read", "write", "finance"))[0])


def upload(client, agreement, name="signed.pdf", content=PDF):
    return client.put(url(agreement), {"signed_file": SimpleUploadedFile(name, content)}, format="multipart")


def stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_upload_download_replace_and_remove(indonesia, agreement, media, django_capture_on_commit_callbacks):
    api = finance_api([indonesia])
    assert api.get(url(agreement)).status_code == 404  # none yet
    response = upload(api, agreement, name="Kontrak final.PDF")
    assert response.status_code == 200, response.json()
    assert response.json()["has_signed_file"] is True
    saved = Agreement.objects.get(pk=agreement.pk).signed_file.name
    assert saved.startswith("agreements/") and saved.endswith(".pdf") and "Kontrak" not in saved

    download = api.get(url(agreement))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF

    # A replacement is named by its content, and the replaced contract leaves the storage.
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(api, agreement, name="scan", content=PNG).status_code == 200
    replaced = Agreement.objects.get(pk=agreement.pk).signed_file.name
    assert replaced.endswith(".jpg") is False and replaced.endswith(".png")
    assert [p.name for p in stored(media)] == [Path(replaced).name]

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(url(agreement)).status_code == 204
    assert not Agreement.objects.get(pk=agreement.pk).signed_file
    assert stored(media) == []
    assert api.get(url(agreement)).status_code == 404


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("signed.pdf", b"<html><script>alert(1)</script></html>", "not an allowed type"),
        ("signed.pdf", _zip_bomb(), "implausible size"),
        ("signed.pdf", b"%PDF" + b"\x00" * 64, "not an allowed type"),  # a fake PDF: no "%PDF-" header
        ("signed.png", PDF, "named as PNG"),
        ("signed.pdf", b"", "empty"),
        ("signed.html", b"<html><body>hi</body></html>", "not an allowed type"),
        ("signed.pdf", PDF + b"0" * (10 * 1024 * 1024), "the limit is 10.0"),
        ("signed.pdf", PDF + b"0" * (12 * 1024 * 1024), "the limit is 10.0"),  # refused before it is read
    ],
    ids=["html-as-pdf", "zip-bomb-as-pdf", "fake-pdf", "pdf-as-png", "empty", "html", "over-10mb", "far-over"],
)
def test_nasty_files_are_refused_naming_the_field(indonesia, agreement, media, name, content, words):
    response = upload(finance_api([indonesia]), agreement, name=name, content=content)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert list(body["errors"]) == ["signed_file"]
    assert words in body["errors"]["signed_file"][0]
    assert not Agreement.objects.get(pk=agreement.pk).signed_file
    assert stored(media) == []


def test_a_missing_file_or_a_json_body_is_refused(indonesia, agreement):
    api = finance_api([indonesia])
    missing = api.put(url(agreement), {"notes": "x"}, format="multipart")
    assert missing.status_code == 400 and "signed_file" in missing.json()["errors"]
    assert api.put(url(agreement), {"signed_file": "JVBERi0="}, format="json").status_code == 415


def test_scopes_and_countries(indonesia, thailand, agreement):
    upload(finance_api([indonesia]), agreement)
    reader = finance_api([indonesia], "read", "finance")
    assert reader.get(url(agreement)).status_code == 200
    assert upload(reader, agreement).status_code == 403
    assert reader.delete(url(agreement)).status_code == 403
    no_finance = finance_api([indonesia], "read", "write")
    assert no_finance.get(url(agreement)).status_code == 403
    assert upload(no_finance, agreement).status_code == 403
    thai = finance_api([thailand])
    for response in (thai.get(url(agreement)), upload(thai, agreement), thai.delete(url(agreement))):
        assert response.status_code == 404
    missing = f"/api/v1/agreements/{agreement.pk + 1000}/signed-file/"
    assert thai.get(url(agreement)).json() == thai.get(missing).json()
    assert Agreement.objects.get(pk=agreement.pk).signed_file


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("id_lead", 200, 200),
        ("id_operator", 403, 403),
        ("id_gr", 403, 403),
        ("id_viewer", 403, 403),
        ("hq_viewer", 403, 403),
        ("hq_finance", 200, 403),
        ("th_lead", 404, 404),
    ],
)
def test_people_through_their_session(request, indonesia, agreement, who, read, write):
    upload(finance_api([indonesia]), agreement)
    if who == "hq_finance":
        person = f.UserFactory(username="hq-finance")
        f.StaffProfileFactory(user=person, hq_access=HQAccess.VIEWER, hq_finance=True)
    else:
        person = request.getfixturevalue(who)
    client = client_for(user=person)
    assert client.get(url(agreement)).status_code == read
    assert upload(client, agreement, content=PDF + b"%% again\n").status_code == write


def test_a_closed_agreement_still_takes_its_signed_file(indonesia, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status=Status.PAID)
    assert upload(finance_api([indonesia]), agreement).status_code == 200


def test_the_api_keeps_paid_payments_and_a_paid_agreements_amounts(indonesia):
    """The API goes through the same services as the portal's edit pages."""
    api = finance_api([indonesia])
    agreement = f.AgreementFactory(country=indonesia, fee=10, status=Status.SIGNED)
    payment = f.PaymentFactory(agreement=agreement, amount=10, paid_on="2026-08-20")
    refused = api.delete(f"/api/v1/payments/{payment.pk}/")
    assert refused.status_code == 400 and "paid" in refused.json()["message"]
    assert api.patch(f"/api/v1/payments/{payment.pk}/", {"paid_on": None}, format="json").status_code == 200
    assert api.delete(f"/api/v1/payments/{payment.pk}/").status_code == 204
    paid = f.AgreementFactory(country=indonesia, fee=10, status=Status.PAID)
    kept = f.PaymentFactory(agreement=paid, amount=10, paid_on="2026-08-20")
    response = api.patch(f"/api/v1/payments/{kept.pk}/", {"amount": "5.00"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()["errors"]
    assert api.patch(f"/api/v1/payments/{kept.pk}/", {"reference": "TRX-2"}, format="json").status_code == 200


def test_signing_over_the_api_stamps_the_countrys_date(indonesia, agreement):
    """The API runs in UTC: at 20:00 UTC it already is the 5th in Jakarta, the date the portal stamps."""
    import datetime as dt
    from unittest import mock

    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = finance_api([indonesia]).patch(
            f"/api/v1/agreements/{agreement.pk}/", {"status": "signed"}, format="json"
        )
    assert response.status_code == 200, response.content
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == (Status.SIGNED, dt.date(2026, 12, 5))
