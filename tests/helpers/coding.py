"""Coding the seed article through the store services, as a coder would."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths

from helpers.paths import SEED


def seed_document(project: Project) -> int:
    """Import the seed article; its document id."""
    import_paths(project, [SEED])
    return queries.document_ids(project)[0]


def span(project: Project, doc_id: int, needle: str) -> tuple[int, int]:
    """The offsets of the first occurrence of ``needle`` in the document."""
    text = queries.document(project, doc_id).text
    start = text.index(needle)
    return start, start + len(needle)


def mark(
    project: Project,
    doc_id: int,
    label: str,
    needle: str,
    coder: str = "alice",
    **attributes: object,
) -> int:
    """``coder`` codes the first occurrence of ``needle``; the new annotation's id."""
    return services.create_annotation(
        project, coder, doc_id, label, *span(project, doc_id, needle), attributes
    ).created_id


def source(project: Project, ann_id: int) -> str:
    """A span's provenance name as gold records it: ``coder:uid``."""
    a = queries.annotation(project, ann_id)
    assert a is not None
    return f"{a.coder}:{a.uid}"


@dataclass
class Work:
    """Two coders' work on the seed article: ids by (coder, name)."""

    doc: int
    text: str
    ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def at(self, needle: str, after: str = "") -> tuple[int, int]:
        start = self.text.index(needle, self.text.index(after) if after else 0)
        return start, start + len(needle)


def code_two_coders(project: Project) -> Work:
    """alice and bob on the seed article:

    - EVENT "attack" and ACTOR "Syrian regime" (its actor1): the same for both (agreed);
    - CASUALTY "15 civilians" (alice) vs "15" (bob): boundary; each linked as the event's
      casualties;
    - "Idlib" LOCATION (alice) vs ACTOR (bob): label;
    - DATE "Sunday" by alice only: missing span;
    - CASUALTY "more than 600" best 600 (alice) vs 6000 (bob): number.
    """
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    work = Work(doc, queries.document(project, doc).text)
    killed = "Syrian regime attack killed"
    for coder in ("alice", "bob"):

        def add(name: str, label: str, span: tuple[int, int], **attrs: object) -> int:
            change = services.create_annotation(project, coder, doc, label, *span, attrs)  # noqa: B023
            work.ids[(coder, name)] = change.created_id  # noqa: B023
            return change.created_id

        event = add(
            "event", "EVENT", work.at("attack", killed), event_type="violence_against_civilians"
        )
        actor = add("actor", "ACTOR", work.at("Syrian regime", killed), category="state_forces")
        fifteen = "15 civilians" if coder == "alice" else "15"
        casualty = add(
            "fifteen", "CASUALTY", work.at(fifteen, killed), kind="killed", best=15,
            count_scope="event",
        )  # fmt: skip
        idlib = "LOCATION" if coder == "alice" else "ACTOR"
        add("idlib", idlib, work.at("Idlib", "northwestern"))
        if coder == "alice":
            add("sunday", "DATE", work.at("Sunday", "regime came on"))
        best = 600 if coder == "alice" else 6000
        add(
            "six_hundred", "CASUALTY", work.at("more than 600"), kind="killed", best=best,
            count_scope="cumulative",
        )  # fmt: skip
        services.create_link(project, coder, event, "actor1", actor)
        services.create_link(project, coder, event, "casualties", casualty)
    return work
