"""File names made from document ids and coder names: safe on Linux, macOS and Windows.

Characters other than letters, digits, ``.``, ``-`` and ``_`` become ``_``; leading and trailing
dots and underscores go; names Windows reserves for devices (``CON``, ``PRN``, ``AUX``, ``NUL``,
``COM0``-``COM9``, ``LPT0``-``LPT9``, with superscript digits too, in any case and with any
extension: ``nul.txt``, ``Com1.tar``) get a leading ``_``; a name is cut to 150 bytes of UTF-8
so that it fits every file system with its extension. Names are unique ignoring case, since
Windows and macOS file systems ignore case: a second ``Doc-1`` becomes ``Doc-1-<fallback>``.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w.-]+")
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
MAX_BYTES = 150


def _cut(name: str, limit: int) -> str:
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    return data[:limit].decode("utf-8", "ignore")


def file_stem(key: str, fallback: str, used: set[str]) -> str:
    """A safe, unique (ignoring case) file name for ``key``; ``used`` holds the names taken."""
    stem = _cut(_UNSAFE.sub("_", key), MAX_BYTES).strip("._") or fallback
    if _RESERVED.fullmatch(stem):
        stem = "_" + stem
    candidate, n = stem, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{stem}-{fallback}" if n == 2 else f"{stem}-{fallback}-{n}"
    used.add(candidate.lower())
    return candidate
