"""brat import: brat's own example shapes, label mapping, and export -> import identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.export.brat import write_brat
from annotator.core.export.bundle import DocumentBundle
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import ImportOptions, ImportRejected, import_paths
from annotator.store.setup import create_project

from conftest import SEED

# The shape of brat's BioNLP shared-task examples (entities, events with Theme/Theme2/Cause,
# a modifier, an equivalence and a note).
BIONLP_TXT = "BMP-6 inhibits growth of Id1 and Id3.\nIt binds Id1.\n"
BIONLP_ANN = """T1\tProtein 0 5\tBMP-6
T2\tNegative_regulation 6 14\tinhibits
T3\tProtein 25 28\tId1
T4\tProtein 33 36\tId3
T5\tBinding 41 46\tbinds
T6\tProtein 47 50\tId1
E1\tNegative_regulation:T2 Theme:T3 Theme2:T4 Cause:T1
E2\tBinding:T5 Theme:T6
M1\tNegation E2
*\tEquiv T3 T6
#1\tAnnotatorNotes T1\tbone morphogenetic protein 6
"""


@pytest.fixture
def bionlp(tmp_path: Path) -> Path:
    folder = tmp_path / "bionlp"
    folder.mkdir()
    (folder / "PMID-1.txt").write_text(BIONLP_TXT, "utf-8")
    (folder / "PMID-1.ann").write_text(BIONLP_ANN, "utf-8")
    return folder


def test_unknown_brat_types_are_reported_not_dropped(project: Project, bionlp: Path) -> None:
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [bionlp])
    message = str(info.value)
    assert "PMID-1.ann line 1: unknown entity type 'Protein'" in message
    assert "--map-label Protein=LABEL" in message
    assert queries.info(project)["documents"] == 0


def test_brat_example_imports_with_a_mapping(project: Project, bionlp: Path) -> None:
    options = ImportOptions(
        coder="brat",
        label_map={
            "Protein": "ACTOR",
            "Negative_regulation": "EVENT",
            "Binding": "EVENT",
            "Theme": "actor2",
            "Cause": "actor1",
            "Equiv": "same_as",
        },
        ignore_unknown_labels=True,  # the Negation modifier has no EVENT attribute here
    )
    report = import_paths(project, [bionlp], options)
    assert (report.added, report.annotations) == (1, 6)
    assert report.dropped == {"Negation": 1, "Theme": 1}  # E1's second Theme exceeds actor2's max 1
    doc = queries.document_ids(project)[0]
    anns = {a.uid: a for a in queries.annotations(project, doc, ["brat"])}
    assert anns["T1"].label == "ACTOR" and anns["T1"].note == "bone morphogenetic protein 6"
    assert anns["T2"].label == "EVENT"
    roles = {(k.from_id, k.role, k.to_id) for k in queries.links(project, doc, ["brat"])}
    assert (anns["T2"].id, "actor1", anns["T1"].id) in roles
    assert (anns["T2"].id, "actor2", anns["T3"].id) in roles
    assert (anns["T3"].id, "same_as", anns["T6"].id) in roles


def test_bad_ann_line_names_file_and_line(project: Project, tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("Seven civilians were killed.", "utf-8")
    (tmp_path / "d.ann").write_text("T1\tCASUALTY 0 5\tSeven\nT2\tCASUALTY 0 5\tNine\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"d\.ann line 2: .*"):
        import_paths(project, [tmp_path], ImportOptions(format="brat"))


def test_brat_export_then_import_is_identity(sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text

    def at(needle: str) -> tuple[int, int]:
        start = text.index(needle)
        return start, start + len(needle)

    e = services.create_annotation(
        project,
        "alice",
        doc,
        "EVENT",
        *at("attack killed"),
        {"event_type": "violence_against_civilians", "civilian_targeting": True},
    ).created_id
    actor = services.create_annotation(
        project, "alice", doc, "ACTOR", *at("Syrian regime attack")
    ).created_id
    c15 = services.create_annotation(
        project, "alice", doc, "CASUALTY", *at("15 civilians"),
        {"kind": "killed", "best": 15, "qualifier": "exact", "vague_term": "a; b=c"},
        note="ACLED: 15",
    ).created_id  # fmt: skip
    c2 = services.create_annotation(
        project, "alice", doc, "CASUALTY", *at("two children"), {"kind": "killed", "best": 2}
    ).created_id
    services.create_link(project, "alice", e, "actor1", actor)
    services.create_link(project, "alice", e, "casualties", c15)
    services.create_link(project, "alice", e, "casualties", c2)
    services.create_link(project, "alice", c2, "subset_of", c15)

    def bundles(p: Project) -> list[DocumentBundle]:
        return [
            DocumentBundle(d, a, k)
            for d, a, k in queries.iter_documents(p, queries.document_ids(p))
        ]

    out = tmp_path / "brat"
    write_brat(bundles(project), out, project.codebook, coder="alice")
    other = create_project(tmp_path / "other.annot")
    import_paths(other, [out], ImportOptions(coder="alice"))

    def shape(p: Project) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
        [(_doc, anns, links)] = list(queries.iter_documents(p, queries.document_ids(p)))
        by_id = {a.id: (a.label, a.start, a.end) for a in anns}
        spans = {
            (a.label, a.start, a.end, tuple(sorted(a.attributes.items())), a.note) for a in anns
        }
        edges = {(by_id[k.from_id], k.role, by_id[k.to_id]) for k in links}
        return spans, edges

    assert shape(other) == shape(project)
    other.close()
