"""Suggested spans: other mentions, in the same document, of a name the coder has just linked
to the actor registry or the gazetteer (or of a selection to "tag all occurrences" of).

A suggestion is never written by itself: the coding window shows it as a dashed outline, and
only a key press accepts it into the coder's layer (audited as an accepted suggestion; see
docs/dataset.md). Matching is whole words, case-insensitive, longest spelling first, and skips
places the coder has already marked with the same label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)
    matched: str = ""  # the spelling found


def _pattern(spellings: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted(
        {" ".join(s.split()) for s in spellings if s and s.strip()}, key=len, reverse=True
    )
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    # whole words: not inside a longer word (letters, digits, underscore on either side)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


def find_mentions(
    text: str,
    spellings: Iterable[str],
    label: str,
    attributes: dict[str, Any] | None = None,
    taken: Sequence[tuple[int, int, str]] = (),
) -> list[Suggestion]:
    """Every whole-word mention of any of ``spellings`` in ``text``, as a suggestion of
    ``label`` with ``attributes``, except where a span of that label already overlaps it
    (``taken``: the coder's spans as ``(start, end, label)``)."""
    pattern = _pattern(spellings)
    if pattern is None:
        return []
    same = sorted((s, e) for s, e, lab in taken if lab == label)
    out: list[Suggestion] = []
    for m in pattern.finditer(text):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in same):
            continue
        out.append(Suggestion(start, end, label, dict(attributes or {}), m.group(0)))
    return out
