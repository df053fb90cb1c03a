"""Krippendorff's unitizing alpha, pinned on the worked examples that DKPro Statistics' tests use.

Expected values come from DKPro Statistics' `Krippendorff2004Test`, `Krippendorff1995Test` and
`UnitizingAgreementTest` (org.dkpro.statistics.agreement.unitizing), which reproduce Krippendorff
(2004) "Content Analysis", 2nd ed., p. 254, and Krippendorff (1995) "On the reliability of
unitizing continuous data", p. 57. Where DKPro's tolerance is loose (values read off the 1995
paper, which DKPro notes has a small error in D_E), the same tolerance is kept here.
"""

from __future__ import annotations

import numpy as np
import pytest

from annotator.core.agreement import AgreementInput, agreement_report
from annotator.core.agreement.unitizing import label_disagreement, merge_overlaps, unitizing_alpha
from annotator.core.records import Annotation, Document

Unit = tuple[int, int, int, str]  # offset, length, coder, category


def _columns(units: list[Unit], begin: int = 0) -> tuple[np.ndarray, ...]:
    coder = np.array([u[2] for u in units], dtype=np.int64)
    start = np.array([u[0] - begin for u in units], dtype=np.int64)
    end = start + np.array([u[1] for u in units], dtype=np.int64)
    return coder, start, end


def _disagreement(units: list[Unit], category: str, coders: int, length: int, begin: int = 0):
    coder, start, end = _columns([u for u in units if u[3] == category], begin)
    return label_disagreement(coder, start, end, coders, length)


