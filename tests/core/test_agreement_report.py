"""The agreement report through the public API: shape (docs/agreement.md), figures, edge cases."""

from __future__ import annotations

import json
import random
from dataclasses import fields, replace
from typing import Any

import pytest

from annotator.core.agreement import (
    AgreementInput,
    agreement_report,
    disagreements,
    format_table,
    report_csv_rows,
)
from annotator.core.agreement.model import AnnotationTable
from annotator.core.records import Annotation, Document, Link

TEXT = "The army killed 15 civilians in Aleppo on Sunday, the observatory said."
#       0123456789012345678901234567890123456789012345678901234567890123456789
ARMY, KILLED, FIFTEEN, CIVILIANS15, ALEPPO, SUNDAY = (
    (4, 8), (9, 15), (16, 18), (16, 28), (32, 38), (42, 48),
)  # fmt: skip
METRICS = {
    "CASUALTY.kind": "nominal",
    "CASUALTY.best": "interval",
    "ACTOR.category": "nominal",
    "EVENT.kinds": "nominal",
}


class Coding:
    """Builds one coder's annotations and links with unique ids."""

    next_id = 1

    def __init__(self, coder: str, document: int = 1) -> None:
        self.coder = coder
        self.document = document
        self.annotations: list[Annotation] = []
        self.links: list[Link] = []

    def span(self, label: str, offsets: tuple[int, int], **attributes: Any) -> int:
        ident = Coding.next_id
        Coding.next_id += 1
        self.annotations.append(
            Annotation(ident, f"t{ident}", self.document, self.coder, label, *offsets, attributes)
        )
        return ident

    def link(self, event: int, role: str, filler: int) -> None:
        ident = Coding.next_id
        Coding.next_id += 1
        self.links.append(Link(ident, f"l{ident}", self.document, self.coder, event, role, filler))


def full_coding(coder: str, document: int = 1) -> Coding:
    c = Coding(coder, document)
    actor = c.span("ACTOR", ARMY, category="state_forces")
    event = c.span("EVENT", KILLED, kinds=["attack", "airstrike"])
    casualty = c.span("CASUALTY", FIFTEEN, kind="killed", best=15)
    place = c.span("LOCATION", ALEPPO)
    time = c.span("DATE", SUNDAY)
    for role, filler in [("actor1", actor), ("casualties", casualty), ("place", place),
                         ("time", time)]:  # fmt: skip
        c.link(event, role, filler)
    return c


def make_input(*codings: Coding, documents: list[Document] | None = None, **kw: Any):
    return AgreementInput(
        documents=documents or [Document(1, "d1", TEXT)],
        annotations=[a for c in codings for a in c.annotations],
        links=[link for c in codings for link in c.links],
        attribute_metrics=kw.pop("attribute_metrics", METRICS),
        **kw,
    )


def copy_of(coding: Coding, coder: str) -> Coding:
    """The same work under another coder's name (with fresh ids)."""
    twin = Coding(coder, coding.document)
    ids = {}
    for a in coding.annotations:
        ids[a.id] = twin.span(a.label, (a.start, a.end), **a.attributes)
    for link in coding.links:
        twin.link(ids[link.from_id], link.role, ids[link.to_id])
    return twin


def test_report_has_the_spec_shape_and_is_json() -> None:
    report = agreement_report(make_input(full_coding("a"), full_coding("b")))
    assert report["coders"] == ["a", "b"]
    assert report["documents"] == 1
    assert set(report["spans"]["f1"]) == {
        "exact_labeled", "exact_unlabeled", "overlap_labeled", "overlap_unlabeled",
    }  # fmt: skip
    assert "exact_labeled" in report["spans"]["f1_by_label"]["ACTOR"]
    assert {"overall", "by_label"} <= set(report["spans"]["unitizing_alpha"])
    assert {"cohen_kappa", "fleiss_kappa", "alpha_nominal", "n_units"} <= set(report["labels"])
    kind = report["attributes"]["CASUALTY.kind"]
    assert {"metric", "alpha", "n_units", "percent_agreement"} <= set(kind)
    assert kind["metric"] == "nominal"
    assert report["attributes"]["CASUALTY.best"]["metric"] == "interval"
    pair = report["pairs"][0]
    assert pair["coders"] == ["a", "b"] and "f1" in pair and "cohen_kappa" in pair
    assert {"aligned", "role_f1"} <= set(report["events"])
    json.dumps(report, allow_nan=False)


