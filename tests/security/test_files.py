"""Uploaded files are checked by content and size; CSV exports never carry a live formula."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsportal.csvsafe import SafeDictWriter, neutralise, safe_row, writer
from opsportal.uploads import UploadValidator, check_upload


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["hashtag", "views"])
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kinds", "found"),
    [
        ("metrics.csv", b"hashtag,views\ngoyangjempol,53000000\n", {"csv"}, "csv"),
        ("metrics.csv", "\ufeffชื่อ,views\nTor,1\n".encode(), {"csv"}, "csv"),
        ("metrics.csv", "name\nCafé\n".encode("cp1252"), {"csv"}, "csv"),
        ("metrics.xlsx", _xlsx(), {"csv", "xlsx"}, "xlsx"),
        ("rows.json", b'{"rows": []}', {"json"}, "json"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, {"png", "jpeg"}, "png"),
        ("letter.pdf", b"%PDF-1.7\n...", {"pdf"}, "pdf"),
    ],
)
def test_accepted_by_content(name, content, kinds, found):
    assert check_upload(SimpleUploadedFile(name, content), kinds=kinds) == found


@pytest.mark.parametrize(
    ("name", "content", "kinds", "code"),
    [
        ("empty.csv", b"", {"csv"}, "empty"),
        ("big.csv", b"a,b\n" * 4000, {"csv"}, "too_large"),
        ("tool.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", {"csv"}, "type"),
        ("sheet.csv", _xlsx(), {"csv", "xlsx"}, "mismatch"),
        ("script.xlsx", b"<script>alert(1)</script>", {"xlsx"}, "type"),
        ("archive.xlsx", b"PK\x03\x04garbage", {"xlsx"}, "type"),
        ("photo.png", b"GIF89a....", {"png", "gif"}, "mismatch"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, {"csv", "xlsx"}, "type"),
    ],
)
def test_refused_with_a_clear_reason(name, content, kinds, code):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content), kinds=kinds, max_bytes=10_000)
    assert error.value.code == code
    assert str(error.value.messages[0])


def test_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("bomb.xlsx", buffer.getvalue()), kinds={"xlsx"})
    assert error.value.code == "zip_bomb"


def test_the_form_validator_and_the_file_position():
    upload = SimpleUploadedFile("metrics.csv", b"hashtag,views\n")
    UploadValidator({"csv"})(upload)
    assert upload.read() == b"hashtag,views\n"
    with pytest.raises(ValidationError):
        UploadValidator({"xlsx"})(SimpleUploadedFile("metrics.csv", b"hashtag,views\n"))


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", '=HYPERLINK("http://x","y")', "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Tor", "goyangjempol", "", "a=b", 53000000, -5, 1.5, None])
def test_other_cells_are_untouched(cell):
    assert neutralise(cell) == cell


def test_writers_neutralise_every_text_cell():
    stream = io.StringIO()
    out = writer(stream)
    out.writerow(["name", "views"])
    out.writerows([["=HYPERLINK(1)", -3], ["@handle", 7]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["name", "views"], ["'=HYPERLINK(1)", "-3"], ["'@handle", "7"]]
    stream = io.StringIO()
    dict_writer = SafeDictWriter(stream, fieldnames=["name"])
    dict_writer.writeheader()
    dict_writer.writerows([{"name": "+62 811"}, {"name": "Nate & Mee"}])
    assert stream.getvalue().splitlines() == ["name", "'+62 811", "Nate & Mee"]
    assert safe_row(["-x", 1]) == ["'-x", 1]


@pytest.mark.urls("tests.security.urls")
def test_every_csv_export_neutralises_formulas(world, roles, client):
    """End to end, through the export door: no text cell of any list starts a formula."""
    from django.urls import NoReverseMatch, reverse

    from influencers.models import Influencer, PlatformAccount

    try:
        from exports.registry import LISTS

        reverse("exports:list", kwargs={"name": "x", "fmt": "csv"})
    except (ImportError, NoReverseMatch):
        pytest.skip("no export door yet")
    Influencer.objects.filter(pk=world.objects["ID"]["influencer"].pk).update(
        name='=HYPERLINK("http://evil.example","click")', notes="@SUM(1+1)", city="+62", local_name="-cmd"
    )
    PlatformAccount.objects.filter(pk=world.objects["ID"]["platformaccount"].pk).update(handle="=1+1")
    client.force_login(roles["superuser"])
    checked = 0
    for name in LISTS:
        response = client.get(reverse("exports:list", kwargs={"name": name, "fmt": "csv"}))
        assert response.status_code == 200, name
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
                checked += 1
    assert checked
