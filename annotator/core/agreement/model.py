"""What the agreement engine reads, and the columnar form it computes on.

`AgreementInput` is the public request. `Spans` lays every selected annotation on one line of
text (documents end to end, in the order given) as numpy columns, so that the matching,
alignment and unitizing code can work on whole arrays at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.coefficients import METRICS, Metric
from annotator.core.records import GOLD, Annotation, Document, Link

IntArray = npt.NDArray[np.int64]

EVENT = "EVENT"
EVENT_ROLES: tuple[str, ...] = (
    "actor1",
    "actor2",
    "assoc_actor",  # codebooks before version 2: one role for both sides
    "assoc_actor1",
    "assoc_actor2",
    "casualties",
    "place",
    "time",
    "source",
)


@dataclass(frozen=True)
class AgreementInput:
    """The documents, every coder's annotations and links on them, and what to compare.

    - `coders`: whose work to compare; default every coder present except `gold`, sorted.
      Pass `gold` explicitly to compare coders with the adjudicated layer.
    - `attribute_metrics`: `"LABEL.attr"` -> `"nominal"`, `"ordinal"`, `"interval"` (or
      `"ratio"`); attributes not listed are left out of the report. Ordinal, interval and
      ratio values must be numbers; multi_choice values compare as sorted sets.
    - `labels`: restrict everything to these labels (default: every label present).

    Documents are taken as fully coded by every coder: a coder without spans in a document
    said there is nothing to mark there (this matters for F1 and unitizing alpha).
    """

    documents: Sequence[Document]
    annotations: Sequence[Annotation]
    links: Sequence[Link] = ()
    coders: Sequence[str] | None = None
    attribute_metrics: Mapping[str, str] = field(default_factory=dict)
    labels: Sequence[str] | None = None


class AnnotationTable(Sequence[Annotation]):
    """Annotations held as columns, as the store reads them for agreement.

    Building 150,000 `Annotation` records costs more than reading their rows, and the engine
    needs only a few columns: `prepare` reads the columns directly, and a record is built only
    when someone asks for one (a disagreement row, say). `columns` are in `Annotation` field
    order (id, uid, document_id, coder, label, start, end, attributes, ...), all one length,
    the attributes already decoded. Spans with equal attributes may share one attributes
    object (the store decodes each distinct one once): treat them as read-only.
    """

    __slots__ = ("_columns", "_size")

    def __init__(self, columns: Sequence[Sequence[Any]]) -> None:
        if len(columns) != len(_FIELDS) or len({len(c) for c in columns}) > 1:
            raise ValueError(f"an annotation table has {len(_FIELDS)} columns of one length")
        self._size = len(columns[0])
        self._columns = list(columns)

    @classmethod
    def empty(cls) -> AnnotationTable:
        return cls([() for _ in _FIELDS])

    def column(self, name: str) -> Sequence[Any]:
        """One field of every annotation, in order ("id", "coder", "start", ...)."""
        return self._columns[_FIELDS.index(name)]

    def columns(self) -> list[Sequence[Any]]:
        """Every column, in `Annotation` field order."""
        return list(self._columns)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Annotation: ...
    @overload
    def __getitem__(self, index: slice) -> list[Annotation]: ...
    def __getitem__(self, index: int | slice) -> Annotation | list[Annotation]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        return Annotation(*(column[index] for column in self._columns))


_FIELDS = tuple(f.name for f in fields(Annotation))


class _Picked(Sequence[Annotation]):
    """Some annotations of a sequence, by position, without copying them."""

    __slots__ = ("_positions", "_source")

    def __init__(self, source: Sequence[Annotation], positions: list[int]) -> None:
        self._source, self._positions = source, positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Annotation: ...
    @overload
    def __getitem__(self, index: slice) -> list[Annotation]: ...
    def __getitem__(self, index: int | slice) -> Annotation | list[Annotation]:
        if isinstance(index, slice):
            return [self._source[i] for i in self._positions[index]]
        return self._source[self._positions[index]]


def _columns(annotations: Sequence[Annotation]) -> dict[str, Sequence[Any]]:
    """The fields `prepare` needs, as columns."""
    if isinstance(annotations, AnnotationTable):
        return {name: annotations.column(name) for name in _NEEDED}
    return {name: [getattr(a, name) for a in annotations] for name in _NEEDED}


_NEEDED = ("id", "document_id", "coder", "label", "start", "end", "attributes")


@dataclass(frozen=True)
class Spans:
    """The selected annotations as columns; offsets are global (document base + offset).

    `annotations[i]` is span i's record (built on demand from a table), `attributes[i]` its
    attributes and `ident[i]` its id."""

    annotations: Sequence[Annotation]
    attributes: list[dict[str, Any]]
    ident: IntArray
    document: IntArray  # position of the document in `documents`
    start: IntArray
    end: IntArray
    label: IntArray  # index into `labels`
    coder: IntArray  # index into `coders`


@dataclass(frozen=True)
class Prepared:
    """An `AgreementInput` checked and laid out for computation."""

    documents: list[Document]
    coders: list[str]
    labels: list[str]
    metrics: dict[str, Metric]  # "LABEL.attr" -> metric, only for selected labels
    base: IntArray  # global offset at which each document starts
    length: int  # total length of the continuum (all documents)
    spans: Spans
    links: list[Link]


class _Codes(dict[Any, int]):
    """Positions by key; -1 for a key not there (looked up in C, by `map`)."""

    def __missing__(self, key: Any) -> int:
        return -1


def _codes(column: Sequence[Any], positions: Mapping[Any, int]) -> IntArray:
    """Each value's position in `positions` (-1 where it has none), as one array."""
    lookup = _Codes(positions).__getitem__
    return np.fromiter(map(lookup, column), dtype=np.int64, count=len(column))