def test_exact_copy_scores_one_wherever_defined() -> None:
    """A coder against an exact copy of their own work: 1 everywhere defined; the rest null
    with a reason (here attributes with a single value have no variation)."""
    a = full_coding("a")
    extra = a.span("ACTOR", (53, 64), category="rebel_group")  # "observatory"
    a.span("CASUALTY", CIVILIANS15, kind="injured", best=3)  # overlaps "15", for variety
    a.link(a.annotations[1].id, "source", extra)
    report = agreement_report(make_input(a, copy_of(a, "b")))
    spans = report["spans"]
    assert set(spans["f1"].values()) == {1.0}
    for entry in spans["f1_by_label"].values():
        assert entry["exact_labeled"] == entry["overlap_labeled"] == 1.0
    u_alpha = spans["unitizing_alpha"]
    assert u_alpha["overall"] == pytest.approx(1.0)
    assert all(v == pytest.approx(1.0) for v in u_alpha["by_label"].values())
    labels = report["labels"]
    for key in ("cohen_kappa", "fleiss_kappa", "alpha_nominal", "percent_agreement"):
        assert labels[key] == pytest.approx(1.0)
    for key, entry in report["attributes"].items():
        assert entry["percent_agreement"] == 1.0, key
        if entry["alpha"] is None:
            assert entry["reason"].startswith("no variation"), key
        else:
            assert entry["alpha"] == pytest.approx(1.0), key
    assert report["attributes"]["CASUALTY.best"]["alpha"] == pytest.approx(1.0)
    assert report["events"]["aligned"] == 1
    assert set(report["events"]["role_f1"].values()) == {1.0}
    assert report["pairs"][0]["cohen_kappa"] == pytest.approx(1.0)


def test_span_f1_by_hand() -> None:
    """a: ACTOR 4-8, EVENT 9-15, CASUALTY 16-18, LOCATION 32-38.
    b: ACTOR 0-8, EVENT 9-15, LOCATION 16-28 (overlaps a's CASUALTY), DATE 42-48.
    exact: EVENT only -> 2*1/8; overlap unlabeled: ACTOR, EVENT, CAS~LOC -> 2*3/8;
    overlap labeled: ACTOR, EVENT -> 2*2/8."""
    a, b = Coding("a"), Coding("b")
    for label, offsets in [("ACTOR", ARMY), ("EVENT", KILLED), ("CASUALTY", FIFTEEN),
                           ("LOCATION", ALEPPO)]:  # fmt: skip
        a.span(label, offsets)
    for label, offsets in [("ACTOR", (0, 8)), ("EVENT", KILLED), ("LOCATION", CIVILIANS15),
                           ("DATE", SUNDAY)]:  # fmt: skip
        b.span(label, offsets)
    report = agreement_report(make_input(a, b))
    f1 = report["spans"]["f1"]
    assert f1["exact_labeled"] == f1["exact_unlabeled"] == pytest.approx(0.25)
    assert f1["overlap_unlabeled"] == pytest.approx(0.75)
    assert f1["overlap_labeled"] == pytest.approx(0.5)
    assert report["spans"]["n_spans"] == {"a": 4, "b": 4}
    by_label = report["spans"]["f1_by_label"]
    assert by_label["ACTOR"]["exact_labeled"] == 0.0
    assert by_label["ACTOR"]["overlap_labeled"] == 1.0
    assert by_label["LOCATION"]["overlap_labeled"] == 0.0
    pair = report["pairs"][0]
    assert pair["matched"]["overlap_unlabeled"] == 3
    assert pair["f1_by_label"]["ACTOR"] == {
        "exact_labeled": 0.0,
        "overlap_labeled": 1.0,
        "n_spans": {"a": 1, "b": 1},
    }
    assert pair["f1_by_label"]["DATE"]["overlap_labeled"] == 0.0
    # Units: CAS(a)~LOC(b) share a unit and disagree on the label; LOCATION(a) 32-38 and
    # DATE(b) are units with one coder missing, which is not a disagreement.
    labels = report["labels"]
    assert labels["n_units"] == 3 and labels["n_units_total"] == 5
    assert labels["percent_agreement"] == pytest.approx(2 / 3)


