"""Turning values into CSV cells that are safe to open in a spreadsheet.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection), so it gets a leading ``'``.
Numbers we write are passed to the csv module as numbers and never touched: ``-2`` stays a
number, while the *text* ``"-2"`` becomes ``'-2``.
"""

from __future__ import annotations

from typing import Any

import orjson

UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "

Cell = str | int | float


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
