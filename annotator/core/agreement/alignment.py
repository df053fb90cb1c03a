"""Units for label and attribute agreement: spans of different coders that mark the same thing.

The rule (docs/agreement.md, "Alignment"): coders are taken in order, and each coder's spans
are matched one-to-one against the units built so far, so a unit never holds two spans of one
coder. A span may join a unit when it overlaps any span already in it. The matching is the best
one under three levels, each outranking the next: as many spans joined as possible; among those,
as many joined to a unit holding a span of the same label; among those, the largest total
overlap (a span's overlap with a unit is taken against the unit's span it agrees with best:
same label first, then larger overlap). This is solved exactly for tangles of any size (see
`matching`); ties left are broken by the order of the spans (document, start, end, label,
coder, creation order). Spans left over start new units. A coder without a span in a unit is
*missing* there, which is not a disagreement.

Same-label-first keeps nested annotations apart (an ACTOR inside an EVENT phrase aligns with the
other coder's ACTOR, not with the EVENT), while a span given a different label on the same words
still lands in the same unit and shows up as a label disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.matching import max_matching, overlap_edges
from annotator.core.agreement.model import Spans

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Units:
    """`unit[i]` is the unit of span i; `member[c, u]` the span of coder c in unit u or -1."""

    unit: IntArray
    member: IntArray

    @property
    def count(self) -> int:
        return int(self.member.shape[1])

    def codes(self, values: IntArray) -> IntArray:
        """A coders x units matrix of a per-span code (e.g. the label), -1 where missing."""
        out = np.full(self.member.shape, -1, dtype=np.int64)
        present = self.member >= 0
        out[present] = values[self.member[present]]
        return out


def align(spans: Spans, n_coders: int) -> Units:
    """Group the spans of `n_coders` coders into units (see the module docstring)."""
    n = spans.start.size
    unit = np.full(n, -1, dtype=np.int64)
    n_units = 0
    for coder in range(n_coders):
        mine = np.flatnonzero(spans.coder == coder).astype(np.int64)
        if mine.size == 0:
            continue
        placed = np.flatnonzero(unit >= 0).astype(np.int64)
        joined = np.full(mine.size, -1, dtype=np.int64)
        if placed.size:
            ip, im, overlap = overlap_edges(
                spans.start[placed], spans.end[placed], spans.start[mine], spans.end[mine]
            )
            if ip.size:
                same = spans.label[placed[ip]] == spans.label[mine[im]]
                weight = same * (int(overlap.max()) + 1) + overlap
                target = unit[placed[ip]]
                # A span's score for a unit is its best score against any span of that unit.
                key = target * mine.size + im
                order = np.lexsort((-weight, key))
                first = np.ones(order.size, dtype=bool)
                first[1:] = key[order][1:] != key[order][:-1]
                best = order[first]
                chosen = max_matching(target[best], im[best], overlap[best], same[best])
                joined[im[best][chosen]] = target[best][chosen]
        fresh = joined < 0
        joined[fresh] = n_units + np.arange(int(fresh.sum()), dtype=np.int64)
        n_units += int(fresh.sum())
        unit[mine] = joined
    member = np.full((n_coders, n_units), -1, dtype=np.int64)
    member[spans.coder, unit] = np.arange(n, dtype=np.int64)
    return Units(unit=unit, member=member)
