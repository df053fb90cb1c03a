"""Spans sharing one attributes object (as the store's reader hands them over, each distinct
stored value decoded once) give the figures of the same spans each with its own copy."""

from __future__ import annotations

import random
from typing import Any

import pytest

from annotator.core.agreement import AgreementInput, agreement_report, disagreements
from annotator.core.agreement import coding as coding_module
from annotator.core.records import Annotation, Document

TEXT = "word " * 400
POOL: list[dict[str, Any]] = [
    {"kind": "killed", "best": 15, "flag": True},
    {"kind": "killed", "best": 15.0, "flag": 1},  # True and 1 stay distinct; 15 and 15.0 do not
    {"kind": "injured", "best": "12", "flag": False, "tags": ["b", "a"]},
    {"kind": "", "tags": ["a", "b"]},
    {"best": None, "flag": 0},
    {},
]
METRICS = {
    "CASUALTY.kind": "nominal",
    "CASUALTY.best": "interval",
    "CASUALTY.flag": "nominal",
    "CASUALTY.tags": "nominal",
    "ACTOR.flag": "nominal",
}


def _input(seed: int, *, shared: bool) -> AgreementInput:
    rng = random.Random(seed)
    annotations = []
    ident = 0
    for coder in ("a", "b", "c"):
        for _ in range(120):
            ident += 1
            start = 5 * rng.randrange(390)
            label = rng.choice(("CASUALTY", "CASUALTY", "ACTOR"))
            attributes = rng.choice(POOL)
            annotations.append(
                Annotation(
                    ident, f"t{ident}", 1, coder, label, start, start + 4 + 5 * rng.randrange(2),
                    attributes if shared else dict(attributes),
                )
            )  # fmt: skip
    return AgreementInput([Document(1, "d1", TEXT)], annotations, attribute_metrics=METRICS)


@pytest.mark.parametrize("seed", range(4))
def test_shared_attribute_objects_give_the_figures_of_copies(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    shared_path = coding_module._shared_attribute_matrix

    def spy(*args: Any) -> Any:
        calls.append(args[4])
        return shared_path(*args)

    monkeypatch.setattr(coding_module, "_shared_attribute_matrix", spy)
    copies = agreement_report(_input(seed, shared=False))
    assert calls == []  # each span its own object: coded span by span
    together = agreement_report(_input(seed, shared=True))
    assert sorted(set(calls)) == ["best", "flag", "kind", "tags"]  # coded once per object
    assert together == copies
    assert together["attributes"]["CASUALTY.kind"]["n_values"] > 0
    assert disagreements(_input(seed, shared=True)) == disagreements(_input(seed, shared=False))
