"""Cohen's kappa, Fleiss' kappa, Krippendorff's alpha and percent agreement.

Pinned on published worked examples, then cross-checked against independent implementations
(scikit-learn, statsmodels, NLTK, the `krippendorff` package) on seeded random data.
"""

from __future__ import annotations

import numpy as np
import pytest

from annotator.core.agreement.coefficients import (
    cohen_kappa,
    fleiss_from_codes,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

NAN = np.nan

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x
# 12 units with missing values (the data is also in the `krippendorff` package's docstring).
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


def _codes_from_table(table: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    a: list[int] = []
    b: list[int] = []
    for count, x, y in table:
        a += [x] * count
        b += [y] * count
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011_worked_example(metric: str, expected: float) -> None:
    """Krippendorff (2011), pp. 4-9: alpha = .743 nominal, .815 ordinal, .849 interval,
    .797 ratio; unit 12 has a single value and is not pairable, so n = 11."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, metric)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=0.0005)
    assert result.n == 11
    assert result.reason is None


def test_cohen_1960_examples() -> None:
    """Cohen (1960) p. 37 and p. 45, as tabulated in DKPro Statistics' Cohen1960Test:
    example 1 has p_o = .29, p_e = .35 (kappa = -.06/.65); example 2 has p_o = .70, p_e = .41,
    kappa = .492."""
    a, b = _codes_from_table(
        [(25, 0, 0), (12, 0, 1), (3, 0, 2), (13, 1, 0), (2, 1, 1), (15, 1, 2),
         (12, 2, 0), (16, 2, 1), (2, 2, 2)]
    )  # fmt: skip
    assert cohen_kappa(a, b).value == pytest.approx((0.29 - 0.35) / (1 - 0.35))
    a, b = _codes_from_table(
        [(88, 0, 0), (14, 0, 1), (18, 0, 2), (10, 1, 0), (40, 1, 1), (10, 1, 2),
         (2, 2, 0), (6, 2, 1), (12, 2, 2)]
    )  # fmt: skip
    result = cohen_kappa(a, b)
    assert result.value == pytest.approx(0.492, abs=0.0005)
    assert result.n == 200


def test_fleiss_1971_example() -> None:
    """Fleiss (1971) p. 379: 30 subjects, 6 raters, 5 categories, kappa = .430
    (P-bar = .5556, P-e = .2201), data as in DKPro Statistics' Fleiss1971Test."""
    ratings = [
        (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
        (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
        (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
        (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
        (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
        (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
        (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
        (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
    ]  # fmt: skip
    codes = np.array(ratings, dtype=np.int64).T - 1  # coders x units
    result = fleiss_from_codes(codes)
    assert result.value == pytest.approx(0.430, abs=0.0005)
    assert result.n == 30


def test_fleiss_wikipedia_example() -> None:
    """Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories,
    P-bar = .378, P-e = .213, kappa = .210. (The brief quoted .430 for this table; .430 is
    Fleiss' own 30 x 6 example above.)"""
    table = np.array(
        [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
         [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    )  # fmt: skip
    result = fleiss_kappa(table)
    assert result.value == pytest.approx(0.210, abs=0.0005)
    assert result.n == 10


def test_percent_agreement_is_mean_share_of_agreeing_pairs() -> None:
    data = np.array([[1, 1, 2, NAN], [1, 2, 2, 3], [1, 2, NAN, NAN]])
    # unit 1: 3/3 pairs agree; unit 2: 1/3; unit 3: 1/1; unit 4 has one value: not pairable.
    result = percent_agreement(data)
    assert result.value == pytest.approx((1 + 1 / 3 + 1) / 3)
    assert result.n == 3


# Undefined coefficients --------------------------------------------------------------------


def test_no_variation_is_null_with_reason() -> None:
    same = np.zeros(5, dtype=np.int64)
    kappa = cohen_kappa(same, same)
    assert kappa.value is None and kappa.n == 5 and "no variation" in (kappa.reason or "")
    alpha = krippendorff_alpha(np.array([[0.0, 0.0], [0.0, 0.0]]), "nominal", ["killed", "x"])
    assert alpha.value is None and alpha.reason == "no variation: every value is killed"
    assert percent_agreement(np.array([[1.0, 1.0], [1.0, 1.0]])).value == 1.0
    fleiss = fleiss_from_codes(np.zeros((3, 4), dtype=np.int64))
    assert fleiss.value is None and "no variation" in (fleiss.reason or "")


def test_too_few_units_is_null_with_reason() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert cohen_kappa(empty, empty).value is None
    assert cohen_kappa(empty, empty).reason
    all_missing = np.full((2, 3), NAN)
    for metric in ("nominal", "interval"):
        alpha = krippendorff_alpha(all_missing, metric)  # type: ignore[arg-type]
        assert alpha.value is None and alpha.n == 0 and alpha.reason
    lonely = np.array([[1.0, NAN], [NAN, 2.0]])  # no unit has two values
    assert krippendorff_alpha(lonely).value is None
    assert percent_agreement(lonely).value is None
    assert fleiss_from_codes(np.array([[0, -1], [-1, 1]])).value is None


def test_single_unit() -> None:
    """One unit with two different values: alpha is defined (and 0); kappa is -1 ... 0."""
    alpha = krippendorff_alpha(np.array([[1.0], [2.0]]), "nominal")
    assert alpha.n == 1
    assert alpha.value == pytest.approx(0.0)
    one_value = krippendorff_alpha(np.array([[3.0], [3.0]]), "interval")
    assert one_value.value is None and one_value.n == 1


def test_unknown_metric_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cosine")  # type: ignore[arg-type]


# Cross-checks on random data -----------------------------------------------------------------


def _random_codes(rng: np.random.Generator, coders: int, units: int, k: int) -> np.ndarray:
    truth = rng.integers(0, k, size=units)
    noise = rng.integers(0, k, size=(coders, units))
    keep = rng.random((coders, units)) < 0.7
    return np.where(keep, truth, noise).astype(np.int64)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_matches_sklearn(seed: int) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    codes = _random_codes(rng, 2, 200, 4)
    expected = metrics.cohen_kappa_score(codes[0], codes[1])
    assert cohen_kappa(codes[0], codes[1]).value == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_statsmodels(seed: int) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(seed)
    codes = _random_codes(rng, 5, 150, 3)
    table, _ = inter_rater.aggregate_raters(codes.T)
    assert fleiss_from_codes(codes).value == pytest.approx(inter_rater.fleiss_kappa(table))


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_nltk(seed: int) -> None:
    agreement = pytest.importorskip("nltk.metrics.agreement")
    rng = np.random.default_rng(seed)
    codes = _random_codes(rng, 3, 120, 4)
    missing = rng.random(codes.shape) < 0.2
    triples = [
        (f"c{c}", f"u{u}", str(codes[c, u]))
        for c in range(codes.shape[0])
        for u in range(codes.shape[1])
        if not missing[c, u]
    ]
    task = agreement.AnnotationTask(data=triples)
    data = codes.astype(float)
    data[missing] = NAN
    assert krippendorff_alpha(data, "nominal").value == pytest.approx(task.alpha())


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(4))
def test_alpha_matches_krippendorff_package(metric: str, seed: int) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    data = _random_codes(rng, 4, 80, 6).astype(float) + 1.0
    data[rng.random(data.shape) < 0.3] = NAN
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=metric)
    assert krippendorff_alpha(data, metric).value == pytest.approx(expected)  # type: ignore[arg-type]


def test_interval_alpha_large_values_is_stable() -> None:
    """Casualty counts in the tens of thousands: the centred form avoids cancellation."""
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(3)
    truth = rng.integers(20_000, 30_000, size=60).astype(float)
    data = np.vstack([truth, truth + rng.normal(0, 500, size=60), truth])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert krippendorff_alpha(data, "interval").value == pytest.approx(expected, rel=1e-9)


def test_identical_coders_score_one() -> None:
    rng = np.random.default_rng(0)
    row = rng.integers(0, 5, size=50).astype(np.int64)
    assert cohen_kappa(row, row).value == pytest.approx(1.0)
    assert fleiss_from_codes(np.vstack([row, row, row])).value == pytest.approx(1.0)
    for metric in ("nominal", "ordinal", "interval", "ratio"):
        data = np.vstack([row, row]).astype(float) + 1
        assert krippendorff_alpha(data, metric).value == pytest.approx(1.0)  # type: ignore[arg-type]


def test_where_the_krippendorff_package_raises_we_give_a_reason() -> None:
    """The package raises ValueError when there is no variation or nothing pairable; the
    report needs null plus a reason instead, with percent agreement still given."""
    krippendorff = pytest.importorskip("krippendorff")
    cases = {
        "no variation": np.array([[2.0, 2.0, NAN], [2.0, 2.0, 2.0]]),
        "all missing": np.full((2, 3), NAN),
        "nothing pairable": np.array([[1.0, NAN], [NAN, 2.0]]),
    }
    for name, data in cases.items():
        with pytest.raises(ValueError):
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        result = krippendorff_alpha(data, "nominal")
        assert result.value is None and result.reason, name
    assert percent_agreement(cases["no variation"]).value == 1.0