def test_f1_micro_averages_documents_and_means_pairs() -> None:
    docs = [Document(1, "d1", TEXT), Document(2, "d2", TEXT)]
    a1, b1 = Coding("a", 1), Coding("b", 1)
    a2, b2, c1 = Coding("a", 2), Coding("b", 2), Coding("c", 1)
    a1.span("ACTOR", ARMY)
    b1.span("ACTOR", ARMY)
    for offsets in (ARMY, KILLED, ALEPPO):
        a2.span("ACTOR", offsets)
    b2.span("ACTOR", SUNDAY)
    c1.span("ACTOR", ARMY)
    report = agreement_report(make_input(a1, b1, a2, b2, c1, documents=docs))
    pairs = {tuple(p["coders"]): p["f1"]["exact_labeled"] for p in report["pairs"]}
    # a-b: matched 1 of 4 + 2 spans (micro over both documents), not the mean of 1.0 and 0.0
    assert pairs[("a", "b")] == pytest.approx(2 * 1 / 6)
    assert pairs[("a", "c")] == pytest.approx(2 * 1 / 5)
    assert pairs[("b", "c")] == pytest.approx(2 * 1 / 3)
    assert report["spans"]["f1"]["exact_labeled"] == pytest.approx((2 / 6 + 2 / 5 + 2 / 3) / 3)


def test_no_spans_at_all() -> None:
    report = agreement_report(make_input(coders=["a", "b"]))
    assert report["coders"] == ["a", "b"]
    assert all(v is None for v in report["spans"]["f1"].values())
    assert set(report["spans"]["reasons"]) == set(report["spans"]["f1"])
    assert report["spans"]["unitizing_alpha"]["overall"] is None
    assert report["spans"]["unitizing_alpha"]["reasons"]["overall"]
    labels = report["labels"]
    assert labels["cohen_kappa"] is None and labels["reasons"]["cohen_kappa"]
    assert labels["alpha_nominal"] is None and labels["n_units"] == 0
    for entry in report["attributes"].values():
        assert entry["alpha"] is None and entry["n_units"] == 0 and entry["reason"]
    json.dumps(report, allow_nan=False)
    assert "—" in format_table(report)


def test_one_coder() -> None:
    report = agreement_report(make_input(full_coding("a")))
    assert report["coders"] == ["a"]
    assert report["pairs"] == []
    assert report["spans"]["reasons"]["exact_labeled"] == "needs two or more coders"
    assert report["spans"]["unitizing_alpha"]["reasons"]["overall"] == "needs two or more coders"
    assert report["labels"]["reasons"]["fleiss_kappa"] == "needs two or more coders"
    assert report["attributes"]["CASUALTY.kind"]["reason"] == "needs two or more coders"
    assert report["events"]["reasons"]["role_f1"] == "needs two or more coders"
    json.dumps(report, allow_nan=False)


def test_all_missing_attribute() -> None:
    a, b = full_coding("a"), full_coding("b")
    metrics = {**METRICS, "CASUALTY.low": "interval", "LOCATION.admin_level": "nominal"}
    entry = agreement_report(make_input(a, b, attribute_metrics=metrics))["attributes"]
    for key in ("CASUALTY.low", "LOCATION.admin_level"):
        assert entry[key]["alpha"] is None
        assert entry[key]["percent_agreement"] is None
        assert entry[key]["n_units"] == 0 and entry[key]["n_values"] == 0
        assert entry[key]["reason"] == "no unit has values from two or more coders"


def test_attribute_of_an_unused_label_is_reported_undefined() -> None:
    a, b = Coding("a"), Coding("b")
    a.span("ACTOR", ARMY)
    b.span("ACTOR", ARMY)
    report = agreement_report(make_input(a, b))
    entry = report["attributes"]["CASUALTY.best"]
    assert entry["alpha"] is None and entry["n_units"] == 0
    assert entry["reason"] == "no span labelled CASUALTY"
    restricted = agreement_report(make_input(a, b, labels=["ACTOR"]))
    assert set(restricted["attributes"]) == {"ACTOR.category"}


