"""Agreement on event frames: do coders who marked the same event give it the same roles?

Two coders' EVENT spans are aligned when they fall in the same unit (see `alignment`). For each
aligned pair and each role, the fillers each coder linked are compared through their units: a
filler of one coder matches a filler of the other when both lie in the same unit. Role F1 =
2 * matched / (fillers of a + fillers of b), summed over aligned events before dividing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.alignment import Units
from annotator.core.agreement.model import EVENT, EVENT_ROLES, IntArray, Prepared

BoolArray = npt.NDArray[np.bool_]

Frames = dict[int, dict[str, list[int]]]
"""Event span index -> role -> filler span indices."""


@dataclass(frozen=True)
class Fillers:
    """Every role link of a selected EVENT span to a selected span of the same coder, once:
    `source[k]` (the event span) fills role `EVENT_ROLES[role[k]]` with span `target[k]`, in
    the order the links were given."""

    source: IntArray
    role: IntArray
    target: IntArray


def fillers(prepared: Prepared) -> Fillers:
    """The event role links among the selected spans (see `Fillers`), found on whole arrays."""
    empty = np.zeros(0, dtype=np.int64)
    spans = prepared.spans
    if EVENT not in prepared.labels or not prepared.links or spans.start.size == 0:
        return Fillers(empty, empty, empty)
    event = prepared.labels.index(EVENT)
    ids = spans.ident
    by_id = np.argsort(ids, kind="stable")
    sorted_ids = ids[by_id]
    role_index = {role: k for k, role in enumerate(EVENT_ROLES)}
    links = prepared.links
    role = np.array([role_index.get(k.role, -1) for k in links], dtype=np.int64)

    def span_of(link_ids: list[int]) -> IntArray:
        wanted = np.array(link_ids, dtype=np.int64)
        # The last span with that id, as a dict from id to span would give.
        at = np.searchsorted(sorted_ids, wanted, side="right") - 1
        found = (at >= 0) & (sorted_ids[np.maximum(at, 0)] == wanted)
        return np.where(found, by_id[np.maximum(at, 0)], -1).astype(np.int64)

    source = span_of([k.from_id for k in links])
    target = span_of([k.to_id for k in links])
    keep = (role >= 0) & (source >= 0) & (target >= 0)
    keep[keep] = (spans.label[source[keep]] == event) & (
        spans.coder[source[keep]] == spans.coder[target[keep]]
    )
    source, role, target = source[keep], role[keep], target[keep]
    # One link per (event, role, filler): the first given.
    key = (source * len(EVENT_ROLES) + role) * spans.start.size + target
    _, first = np.unique(key, return_index=True)
    first.sort()
    return Fillers(source[first], role[first], target[first])


def frames(prepared: Prepared, found: Fillers | None = None) -> Frames:
    """Each selected EVENT span's role fillers among the selected spans (same coder only)."""
    found = fillers(prepared) if found is None else found
    result: Frames = {}
    for source, role, target in zip(
        found.source.tolist(), found.role.tolist(), found.target.tolist(), strict=True
    ):
        result.setdefault(source, {}).setdefault(EVENT_ROLES[role], []).append(target)
    return result


def event_units(prepared: Prepared, units: Units) -> tuple[int, np.ndarray]:
    """The EVENT label's index and a coders x units mask of who marked an event there."""
    if EVENT not in prepared.labels:
        return -1, np.zeros(units.member.shape, dtype=bool)
    event = prepared.labels.index(EVENT)
    return event, units.codes(prepared.spans.label) == event


@dataclass(frozen=True)
class RoleCounts:
    """For one pair of coders: aligned events and, per role, matched / a's / b's fillers."""

    aligned: int
    matched: dict[str, int]
    n_a: dict[str, int]
    n_b: dict[str, int]


def role_counts(
    prepared: Prepared, units: Units, is_event: BoolArray, found: Fillers, a: int, b: int
) -> RoleCounts:
    """Compare the role fillers of coders a and b on the events they both marked."""
    aligned = is_event[a] & is_event[b]
    n_roles, n_units = len(EVENT_ROLES), max(units.count, 1)
    coder = prepared.spans.coder[found.source]
    event_unit = units.unit[found.source]
    # A coder's fillers of a role in an event are compared as the set of units they lie in.
    key = (event_unit * n_roles + found.role) * n_units + units.unit[found.target]

    def said_by(c: int) -> IntArray:
        mine = (coder == c) & aligned[event_unit]
        return np.unique(key[mine])

    key_a, key_b = said_by(a), said_by(b)
    both = np.intersect1d(key_a, key_b, assume_unique=True)

    def per_role(keys: IntArray) -> dict[str, int]:
        counts = np.bincount((keys // n_units) % n_roles, minlength=n_roles)
        return {role: int(counts[k]) for k, role in enumerate(EVENT_ROLES)}

    return RoleCounts(
        aligned=int(np.count_nonzero(aligned)),
        matched=per_role(both),
        n_a=per_role(key_a),
        n_b=per_role(key_b),
    )
