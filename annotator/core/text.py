"""Text as stored: decoding, the one normalisation import applies, and offset remapping.

A document's text is stored once and never changes. Import turns ``\\r\\n`` and ``\\r`` into
``\\n`` and strips a leading BOM, nothing else (docs/formats.md, "Text and offsets"); offsets
given against the original text are remapped through that normalisation so they keep pointing
at the same characters.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

BOM = "\ufeff"


class TextError(ValueError):
    """Input that cannot become a document (binary, not UTF-8, empty, too large)."""


@dataclass(frozen=True, slots=True)
class Normalised:
    text: str
    # Sorted positions in the original text of characters that were dropped (BOM, the \r of \r\n).
    dropped: tuple[int, ...] = ()

    def offset(self, original: int) -> int:
        """Map an offset into the original text to the same place in the normalised text."""
        return original - bisect.bisect_left(self.dropped, original)


def normalise(raw: str) -> Normalised:
    dropped: list[int] = []
    if raw.startswith(BOM):
        dropped.append(0)
    if "\r" not in raw:
        return Normalised(raw[1:] if dropped else raw, tuple(dropped))
    dropped.extend(m.start() for m in re.finditer("\r\n", raw))
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return Normalised(text[1:] if raw.startswith(BOM) else text, tuple(dropped))


def decode(data: bytes, max_bytes: int) -> str:
    """Bytes of a text file → str, or a TextError saying why it isn't one."""
    if not data.strip():
        raise TextError("empty file")
    if len(data) > max_bytes:
        raise TextError(f"file is {len(data):,} bytes, over the limit of {max_bytes:,}")
    if b"\x00" in data[:8192]:
        raise TextError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextError(f"line {line}: invalid UTF-8 (byte {exc.start})") from None


def check_text(text: str, max_chars: int) -> None:
    if not text.strip():
        raise TextError("empty text")
    if len(text) > max_chars:
        raise TextError(f"text is {len(text):,} characters, over the limit of {max_chars:,}")
    if "\x00" in text:
        raise TextError("text contains NUL characters (binary data?)")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_PUBLISHED = re.compile(
    r"(?:published|updated|date)\s*:?\s*(\d{1,2})[./](\d{1,2})[./](\d{4})|"
    r"(?:published|updated|date)\s*:?\s*(\d{4})-(\d{2})-(\d{2})",
    re.IGNORECASE,
)


def guess_title_and_date(text: str) -> tuple[str, str]:
    """A plain-text article's title (first line) and publication date from a 'Published' line."""
    lines = [ln.strip() for ln in text.split("\n", 8)[:8] if ln.strip()]
    title = lines[0][:300] if lines else ""
    for line in lines[1:6]:
        m = _PUBLISHED.search(line)
        if m:
            if m.group(1):
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            else:
                y, mo, d = int(m.group(4)), int(m.group(5)), int(m.group(6))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return title, f"{y:04d}-{mo:02d}-{d:02d}"
    return title, ""