def test_single_unit() -> None:
    a, b = Coding("a"), Coding("b")
    a.span("CASUALTY", FIFTEEN, kind="killed", best=15)
    b.span("CASUALTY", FIFTEEN, kind="injured", best=12)
    report = agreement_report(make_input(a, b))
    assert report["spans"]["f1"]["exact_labeled"] == 1.0
    assert report["spans"]["unitizing_alpha"]["overall"] == pytest.approx(1.0)
    labels = report["labels"]
    assert labels["n_units"] == 1
    assert labels["cohen_kappa"] is None and labels["reasons"]["cohen_kappa"].startswith(
        "no variation"
    )
    assert labels["alpha_nominal"] is None
    assert labels["reasons"]["alpha_nominal"] == "no variation: every value is CASUALTY"
    assert labels["percent_agreement"] == 1.0
    kind = report["attributes"]["CASUALTY.kind"]
    assert kind["n_units"] == 1 and kind["percent_agreement"] == 0.0
    assert kind["alpha"] == pytest.approx(0.0)


def test_gold_is_left_out_unless_asked_for() -> None:
    a, gold = full_coding("a"), full_coding("gold")
    b = full_coding("b")
    assert agreement_report(make_input(a, b, gold))["coders"] == ["a", "b"]
    report = agreement_report(make_input(a, b, gold, coders=["a", "gold"]))
    assert report["coders"] == ["a", "gold"]
    assert report["spans"]["f1"]["exact_labeled"] == 1.0


def test_labels_restrict_the_report() -> None:
    a, b = full_coding("a"), full_coding("b")
    report = agreement_report(make_input(a, b, labels=["CASUALTY"]))
    assert list(report["spans"]["f1_by_label"]) == ["CASUALTY"]
    assert set(report["attributes"]) == {"CASUALTY.kind", "CASUALTY.best"}
    assert report["annotations"] == 2


def test_multi_choice_compares_as_sorted_sets() -> None:
    a, b = Coding("a"), Coding("b")
    a.span("EVENT", KILLED, kinds=["attack", "airstrike"])
    a.span("EVENT", ALEPPO, kinds=["raid"])
    b.span("EVENT", KILLED, kinds=["airstrike", "attack"])
    b.span("EVENT", ALEPPO, kinds=["raid"])
    entry = agreement_report(make_input(a, b))["attributes"]["EVENT.kinds"]
    assert entry["percent_agreement"] == 1.0 and entry["alpha"] == pytest.approx(1.0)


def test_interval_attribute_alpha() -> None:
    """best: a says 15, 3, 100; b says 15, 4, 100: interval alpha near 1, % agreement 2/3."""
    a, b = Coding("a"), Coding("b")
    for offsets, x, y in [(FIFTEEN, 15, 15), (ALEPPO, 3, 4), (SUNDAY, 100, 100)]:
        a.span("CASUALTY", offsets, best=x)
        b.span("CASUALTY", offsets, best=y)
    entry = agreement_report(make_input(a, b))["attributes"]["CASUALTY.best"]
    assert entry["percent_agreement"] == pytest.approx(2 / 3)
    assert 0.99 < entry["alpha"] < 1.0
    assert entry["n_units"] == 3


def test_event_roles_compare_fillers_through_units() -> None:
    """Both coders mark the event; a's actor1 filler overlaps b's (different boundaries) and
    counts as a match; a links casualties, b links the casualty as place: no match there."""
    a, b = Coding("a"), Coding("b")
    ev_a, ev_b = a.span("EVENT", KILLED), b.span("EVENT", KILLED)
    a.link(ev_a, "actor1", a.span("ACTOR", ARMY))
    b.link(ev_b, "actor1", b.span("ACTOR", (0, 8)))
    cas_a, cas_b = a.span("CASUALTY", FIFTEEN), b.span("CASUALTY", CIVILIANS15)
    a.link(ev_a, "casualties", cas_a)
    b.link(ev_b, "place", cas_b)
    a.link(ev_a, "subset_of", cas_a)  # a relation, not a role: ignored
    events = agreement_report(make_input(a, b))["events"]
    assert events["aligned"] == 1
    assert events["role_f1"] == {"actor1": 1.0, "casualties": 0.0, "place": 0.0}
    assert events["n_fillers"] == {"actor1": 2, "casualties": 1, "place": 1}


def test_three_coders() -> None:
    a, b, c = full_coding("a"), full_coding("b"), Coding("c")
    c.span("ACTOR", ARMY, category="rebel_group")
    c.span("LOCATION", KILLED)  # label disagreement with the others' EVENT
    report = agreement_report(make_input(a, b, c))
    assert [p["coders"] for p in report["pairs"]] == [["a", "b"], ["a", "c"], ["b", "c"]]
    labels = report["labels"]
    assert labels["n_units_all_coders"] == 2  # ACTOR and EVENT/LOCATION units
    assert labels["n"]["fleiss_kappa"] == 2
    assert labels["n_units"] == 5


