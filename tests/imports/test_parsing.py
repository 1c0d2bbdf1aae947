"""The values people type: numbers, dates, handles, booleans, headers, and the files around them."""

import codecs
import datetime as dt
import io

import openpyxl
import pytest

from imports import parsing
from imports.kinds import KINDS
from imports.mapping import guess_mapping, normalize_header
from imports.parsing import CellError
from imports.readers import FileProblem, detect_format, open_table


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5,700,000", 5_700_000),
        ("5.7M", 5_700_000),
        ("5,7 jt", 5_700_000),
        ("5,7 juta", 5_700_000),
        ("570K", 570_000),
        ("570k", 570_000),
        ("2 rb", 2_000),
        ("57万", 570_000),
        ("1,2 ล้าน", 1_200_000),
        ("5.700.000", 5_700_000),
        ("5 700 000", 5_700_000),
        ("1.55K", 1_550),
        ("15.000", 15_000),
        ("Rp 1.500.000", 1_500_000),
        (5_700_000, 5_700_000),
        (5_700_000.0, 5_700_000),
        ("0", 0),
        ("5700000", 5_700_000),
        ("0057", 57),
        ("５７００", 5_700),  # full-width digits: NFKC, the long way
    ],
)
def test_counts_as_teams_write_them(raw, expected):
    assert parsing.parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["5,7", "banyak", "-5", "12%", "1.5.5"])
def test_unreadable_counts_are_refused(raw):
    with pytest.raises(CellError):
        parsing.parse_count(raw)


def test_a_choice_reader_reads_like_parse_choice():
    from influencers.models import Kind

    aliases = {"kreator": "creator"}
    read = parsing.choice_reader(Kind.choices, aliases)
    for raw in ("Creator", "KREATOR", " musician ", "Celebrity"):
        assert read(raw) == parsing.parse_choice(raw, Kind.choices, aliases)
    with pytest.raises(CellError, match="Unknown value dancer"):
        read("dancer")


def test_money_keeps_cents_and_reads_both_decimal_marks():
    assert str(parsing.parse_money("1.234,50")) == "1234.50"
    assert str(parsing.parse_money("1,234.50")) == "1234.50"
    assert str(parsing.parse_money("Rp 150.000.000")) == "150000000.00"


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("2018-07-04", True, dt.date(2018, 7, 4)),
        ("2018-07-04", False, dt.date(2018, 7, 4)),
        ("04/07/2018", True, dt.date(2018, 7, 4)),
        ("07/04/2018", False, dt.date(2018, 7, 4)),
        ("4.7.2018", True, dt.date(2018, 7, 4)),
        ("43285", True, dt.date(2018, 7, 4)),  # Excel serial typed as text
        (43285, True, dt.date(2018, 7, 4)),  # Excel serial as a number cell
        ("4 Jul 2018", True, dt.date(2018, 7, 4)),
        ("July 4, 2018", True, dt.date(2018, 7, 4)),
        ("17 Agustus 2018", True, dt.date(2018, 8, 17)),
        ("04/07/2561", True, dt.date(2018, 7, 4)),  # Thai Buddhist Era
        (dt.datetime(2018, 7, 4), True, dt.date(2018, 7, 4)),  # a real XLSX date
    ],
)
def test_dates(raw, day_first, expected):
    assert parsing.parse_date(raw, day_first=day_first) == expected


