"""Turning values into CSV cells that are safe to open in a spreadsheet.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection), so it gets a leading ``'``.
Numbers we write are passed to the csv module as numbers and never touched: ``-2`` stays a
number, while the *text* ``"-2"`` becomes ``'-2``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TextIO

import orjson

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "

Cell = str | int | float
Row = Sequence[Cell]


def _quotes_bare_cr() -> bool:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["a\rb"])
    return out.getvalue().startswith('"')


# CPython before 3.11.9 / 3.12.3 (gh-67044) does not quote a field holding a bare "\r" when the
# line terminator is "\n", and every reader then splits the row there.
CSV_QUOTES_BARE_CR = _quotes_bare_cr()


def text_cell(value: str) -> str:
    return "'" + value if value.startswith(UNSAFE_STARTS) else value


def value_cell(value: Any) -> Cell:
    """An attribute value as a cell: numbers stay numbers, lists are joined with ``; ``."""
    t = type(value)
    if t is str:
        s: str = value
        return "'" + s if s.startswith(UNSAFE_STARTS) else s
    if value is None:
        return ""
    if t is bool:
        return "true" if value else "false"
    if t is int or t is float:
        n: int | float = value
        return n
    if t is list or t is tuple:
        return text_cell(LIST_SEPARATOR.join(str(v) for v in value))
    return text_cell(orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode())


def join_cell(values: list[str]) -> str:
    return text_cell(LIST_SEPARATOR.join(values))


class CsvTable:
    """A csv writer (UTF-8, ``\\n`` line ends, minimal quoting) that is safe on every Python.

    Where the csv module would leave a bare carriage return unquoted, rows are written through a
    buffer first; the rare batch that contains one is rewritten with every text cell quoted.
    """

    def __init__(self, f: TextIO, header: Sequence[str]) -> None:
        self._file = f
        self._direct = csv.writer(f, lineterminator="\n")
        self._direct.writerow(header)
        self._buffer: io.StringIO | None = None
        if not CSV_QUOTES_BARE_CR:
            self._buffer = io.StringIO()
            self._buffered = csv.writer(self._buffer, lineterminator="\n")
            self._quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)

    def writerows(self, rows: Iterable[Row]) -> None:
        buffer = self._buffer
        if buffer is None:
            self._direct.writerows(rows)
            return
        rows = list(rows)
        self._buffered.writerows(rows)
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if "\r" not in chunk:
            self._file.write(chunk)
            return
        for row in rows:
            if any(isinstance(c, str) and "\r" in c for c in row):
                self._quoted.writerow(row)
            else:
                self._direct.writerow(row)

    def writerow(self, row: Row) -> None:
        self.writerows([row])


def typed_cell(kind: str, value: Any) -> Cell | None:
    """``value`` as a cell of a column of type ``kind`` (see :mod:`.schema`); None if it does
    not fit (a number in a boolean column, text in an integer column after a codebook change),
    so that the column keeps one type and loads in pandas as that type."""
    t = type(value)
    if value is None:
        return ""
    if kind == "string":
        return value_cell(value)
    if kind == "integer":
        if t is int:
            n: int = value
            return n
        if t is float and value.is_integer():
            return int(value)
        return None
    if kind == "number":
        return value if t is int or t is float else None
    if kind == "boolean":
        return ("true" if value else "false") if t is bool else None
    if kind == "date" and t is str and ISO_DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            return None
        return str(value)
    return None