def test_label_kappa_matches_sklearn_end_to_end() -> None:
    """Spans at the same offsets with random labels: the aligned units are exactly those spans,
    so the report's Cohen's kappa is scikit-learn's on the two label sequences."""
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(5)
    labels = ["ACTOR", "EVENT", "CASUALTY", "LOCATION", "DATE"]
    text = " ".join(f"word{i:03d}" for i in range(300))
    a, b = Coding("a"), Coding("b")
    seq_a, seq_b = [], []
    for i in range(0, 300, 3):
        start = i * 8
        la = rng.choice(labels)
        lb = la if rng.random() < 0.6 else rng.choice(labels)
        a.span(la, (start, start + 7))
        b.span(lb, (start, start + 7))
        seq_a.append(la)
        seq_b.append(lb)
    report = agreement_report(make_input(a, b, documents=[Document(1, "d", text)]))
    assert report["labels"]["cohen_kappa"] == pytest.approx(metrics.cohen_kappa_score(seq_a, seq_b))


def test_bad_input_is_refused_with_a_message() -> None:
    a = full_coding("a")
    with pytest.raises(ValueError, match="unknown metric 'fuzzy'"):
        agreement_report(make_input(a, attribute_metrics={"CASUALTY.kind": "fuzzy"}))
    broken = replace(a.annotations[0], end=len(TEXT) + 5)
    with pytest.raises(ValueError, match="outside its text"):
        agreement_report(AgreementInput([Document(1, "d1", TEXT)], [broken]))


def test_annotations_of_other_documents_are_ignored() -> None:
    a, b = full_coding("a"), full_coding("b")
    stray = Coding("a", document=99)
    stray.span("ACTOR", (0, 3))
    report = agreement_report(make_input(a, b, stray))
    assert report["annotations"] == 10
    assert report["spans"]["f1"]["exact_labeled"] == 1.0


def test_format_table_and_csv_rows() -> None:
    a, b = full_coding("a"), full_coding("b")
    b.span("ACTOR", (53, 64), category="rebel_group")
    report = agreement_report(make_input(a, b))
    table = format_table(report)
    for needle in ("Span F1", "Cohen's kappa", "CASUALTY.best", "actor1", "a – b"):
        assert needle in table
    rows = report_csv_rows(report)
    assert all(set(row) == {"metric", "scope", "value", "n", "reason"} for row in rows)
    by_key = {(row["metric"], row["scope"]): row for row in rows}
    assert by_key[("span_f1.exact_labeled", "all")]["n"] == 11
    assert by_key[("cohen_kappa", "pair:a,b")]["value"] == report["pairs"][0]["cohen_kappa"]
    no_variation = by_key[("alpha_nominal", "attribute:CASUALTY.kind")]
    assert no_variation["value"] is None and no_variation["reason"].startswith("no variation")
    assert ("unitizing_alpha", "label:ACTOR") in by_key
    assert all(row["reason"] == "" for row in rows if row["value"] is not None)


def _as_table(annotations: list[Annotation]) -> AnnotationTable:
    return AnnotationTable([[getattr(a, f.name) for a in annotations] for f in fields(Annotation)])


@pytest.mark.parametrize("seed", range(5))
def test_a_table_of_columns_gives_the_same_figures_as_records(seed: int) -> None:
    """The store hands the engine columns (`AnnotationTable`); given in any order, the report
    and the disagreement list are those of the same annotations as records."""
    rng = random.Random(seed)
    codings = [full_coding(name) for name in ("a", "b", "c")]
    extra = Coding("b")
    extra.span("CASUALTY", CIVILIANS15, kind="injured", best=12)
    extra.span("ACTOR", (0, 8), category="rebel_group")
    codings.append(extra)
    records = [a for c in codings for a in c.annotations]
    shuffled = records[:]
    rng.shuffle(shuffled)
    data = make_input(*codings)
    table = replace(data, annotations=_as_table(shuffled))
    assert agreement_report(table) == agreement_report(data)
    assert disagreements(table) == disagreements(data)
    assert list(_as_table(records)) == records
    assert _as_table(records)[1:3] == records[1:3]
