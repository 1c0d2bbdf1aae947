"""CSV and XLSX writers that stream, with spreadsheet formula injection neutralised.

A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return
that some programs strip first) gets a leading apostrophe, the OWASP recommendation: it shows
as text and is never evaluated. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def plain(value, *, for_xlsx: bool = False):
    """A Python value as a cell: text neutralised; numbers and (for XLSX) dates kept typed."""
    if value is None:
        return "" if not for_xlsx else None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return value if for_xlsx else format(value, "f")
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)  # already in the row's local time
        return value if for_xlsx else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value if for_xlsx else value.isoformat()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


class _Echo:
    """A file-like object csv.writer writes into, handing each line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with BOM, so Excel opens Thai and Japanese names correctly."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow([neutralise(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([plain(v) for v in row]).encode("utf-8")


def _clean_xlsx(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = plain(value, for_xlsx=True)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_write(workbook, title: str, headers: list[str], rows: Iterable[list]) -> None:
    """Append one sheet to a write-only workbook (rows go to disk as they come)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=_sheet_title(title))
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        values = [_clean_xlsx(v) for v in row]
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet"


def xlsx_file(sheets: list[tuple[str, list[str], Iterable[list]]]):
    """A temporary file holding the workbook, positioned at the start, ready to stream out."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        xlsx_write(workbook, title, headers, rows)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
