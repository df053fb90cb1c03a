"""Agreement on event frames: do coders who marked the same event give it the same roles?

Two coders' EVENT spans are aligned when they fall in the same unit (see `alignment`). For each
aligned pair and each role, the fillers each coder linked are compared through their units: a
filler of one coder matches a filler of the other when both lie in the same unit. Role F1 =
2 * matched / (fillers of a + fillers of b), summed over aligned events before dividing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.alignment import Units
from annotator.core.agreement.model import EVENT, EVENT_ROLES, Prepared

Frames = dict[int, dict[str, list[int]]]
"""Event span index -> role -> filler span indices."""


def frames(prepared: Prepared) -> Frames:
    """Each selected EVENT span's role fillers among the selected spans (same coder only)."""
    if EVENT not in prepared.labels:
        return {}
    event = prepared.labels.index(EVENT)
    spans = prepared.spans
    index = {a.id: i for i, a in enumerate(spans.annotations)}
    label_of, coder_of = spans.label.tolist(), spans.coder.tolist()  # plain ints: fast lookups
    roles = set(EVENT_ROLES)
    result: Frames = {}
    for link in prepared.links:
        if link.role not in roles:
            continue
        source = index.get(link.from_id)
        target = index.get(link.to_id)
        if source is None or target is None or label_of[source] != event:
            continue
        if coder_of[source] != coder_of[target]:
            continue
        fillers = result.setdefault(source, {}).setdefault(link.role, [])
        if target not in fillers:
            fillers.append(target)
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


def role_counts(units: Units, is_event: np.ndarray, found: Frames, a: int, b: int) -> RoleCounts:
    """Compare the role fillers of coders a and b on the events they both marked."""
    aligned = np.flatnonzero(is_event[a] & is_event[b])
    matched = dict.fromkeys(EVENT_ROLES, 0)
    n_a = dict.fromkeys(EVENT_ROLES, 0)
    n_b = dict.fromkeys(EVENT_ROLES, 0)
    unit_of = units.unit.tolist()
    member_a, member_b = units.member[a].tolist(), units.member[b].tolist()
    for u in aligned.tolist():
        frame_a = found.get(member_a[u], {})
        frame_b = found.get(member_b[u], {})
        for role in set(frame_a) | set(frame_b):
            fa = {unit_of[i] for i in frame_a.get(role, ())}
            fb = {unit_of[i] for i in frame_b.get(role, ())}
            matched[role] += len(fa & fb)
            n_a[role] += len(fa)
            n_b[role] += len(fb)
    return RoleCounts(aligned=int(aligned.size), matched=matched, n_a=n_a, n_b=n_b)