# Krippendorff (2004: 254): continuum 150..450, two observers, categories c and k.
KRIPPENDORFF_2004: list[Unit] = [
    (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
    (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
    (300, 50, 1, "k"),
]  # fmt: skip


def test_krippendorff_2004_by_category() -> None:
    """DKPro Krippendorff2004Test.testCategoryAgreement: c: D_o .0144, D_e .0532,
    alpha .7286; k: D_o 0, D_e .0490, alpha 1."""
    c = _disagreement(KRIPPENDORFF_2004, "c", 2, 300, begin=150)
    assert c.observed == pytest.approx(0.0144, abs=0.0001)
    assert c.expected == pytest.approx(0.0532, abs=0.0001)
    assert 1 - c.observed / c.expected == pytest.approx(0.7286, abs=0.0001)
    k = _disagreement(KRIPPENDORFF_2004, "k", 2, 300, begin=150)
    assert k.observed == 0.0
    assert k.expected == pytest.approx(0.0490, abs=0.0001)


def test_krippendorff_2004_overall() -> None:
    """DKPro Krippendorff2004Test.testAgreement: alpha_u = .8591 (tolerance .0005)."""
    coder, start, end = _columns(KRIPPENDORFF_2004, begin=150)
    label = np.array([0 if u[3] == "c" else 1 for u in KRIPPENDORFF_2004], dtype=np.int64)
    overall, per_label = unitizing_alpha(coder, start, end, label, 2, 2, 300)
    assert overall.value == pytest.approx(0.8591, abs=0.0005)
    assert overall.n == 9
    assert per_label[0].value == pytest.approx(0.7286, abs=0.0001)
    assert per_label[1].value == pytest.approx(1.0)


def _krippendorff_1995(stretch: float) -> list[Unit]:
    """Krippendorff (1995: 57), four pairs of observers on a 24-unit continuum; DKPro's
    createExample(stretch) scales offsets and lengths (truncating)."""
    raw = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
        (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]  # fmt: skip
    return [(int(o * stretch), int(n * stretch), c, k) for o, n, c, k in raw]


def test_krippendorff_1995_observed() -> None:
    """DKPro Krippendorff1995Test.testAgreement: D_o A .03125, B 2.26736, C .02777,
    D .38715 (tolerance 1e-5)."""
    units = _krippendorff_1995(1)
    for category, expected in [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)]:
        observed = _disagreement(units, category, 2, 24).observed
        assert observed == pytest.approx(expected, abs=0.00001)


def test_krippendorff_1995_expected_and_alpha() -> None:
    """DKPro Krippendorff1995Test: at stretch 50,000, D_e A .06990, B 1.17731, C .08642,
    D .41445 (tolerance .005) and alpha A .553, B -.926, C .679, D .066 (tolerance .02)."""
    stretch = 1_200_000 / 24
    units = _krippendorff_1995(stretch)
    expected = {
        "A": (0.06990, 0.553),
        "B": (1.17731, -0.926),
        "C": (0.08642, 0.679),
        "D": (0.41445, 0.066),
    }
    for category, (d_e, alpha) in expected.items():
        d = _disagreement(units, category, 2, int(24 * stretch))
        assert d.expected == pytest.approx(d_e, abs=0.005)
        assert 1 - d.observed / d.expected == pytest.approx(alpha, abs=0.02)


def test_krippendorff_1995_varying_lengths() -> None:
    """DKPro Krippendorff1995Test.testVaryingLengths, category C at stretch 1/2: D_o .02777,
    D_e .05494 (tolerance 1e-5), alpha .494."""
    d = _disagreement(_krippendorff_1995(0.5), "C", 2, 12)
    assert d.observed == pytest.approx(0.02777, abs=0.00001)
    assert d.expected == pytest.approx(0.05494, abs=0.00001)
    assert 1 - d.observed / d.expected == pytest.approx(0.494, abs=0.001)


def test_dkpro_unitizing_example() -> None:
    """DKPro UnitizingAgreementTest.testAgreement (r0: -11111111-, r1: --1-1-1---):
    D_o .9100, D_e .5351, alpha -.7003."""
    units: list[Unit] = [(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")]
    d = _disagreement(units, "A", 2, 10)
    assert d.observed == pytest.approx(0.9100, abs=0.0001)
    assert d.expected == pytest.approx(0.5351, abs=0.0001)
    assert 1 - d.observed / d.expected == pytest.approx(-0.7003, abs=0.0001)


def test_single_unit_of_three_coders() -> None:
    """DKPro UnitizingAgreementTest.testSingleAnnotationUnit: one unit by one of three coders
    on a continuum of 20: observed equals expected, alpha 0."""
    coder, start, end = _columns([(0, 1, 0, "X")])
    overall, _ = unitizing_alpha(coder, start, end, np.zeros(1, dtype=np.int64), 3, 1, 20)
    assert overall.value == pytest.approx(0.0)


def test_no_units_is_null_with_reason() -> None:
    """DKPro returns NaN for an empty study; here it is null with a reason."""
    empty = np.zeros(0, dtype=np.int64)
    overall, per_label = unitizing_alpha(empty, empty, empty, empty, 3, 1, 20)
    assert overall.value is None and overall.reason
    assert per_label[0].value is None and per_label[0].reason


def test_one_coder_is_null_with_reason() -> None:
    coder, start, end = _columns([(0, 5, 0, "X")])
    overall, _ = unitizing_alpha(coder, start, end, np.zeros(1, dtype=np.int64), 1, 1, 20)
    assert overall.value is None and overall.reason == "needs two or more coders"


def test_identical_codings_score_one() -> None:
    units = [(o, n, c, k) for o, n, _, k in KRIPPENDORFF_2004 for c in (0, 1)]
    coder, start, end = _columns(units, begin=150)
    label = np.array([0 if u[3] == "c" else 1 for u in units], dtype=np.int64)
    overall, per_label = unitizing_alpha(coder, start, end, label, 2, 2, 300)
    assert overall.value == pytest.approx(1.0)
    assert [c.value for c in per_label] == [pytest.approx(1.0)] * 2


def test_overlapping_spans_of_one_coder_are_merged() -> None:
    start, end = merge_overlaps(np.array([5, 0, 8, 20, 20]), np.array([9, 6, 12, 22, 22]))
    assert start.tolist() == [0, 20]
    assert end.tolist() == [12, 22]
    touching_start, touching_end = merge_overlaps(np.array([0, 2]), np.array([2, 3]))
    assert touching_start.tolist() == [0, 2] and touching_end.tolist() == [2, 3]


def test_documents_are_laid_end_to_end() -> None:
    """Two documents give the same u-alpha as one document holding both texts in a row."""
    first, second = "a" * 150, "b" * 150
    units = [(o - 150, n, c, k) for o, n, c, k in KRIPPENDORFF_2004]

    def annotations(split: int | None) -> list[Annotation]:
        out = []
        for i, (offset, length, coder, label) in enumerate(units):
            doc, base = (1, 0) if split is None or offset < split else (2, split)
            out.append(
                Annotation(i, f"t{i}", doc, "ab"[coder], label, offset - base,
                           offset - base + length)
            )  # fmt: skip
        return out

    together = AgreementInput([Document(1, "d1", first + second)], annotations(None))
    apart = AgreementInput(
        [Document(1, "d1", first), Document(2, "d2", second)], annotations(len(first))
    )
    assert all(o + n <= 150 or o >= 150 for o, n, _, _ in units)
    u_together = agreement_report(together)["spans"]["unitizing_alpha"]
    u_apart = agreement_report(apart)["spans"]["unitizing_alpha"]
    assert u_apart["overall"] == pytest.approx(u_together["overall"])
    assert u_apart["overall"] == pytest.approx(0.8591, abs=0.0005)
    assert u_apart["continuum_length"] == 300
