"""Opening an uploaded table: its real type (by content, not name) and its rows, streamed.

CSV is read in UTF-8 with or without BOM (or UTF-16 when it carries a BOM, as Excel's
"Unicode text" does), with ``,`` ``;`` tab or ``|`` as separator; XLSX through openpyxl's
read-only mode. Neither loads the whole file: rows come one at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsportal.uploads import check_inflation

from .parsing import is_blank

CSV = "csv"
XLSX = "xlsx"
SNIFF_BYTES = 64 * 1024

csv.field_size_limit(1024 * 1024)  # a long "notes" cell is fine; a runaway quote is not


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


def refuse_zip_bomb(fileobj) -> None:
    """``opsportal.uploads.check_inflation`` (ratio and absolute cap) as a FileProblem."""
    try:
        check_inflation(fileobj)
    except ValidationError as exc:
        raise FileProblem(exc.messages[0]) from None


def detect_format(fileobj) -> tuple[str, str]:
    """(``csv`` or ``xlsx``, text encoding) from the first bytes; raises FileProblem."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if not head:
        raise FileProblem(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        refuse_zip_bomb(fileobj)
        try:
            names = set(zipfile.ZipFile(fileobj).namelist())
        except zipfile.BadZipFile:
            raise FileProblem(_("The file looks like an Excel workbook but is damaged."))
        finally:
            fileobj.seek(0)
        if "xl/workbook.xml" not in names:
            raise FileProblem(_("This ZIP archive is not an Excel workbook (.xlsx)."))
        return XLSX, ""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("This is an old Excel file (.xls). Save it as .xlsx or CSV UTF-8 and upload again."))
    if head.startswith(b"%PDF"):
        raise FileProblem(_("This is a PDF. Upload a CSV or XLSX file."))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return CSV, "utf-16"
    if b"\x00" in head:
        raise FileProblem(_("This is not a text (CSV) file or an Excel workbook (.xlsx)."))
    try:
        # A multi-byte character may be cut at the end of the sample: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        raise FileProblem(_("The file is not UTF-8 text. In Excel choose “Save as → CSV UTF-8”, or upload the .xlsx."))
    return CSV, "utf-8-sig"


def _header_names(cells) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        name = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        name = name or _("Column %(n)d") % {"n": index}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


class Table:
    """An open table: ``headers`` and ``rows()`` yielding (spreadsheet row number, cells)."""

    def __init__(self, raw_rows: Iterator[list], closer=None):
        self._raw = raw_rows
        self._closer = closer
        self.headers: list[str] = []
        self.header_row = 0
        for number, cells in self._raw:
            if any(not is_blank(c) for c in cells):
                self.headers = _header_names(cells)
                self.header_row = number
                break
        # Trailing empty header cells (Excel's formatting ghosts) are not columns.
        while self.headers and self.headers[-1].startswith(_("Column %(n)d") % {"n": len(self.headers)}):
            self.headers.pop()

    def rows(self) -> Iterator[tuple[int, list]]:
        width = len(self.headers)
        for number, cells in self._raw:
            cells = list(cells[:width]) + [None] * (width - len(cells))
            if all(is_blank(c) for c in cells):
                continue
            yield number, cells

    def close(self) -> None:
        if self._closer:
            self._closer()


def _delimiter(header_line: str) -> str:
    """The separator of the header line: Excel in Indonesian or European locales writes ``;``."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(fileobj, encoding: str) -> tuple[Iterator[list], callable]:
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="", errors="strict")
    first_line = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=_delimiter(first_line))

    def numbered():
        try:
            yield from enumerate(reader, start=1)
        except UnicodeDecodeError:
            raise FileProblem(_("The file is not UTF-8 text. In Excel choose “Save as → CSV UTF-8”."))
        except csv.Error as exc:
            raise FileProblem(
                _("The CSV cannot be read near record %(n)d: %(error)s") % {"n": reader.line_num, "error": exc}
            )

    return numbered(), text.detach


def _xlsx_rows(fileobj) -> tuple[Iterator[list], callable]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise FileProblem(_("The Excel workbook cannot be read: %(error)s") % {"error": exc})
    sheet = workbook.worksheets[0]

    def numbered():
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)

    return numbered(), workbook.close


@contextmanager
def open_table(fileobj, fmt: str | None = None, encoding: str = "") -> Iterator[Table]:
    """Open a CSV or XLSX (detected by content when ``fmt`` is None) as a Table.

    Every read of an import goes through here — the web request that stores the file and the
    worker that imports it — so a workbook's inflated size is checked before any parsing, each
    time (a stored file is checked again, whatever checked it before).
    """
    if fmt is None:
        fmt, encoding = detect_format(fileobj)
    if fmt == XLSX:
        refuse_zip_bomb(fileobj)
    fileobj.seek(0)
    raw, closer = _xlsx_rows(fileobj) if fmt == XLSX else _csv_rows(fileobj, encoding or "utf-8-sig")
    table = Table(raw, closer)
    try:
        yield table
    finally:
        table.close()


def count_rows(fileobj, fmt: str, encoding: str = "") -> int:
    """How many data rows (for the progress bar); a quick pass without parsing values."""
    with open_table(fileobj, fmt, encoding) as table:
        return sum(1 for _row in table.rows())
