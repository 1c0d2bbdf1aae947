"""CSV cells that a spreadsheet will not run as formulas (CSV/formula injection).

A creator's name such as ``=HYPERLINK("http://evil","click")`` or ``@SUM(1+1)`` would be
evaluated by Excel or LibreOffice when a colleague opens an export. Text cells starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading apostrophe, which the
spreadsheet shows as plain text. Numbers stay numbers: only text is touched.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet will show it, never as a formula it would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(cell) for cell in row]


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, stream, *args, **kwargs):
        self._writer = csv.writer(stream, *args, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every text cell (not the header) is neutralised."""

    def writerow(self, rowdict):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):  # the stdlib's writerows bypasses writerow
        for rowdict in rowdicts:
            self.writerow(rowdict)


def writer(stream, *args, **kwargs) -> SafeWriter:
    return SafeWriter(stream, *args, **kwargs)