def _values_at(column: Sequence[Any], where: npt.NDArray[np.bool_]) -> set[Any]:
    """The distinct values of `column` where `where` holds."""
    if where.all():  # the usual case: every span is in a compared document
        return set(column)
    return {column[i] for i in np.flatnonzero(where).tolist()}


def prepare(data: AgreementInput) -> Prepared:
    """Check the input and build the columnar form. Raises ValueError on bad input."""
    documents = list(data.documents)
    position = {doc.id: i for i, doc in enumerate(documents)}
    if len(position) != len(documents):
        raise ValueError("agreement: the same document is given twice")
    lengths = np.array([len(doc.text) for doc in documents], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)

    source = (
        data.annotations
        if isinstance(data.annotations, AnnotationTable)
        else list(data.annotations)
    )
    column = _columns(source)
    doc_of = _codes(column["document_id"], position)
    if data.coders is None:
        coders = sorted(_values_at(column["coder"], doc_of >= 0) - {GOLD})
    else:
        coders = list(dict.fromkeys(data.coders))
    coder_index = {name: i for i, name in enumerate(coders)}
    coder_of = _codes(column["coder"], coder_index)
    keep = (doc_of >= 0) & (coder_of >= 0)
    if data.labels is None:
        labels = sorted(_values_at(column["label"], keep))
    else:
        labels = list(dict.fromkeys(data.labels))
    label_index = {name: i for i, name in enumerate(labels)}
    label_of = _codes(column["label"], label_index)
    keep &= label_of >= 0
    selected = np.flatnonzero(keep)

    metrics: dict[str, Metric] = {}
    for key, metric in data.attribute_metrics.items():
        if metric not in METRICS:
            raise ValueError(
                f"agreement: attribute {key}: unknown metric {metric!r} "
                f"(use one of {', '.join(METRICS)})"
            )
        label, _, attribute = key.partition(".")
        if not attribute:
            raise ValueError(f"agreement: attribute {key!r} must be written LABEL.attribute")
        # An attribute of a label nobody used is still reported (as undefined); one of a
        # label the caller left out is not.
        if label in label_index or data.labels is None:
            metrics[key] = metric

    document = doc_of[selected]
    start = np.array(column["start"], dtype=np.int64)[selected]
    end = np.array(column["end"], dtype=np.int64)[selected]
    label_code = label_of[selected]
    coder = coder_of[selected]
    outside = np.flatnonzero((start < 0) | (start > end) | (end > lengths[document]))
    if outside.size:
        a = source[int(selected[outside[0]])]
        raise ValueError(
            f"agreement: annotation {a.uid or a.id} of {a.coder} in document "
            f"{a.document_id} has offsets {a.start}-{a.end} outside its text "
            f"(0-{lengths[document[outside[0]]]})"
        )
    # Spans in a fixed order (document, start, end, label, coder, id), whatever order the
    # caller gave: alignment breaks its last ties by this order (docs/agreement.md).
    ident = np.array(column["id"], dtype=np.int64)[selected]
    order = np.lexsort((ident, coder, label_code, end, start, document))
    offset = base[document[order]] if selected.size else np.zeros(0, dtype=np.int64)
    picked = selected[order].tolist()
    attributes = column["attributes"]
    spans = Spans(
        annotations=_Picked(source, picked),
        attributes=list(map(attributes.__getitem__, picked)),
        ident=ident[order],
        document=document[order],
        start=offset + start[order],
        end=offset + end[order],
        label=label_code[order],
        coder=coder[order],
    )
    return Prepared(
        documents=documents,
        coders=coders,
        labels=labels,
        metrics=dict(sorted(metrics.items())),
        base=base,
        length=int(lengths.sum()),
        spans=spans,
        links=list(data.links),
    )
