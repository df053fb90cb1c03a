"""Builders for the export tests: a small codebook in the shape of the default one, and the
worked example on the seed article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.codebook import Codebook, parse_codebook
from annotator.core.export.bundle import DocumentBundle
from annotator.core.records import Annotation, Document, Link

from helpers.paths import SEED

CODEBOOK_YAML = """
codebook: test-events
version: 3
title: Test events
labels:
  - name: ACTOR
    color: "#4e79a7"
    attributes:
      - {name: category, type: choice, values: [state_forces, rebel_group, civilians]}
      - {name: country, type: text}
      - {name: tags, type: multi_choice, values: [named, armed, foreign]}
  - name: EVENT
    color: "#f28e2b"
    attributes:
      - {name: event_type, type: choice,
         values: [battles, violence_against_civilians, explosions_remote_violence]}
      - {name: civilian_targeting, type: boolean}
      - {name: modality, type: choice, values: [asserted, reported, "widely reported"]}
    roles:
      - {name: actor1, targets: [ACTOR], max: 1}
      - {name: actor2, targets: [ACTOR], max: 1}
      - {name: assoc_actor, targets: [ACTOR]}
      - {name: casualties, targets: [CASUALTY]}
      - {name: place, targets: [LOCATION]}
      - {name: time, targets: [DATE]}
      - {name: source, targets: [SOURCE]}
  - name: CASUALTY
    color: "#e15759"
    attributes:
      - {name: kind, type: choice,
         values: [killed, injured, killed_or_injured, displaced, missing]}
      - {name: victim, type: choice, values: [civilians, children, women, people_unspecified]}
      - {name: best, type: integer, min: 0}
      - {name: low, type: integer, min: 0}
      - {name: high, type: integer, min: 0}
      - {name: qualifier, type: choice,
         values: [exact, at_least, more_than, at_most, approx, range, vague]}
      - {name: vague_term, type: text}
      - {name: count_scope, type: choice, values: [event, cumulative]}
  - name: LOCATION
    color: "#76b7b2"
    attributes:
      - {name: admin_level, type: choice, values: [town, admin1, country]}
      - {name: geo_precision, type: integer}
  - name: DATE
    color: "#59a14f"
    attributes:
      - {name: start, type: date}
      - {name: end, type: date}
      - {name: time_precision, type: integer}
  - name: SOURCE
    color: "#b07aa1"
    attributes:
      - {name: source_type, type: choice, values: [news_agency, monitoring_ngo]}
      - {name: reliability, type: number}
relations:
  - {name: subset_of, from: [CASUALTY], to: [CASUALTY]}
  - {name: alternative_to, from: [CASUALTY], to: [CASUALTY]}
  - {name: part_of, from: [EVENT], to: [EVENT]}
  - {name: reported_by, from: [EVENT, CASUALTY], to: [SOURCE]}
  - {name: same_as, from: [ACTOR], to: [ACTOR]}
"""


def codebook() -> Codebook:
    return parse_codebook(CODEBOOK_YAML)


@dataclass
class Builder:
    """Builds one document's annotations by finding their words in the text."""

    text: str
    doc_id: int = 1
    ext_id: str = "doc-1"
    coder: str = "alice"
    title: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    next_id: int = 1

    def find(self, needle: str, context: str | None = None) -> tuple[int, int]:
        base = self.text.index(context) if context else 0
        start = self.text.index(needle, base)
        return start, start + len(needle)

    def span(
        self,
        label: str,
        needle: str,
        context: str | None = None,
        /,
        *,
        coder: str | None = None,
        note: str = "",
        source_uid: str = "",
        **attributes: Any,
    ) -> Annotation:
        start, end = self.find(needle, context)
        return self.at(
            label, start, end, coder=coder, note=note, source_uid=source_uid, **attributes
        )

    def at(
        self,
        label: str,
        start: int,
        end: int,
        /,
        *,
        coder: str | None = None,
        note: str = "",
        source_uid: str = "",
        **attributes: Any,
    ) -> Annotation:
        a = Annotation(
            id=self.doc_id * 10_000 + self.next_id,
            uid=f"a{self.next_id}",
            document_id=self.doc_id,
            coder=coder or self.coder,
            label=label,
            start=start,
            end=end,
            attributes=attributes,
            note=note,
            codebook_version=3,
            source_uid=source_uid,
        )
        self.next_id += 1
        self.annotations.append(a)
        return a

    def link(self, a: Annotation, role: str, b: Annotation) -> Link:
        k = Link(
            id=self.doc_id * 10_000 + self.next_id,
            uid=f"l{self.next_id}",
            document_id=self.doc_id,
            coder=a.coder,
            from_id=a.id,
            role=role,
            to_id=b.id,
        )
        self.next_id += 1
        self.links.append(k)
        return k

    def bundle(self, **document: Any) -> DocumentBundle:
        fields: dict[str, Any] = {"title": self.title, **document}
        doc = Document(id=self.doc_id, ext_id=self.ext_id, text=self.text, **fields)
        return DocumentBundle(doc, list(self.annotations), list(self.links))


