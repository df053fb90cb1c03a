"""What the agreement engine reads, and the columnar form it computes on.

`AgreementInput` is the public request. `Spans` lays every selected annotation on one line of
text (documents end to end, in the order given) as numpy columns, so that the matching,
alignment and unitizing code can work on whole arrays at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.coefficients import METRICS, Metric
from annotator.core.records import GOLD, Annotation, Document, Link

IntArray = npt.NDArray[np.int64]

EVENT = "EVENT"
EVENT_ROLES: tuple[str, ...] = (
    "actor1",
    "actor2",
    "assoc_actor",
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


@dataclass(frozen=True)
class Spans:
    """The selected annotations as columns; offsets are global (document base + offset)."""

    annotations: list[Annotation]
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


def prepare(data: AgreementInput) -> Prepared:
    """Check the input and build the columnar form. Raises ValueError on bad input."""
    documents = list(data.documents)
    position = {doc.id: i for i, doc in enumerate(documents)}
    if len(position) != len(documents):
        raise ValueError("agreement: the same document is given twice")
    lengths = np.array([len(doc.text) for doc in documents], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)

    if data.coders is None:
        coders = sorted({a.coder for a in data.annotations if a.document_id in position} - {GOLD})
    else:
        coders = list(dict.fromkeys(data.coders))
    coder_index = {name: i for i, name in enumerate(coders)}

    selected = [a for a in data.annotations if a.coder in coder_index and a.document_id in position]
    if data.labels is None:
        labels = sorted({a.label for a in selected})
    else:
        labels = list(dict.fromkeys(data.labels))
        wanted = set(labels)
        selected = [a for a in selected if a.label in wanted]
    label_index = {name: i for i, name in enumerate(labels)}

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

    document = np.array([position[a.document_id] for a in selected], dtype=np.int64)
    start = np.array([a.start for a in selected], dtype=np.int64)
    end = np.array([a.end for a in selected], dtype=np.int64)
    label_code = np.array([label_index[a.label] for a in selected], dtype=np.int64)
    coder = np.array([coder_index[a.coder] for a in selected], dtype=np.int64)
    outside = np.flatnonzero((start < 0) | (start > end) | (end > lengths[document]))
    if outside.size:
        a = selected[int(outside[0])]
        raise ValueError(
            f"agreement: annotation {a.uid or a.id} of {a.coder} in document "
            f"{a.document_id} has offsets {a.start}-{a.end} outside its text "
            f"(0-{lengths[document[outside[0]]]})"
        )
    # Spans in a fixed order (document, start, end, label, coder, id), whatever order the
    # caller gave: alignment breaks its last ties by this order (docs/agreement.md).
    ident = np.array([a.id for a in selected], dtype=np.int64)
    order = np.lexsort((ident, coder, label_code, end, start, document))
    offset = base[document[order]] if selected else np.zeros(0, dtype=np.int64)
    spans = Spans(
        annotations=[selected[i] for i in order.tolist()],
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
