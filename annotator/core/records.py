"""Plain, immutable records shared by the store, the exporters, agreement and the GUI.

They carry no database or Qt state: the store converts its rows into these, and everything
downstream (writers, agreement, views) works on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSONValue = Any
Attributes = dict[str, JSONValue]

GOLD = "gold"
"""Reserved coder name of the adjudicated layer."""


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    ext_id: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or ""
    language: str = ""
    metadata: dict[str, JSONValue] = field(default_factory=dict)
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A labelled span. Offsets are code points into the document text, end exclusive."""

    id: int
    uid: str  # the id users see and exports write; unique within its document
    document_id: int
    coder: str
    label: str
    start: int
    end: int
    attributes: Attributes = field(default_factory=dict)
    note: str = ""
    codebook_version: int = 0
    source_uid: str = ""  # provenance of a gold annotation: "coder:uid" it was taken from


@dataclass(frozen=True, slots=True)
class Link:
    """A typed edge between two annotations: an event role or a relation."""

    id: int
    uid: str
    document_id: int
    coder: str
    from_id: int
    role: str
    to_id: int