SENTENCE = "the Syrian regime attack killed 15 civilians"


@dataclass
class SeedExample:
    bundle: DocumentBundle
    spans: dict[str, Annotation]


def seed_example() -> SeedExample:
    """docs/fatalities.md's worked example on the seed article, coded by alice.

    EVENT "attack" with casualties "15" (killed civilians, 15, event scope), "two" (children)
    and "three" (women) both subset_of "15", and the cumulative "more than 600" (not counted);
    "hundreds of thousands" displaced is cumulative too; "many were left wounded" has no number.
    """
    text = SEED.read_text(encoding="utf-8")
    b = Builder(text, doc_id=7, ext_id="000_fb25855139c210c8", title="Russia admits support")
    s: dict[str, Annotation] = {}
    s["attack"] = b.span(
        "EVENT", "attack", SENTENCE, event_type="explosions_remote_violence",
        civilian_targeting=True, modality="reported",
    )  # fmt: skip
    s["regime"] = b.span("ACTOR", "Syrian regime", SENTENCE, category="state_forces", country="SYR")
    s["civilians"] = b.span("ACTOR", "civilians", SENTENCE, category="civilians")
    s["russia"] = b.span("ACTOR", "Russia", "assistance of Russia", country="RUS")
    s["15"] = b.span(
        "CASUALTY", "15", SENTENCE, kind="killed", victim="civilians", best=15, low=15, high=15,
        qualifier="exact", count_scope="event",
    )  # fmt: skip
    s["two"] = b.span(
        "CASUALTY", "two", "including two children", kind="killed", victim="children", best=2,
        low=2, high=2, qualifier="exact", count_scope="event",
    )  # fmt: skip
    s["three"] = b.span(
        "CASUALTY", "three", "and three women", kind="killed", victim="women", best=3, low=3,
        high=3, qualifier="exact", count_scope="event",
    )  # fmt: skip
    s["600"] = b.span(
        "CASUALTY", "more than 600", None, kind="killed", victim="people_unspecified", best=600,
        low=600, qualifier="more_than", count_scope="cumulative",
    )  # fmt: skip
    s["displaced"] = b.span(
        "CASUALTY", "hundreds of thousands", "hundreds of thousands have been", kind="displaced", best=100000,
        low=100000, high=999999, qualifier="vague", count_scope="cumulative",
    )  # fmt: skip
    s["wounded"] = b.span(
        "CASUALTY", "many", "as many were left wounded", kind="injured", qualifier="vague",
        vague_term="many", count_scope="event",
    )  # fmt: skip
    s["sunday"] = b.span(
        "DATE", "Sunday", "came on Sunday", start="2019-07-28", end="2019-07-28", time_precision=1
    )
    s["idlib"] = b.span("LOCATION", "Idlib", "to the regime came", admin_level="admin1")
    s["tass"] = b.span("SOURCE", "TASS news agency", None, source_type="news_agency")
    b.link(s["attack"], "actor1", s["regime"])
    b.link(s["attack"], "actor2", s["civilians"])
    b.link(s["attack"], "assoc_actor", s["russia"])
    for key in ("15", "two", "three", "600", "displaced", "wounded"):
        b.link(s["attack"], "casualties", s[key])
    b.link(s["attack"], "time", s["sunday"])
    b.link(s["attack"], "place", s["idlib"])
    b.link(s["attack"], "source", s["tass"])
    b.link(s["two"], "subset_of", s["15"])
    b.link(s["three"], "subset_of", s["15"])
    return SeedExample(b.bundle(source="Daily Sabah", published="2019-07-30", language="en"), s)