@pytest.mark.parametrize("raw", ["31/02/2018", "soon", "2018", "13/13/2018"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(CellError):
        parsing.parse_date(raw, day_first=True)


def test_datetimes_are_local_to_the_country_unless_they_carry_an_offset():
    from zoneinfo import ZoneInfo

    jakarta = ZoneInfo("Asia/Jakarta")
    local = parsing.parse_datetime("04/07/2018 10:30", day_first=True, zone=jakarta)
    assert local == dt.datetime(2018, 7, 4, 3, 30, tzinfo=dt.UTC)
    end = parsing.parse_datetime("2018-07-04", day_first=True, zone=jakarta, end_of_day=True)
    assert end.astimezone(jakarta).time() == dt.time(23, 59)
    offset = parsing.parse_datetime("2018-07-04T10:30:00+09:00", day_first=True, zone=jakarta)
    assert offset == dt.datetime(2018, 7, 4, 1, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raw", "column", "expected"),
    [
        ("@kaykai", "tiktok", (None, "kaykai")),
        ("  kaykai  ", "tiktok", (None, "kaykai")),
        ("https://www.tiktok.com/@kaykai?lang=th", "tiktok", ("tiktok", "kaykai")),
        ("tiktok.com/@kaykai", None, ("tiktok", "kaykai")),
        ("https://www.youtube.com/@KaykaiSalaider", "youtube", ("youtube", "KaykaiSalaider")),
        ("youtube.com/c/NateMee", "youtube", ("youtube", "NateMee")),
        ("https://youtube.com/channel/UCabcdefghijklmnopqrstuv", "youtube", ("youtube", "UCabcdefghijklmnopqrstuv")),
        ("instagram.com/natemee/?hl=th", "instagram", ("instagram", "natemee")),
        ("https://m.facebook.com/profile.php?id=1234", "facebook", ("facebook", "1234")),
        ("twitter.com/natemee", "x", ("x", "natemee")),
        ("https://x.com/natemee", "x", ("x", "natemee")),
    ],
)
def test_handles_and_profile_urls(raw, column, expected):
    platform, handle, _url = parsing.parse_handle(raw, column)
    assert (platform, handle) == expected


@pytest.mark.parametrize(
    ("raw", "column"),
    [
        ("instagram.com/someone", "youtube"),
        ("https://vt.tiktok.com/ZSabc/", "tiktok"),
        ("two words", "tiktok"),
        ("https://example.com/x", "tiktok"),
    ],
)
def test_bad_handles_are_refused(raw, column):
    with pytest.raises(CellError):
        parsing.parse_handle(raw, column)


def test_hashtags_with_or_without_hash_or_as_a_tag_page():
    assert parsing.parse_hashtag("#JogetBareng") == "JogetBareng"
    assert parsing.parse_hashtag("https://www.tiktok.com/tag/JogetBareng?lang=id") == "JogetBareng"
    with pytest.raises(CellError):
        parsing.parse_hashtag("two words")


def test_booleans_in_several_languages():
    assert all(parsing.parse_bool(v) for v in ["yes", "Ya", "TRUE", "1", "✓", "ใช่", "はい"])
    assert not any(parsing.parse_bool(v) for v in ["no", "Tidak", "false", "0"])


def test_headers_are_guessed_from_their_many_spellings():
    assert normalize_header("\ufeffFollowers (YouTube)") == "followers_youtube"
    mapping = guess_mapping(KINDS["influencers"], ["Nama", "TikTok", "TT followers", "Pengikut", "IG", "Whatever"])
    assert mapping == {
        "Nama": "name",
        "TikTok": "tiktok",
        "TT followers": "tiktok_followers",
        "Pengikut": "followers",
        "IG": "instagram",
        "Whatever": "",
    }


def test_a_remembered_choice_wins_and_a_field_is_fed_once():
    kind = KINDS["influencers"]
    mapping = guess_mapping(kind, ["Nama", "Full name", "Akun"], remembered={"Akun": "tiktok", "Nama": ""})
    assert mapping == {"Nama": "", "Full name": "name", "Akun": "tiktok"}


# --- files ------------------------------------------------------------------------------


def _rows(data: bytes):
    fileobj = io.BytesIO(data)
    fmt, encoding = detect_format(fileobj)
    with open_table(fileobj, fmt, encoding) as table:
        return fmt, table.headers, list(table.rows())


def test_csv_with_bom_without_bom_semicolons_and_utf16():
    text = "name,handle\nไข่ไก่ 😀,@kaykai\n\n田中,@sakura\n"
    for data in [
        codecs.BOM_UTF8 + text.encode(),
        text.encode(),
        text.replace(",", ";").encode(),
        text.encode("utf-16"),
    ]:
        fmt, headers, rows = _rows(data)
        assert fmt == "csv"
        assert headers == ["name", "handle"]
        # Row numbers are the spreadsheet's: the blank line 3 is skipped but counted.
        assert rows == [(2, ["ไข่ไก่ 😀", "@kaykai"]), (4, ["田中", "@sakura"])]


def test_xlsx_is_read_by_content_with_typed_cells():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "joined", "followers"])
    sheet.append(["Kaykai", dt.datetime(2018, 7, 4), 5_700_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    fmt, headers, rows = _rows(buffer.getvalue())
    assert fmt == "xlsx"
    assert rows == [(2, ["Kaykai", dt.datetime(2018, 7, 4), 5_700_000])]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4 ...",
        b"\xd0\xcf\x11\xe0old excel",
        b"PK\x03\x04not really a zip",
        b"\x00\x01\x02binary",
        "name\nBudi\n".encode("cp1252") + b"\xe9\xe8",
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_with_a_reason(data):
    with pytest.raises(FileProblem):
        detect_format(io.BytesIO(data))
