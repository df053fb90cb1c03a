"""The disagreement list used by review mode: one row per difference, every kind."""

from __future__ import annotations

from typing import Any

from annotator.core.agreement import AgreementInput, disagreements
from annotator.core.records import Annotation, Document, Link

TEXT = "The army killed 15 civilians in Aleppo on Sunday, the observatory said."
ARMY, KILLED, FIFTEEN, CIVILIANS15, ALEPPO, SUNDAY = (
    (4, 8), (9, 15), (16, 18), (16, 28), (32, 38), (42, 48),
)  # fmt: skip


class Coding:
    next_id = 1

    def __init__(self, coder: str) -> None:
        self.coder = coder
        self.annotations: list[Annotation] = []
        self.links: list[Link] = []

    def span(self, label: str, offsets: tuple[int, int], **attributes: Any) -> int:
        ident = Coding.next_id
        Coding.next_id += 1
        self.annotations.append(
            Annotation(ident, f"t{ident}", 1, self.coder, label, *offsets, attributes)
        )
        return ident

    def link(self, event: int, role: str, filler: int) -> None:
        ident = Coding.next_id
        Coding.next_id += 1
        self.links.append(Link(ident, f"l{ident}", 1, self.coder, event, role, filler))


def rows_of(*codings: Coding, **kw: Any) -> list[dict[str, Any]]:
    return disagreements(
        AgreementInput(
            documents=[Document(1, "d1", TEXT)],
            annotations=[a for c in codings for a in c.annotations],
            links=[link for c in codings for link in c.links],
            attribute_metrics={"CASUALTY.best": "interval", "CASUALTY.kind": "nominal"},
            **kw,
        )
    )


def test_identical_work_has_no_disagreements() -> None:
    a, b = Coding("a"), Coding("b")
    for c in (a, b):
        event = c.span("EVENT", KILLED, modality="asserted")
        c.link(event, "casualties", c.span("CASUALTY", FIFTEEN, kind="killed", best=15))
    assert rows_of(a, b) == []


def test_every_kind() -> None:
    a, b = Coding("a"), Coding("b")
    ev_a = a.span("EVENT", KILLED)
    ev_b = b.span("EVENT", KILLED)
    a.link(ev_a, "actor1", a.span("ACTOR", ARMY, actor="Syrian Army"))
    b.link(ev_b, "actor1", b.span("ACTOR", (0, 8), actor="SAA"))
    a.link(ev_a, "casualties", a.span("CASUALTY", FIFTEEN, kind="killed", best=15))
    b.link(ev_b, "casualties", b.span("CASUALTY", CIVILIANS15, kind="killed", best=12))
    a.span("LOCATION", ALEPPO)
    b.span("ACTOR", ALEPPO)
    a.span("DATE", SUNDAY)
    rows = rows_of(a, b)
    kinds = [(r["start"], r["kind"], r["label"], r["attribute"]) for r in rows]
    assert kinds == [
        (0, "boundary", "ACTOR", ""),
        (0, "attribute", "ACTOR", "actor"),
        (16, "boundary", "CASUALTY", ""),
        (16, "number", "CASUALTY", "best"),
        (32, "label", "ACTOR/LOCATION", ""),
        (42, "missing_span", "DATE", ""),
    ]
    boundary = rows[0]
    assert boundary["document"] == "d1"  # the external id, not the database id
    assert (boundary["start"], boundary["end"], boundary["text"]) == (0, 8, "The army")
    assert boundary["coder:a"] == 'ACTOR 4-8 "army"'
    assert boundary["coder:b"] == 'ACTOR 0-8 "The army"'
    number = rows[3]
    assert (number["coder:a"], number["coder:b"]) == ("15", "12")
    missing = rows[-1]
    assert missing["coder:a"] == 'DATE 42-48 "Sunday"' and missing["coder:b"] == ""


def test_role_disagreement() -> None:
    a, b = Coding("a"), Coding("b")
    ev_a, ev_b = a.span("EVENT", KILLED), b.span("EVENT", KILLED)
    actor_a, actor_b = a.span("ACTOR", ARMY), b.span("ACTOR", ARMY)
    place_a = a.span("LOCATION", ALEPPO)
    b.span("LOCATION", ALEPPO)
    a.link(ev_a, "actor1", actor_a)
    b.link(ev_b, "actor2", actor_b)
    a.link(ev_a, "place", place_a)
    rows = rows_of(a, b)
    assert [(r["kind"], r["attribute"]) for r in rows] == [
        ("role", "actor1"),
        ("role", "actor2"),
        ("role", "place"),
    ]
    actor1 = rows[0]
    assert actor1["label"] == "EVENT" and actor1["text"] == "killed"
    assert actor1["coder:a"] == 'ACTOR 4-8 "army"' and actor1["coder:b"] == "(empty)"


def test_empty_value_next_to_a_filled_one_is_listed() -> None:
    a, b = Coding("a"), Coding("b")
    a.span("CASUALTY", FIFTEEN, kind="killed")
    b.span("CASUALTY", FIFTEEN, kind="killed", best=15)
    rows = rows_of(a, b)
    assert [(r["kind"], r["attribute"], r["coder:a"], r["coder:b"]) for r in rows] == [
        ("number", "best", "(empty)", "15")
    ]


def test_three_coders_columns() -> None:
    a, b, c = Coding("a"), Coding("b"), Coding("c")
    a.span("ACTOR", ARMY)
    b.span("ACTOR", ARMY)
    rows = rows_of(a, b, c, coders=["a", "b", "c"])  # c marked nothing
    assert len(rows) == 1 and rows[0]["kind"] == "missing_span"
    assert {k for k in rows[0] if k.startswith("coder:")} == {"coder:a", "coder:b", "coder:c"}
    assert rows[0]["coder:c"] == ""


def test_one_coder_or_nothing_has_no_rows() -> None:
    a = Coding("a")
    a.span("ACTOR", ARMY)
    assert rows_of(a) == []
    assert rows_of(coders=["a", "b"]) == []
