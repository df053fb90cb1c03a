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

from helpers.paths import SEED

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
    assert "PMID-1.ann line 1: entity type 'Protein' is unknown" in message
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
    # E1's second Theme exceeds actor2's max 1
    assert report.dropped == {"modifier 'Negation'": 1, "role 'Theme'": 1}
    assert report.converted == {"equivalences (*) read as same_as links": 1}
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


# ---------------------------------------------------------------- nothing dropped or merged

# Two shellings share the trigger "shelled"; the relation carries an attribute and a note.
SHARED_TXT = "Regime forces shelled Idlib and Hama; 7 killed.\n"
SHARED_ANN = """T1\tACTOR 0 13\tRegime forces
T2\tEVENT 14 21\tshelled
T3\tLOCATION 22 27\tIdlib
T4\tLOCATION 32 36\tHama
T5\tCASUALTY 38 39\t7
T6\tCASUALTY 38 39\t7
E1\tEVENT:T2 actor1:T1 place:T3 casualties:T5
E2\tEVENT:T2 actor1:T1 place:T4
A1\tcivilian_targeting E2
R1\tsubset_of Arg1:T5 Arg2:T6
A2\tNegation R1
#1\tAnnotatorNotes R1\tsame victims?
#2\tAnnotatorNotes E1\tfirst strike
"""


def brat_folder(tmp_path: Path, txt: str, ann: str, name: str = "d") -> Path:
    folder = tmp_path / "brat"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_bytes(txt.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder


def test_two_events_on_one_trigger_stay_two_events(project: Project, tmp_path: Path) -> None:
    report = import_paths(project, [brat_folder(tmp_path, SHARED_TXT, SHARED_ANN)])
    doc = queries.document_ids(project)[0]
    anns = queries.annotations(project, doc)
    events = sorted((a for a in anns if a.label == "EVENT"), key=lambda a: a.uid)
    assert [(a.uid, a.start, a.end) for a in events] == [("E2", 14, 21), ("T2", 14, 21)]
    e2, e1 = events
    assert e1.note == "first strike" and e1.attributes == {}
    assert e2.attributes == {"civilian_targeting": True} and e2.note == ""
    by_id = {a.id: a.uid for a in anns}
    links = {(by_id[k.from_id], k.role, by_id[k.to_id]) for k in queries.links(project, doc)}
    assert links == {
        ("T2", "actor1", "T1"),
        ("T2", "place", "T3"),
        ("T2", "casualties", "T5"),
        ("E2", "actor1", "T1"),
        ("E2", "place", "T4"),
        ("T5", "subset_of", "T6"),
    }
    # What a link cannot carry is reported with its line, not dropped silently.
    ann = tmp_path / "brat" / "d.ann"
    assert report.notices == [
        f"{ann} line 11: attribute 'Negation' on relation R1 (links carry no attributes)",
        f"{ann} line 12: note 'AnnotatorNotes' on relation R1 (links carry no notes)",
    ]


DISCONTINUOUS_TXT = "Rebel forces and government troops clashed."


def test_a_discontinuous_span_is_refused_with_its_line_or_joined_on_request(
    project: Project, tmp_path: Path
) -> None:
    folder = brat_folder(
        tmp_path,
        DISCONTINUOUS_TXT,
        "T1\tACTOR 17 27\tgovernment\nT2\tACTOR 0 5;13 19\tRebel and go\n",
    )
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [folder])
    assert str(info.value).startswith(f"{folder / 'd.ann'} line 2: T2 is discontinuous (0 5;13 19)")
    assert "--join-fragments" in str(info.value)
    assert queries.info(project)["documents"] == 0
    report = import_paths(project, [folder], ImportOptions(join_fragments=True))
    assert report.converted == {"discontinuous spans joined into one span": 1}
    doc = queries.document_ids(project)[0]
    spans = {(a.start, a.end) for a in queries.annotations(project, doc)}
    assert spans == {(17, 27), (0, 19)}


def test_a_span_cut_only_at_line_breaks_is_one_span(project: Project, tmp_path: Path) -> None:
    text = "Rebel\nforces clashed."
    folder = brat_folder(tmp_path, text, "T1\tACTOR 0 5;6 12\tRebel forces\n")
    report = import_paths(project, [folder])
    assert report.converted == {}
    doc = queries.document_ids(project)[0]
    [a] = queries.annotations(project, doc)
    assert (a.start, a.end) == (0, 12)


def test_every_conversion_is_counted(project: Project, tmp_path: Path) -> None:
    text = "Rebels shelled Idlib.\n"
    ann = (
        "T1\tACTOR 0 6\tRebels\nT2\tEVENT 7 14\tshelled\nT3\tLOCATION 15 20\tIdlib\n"
        "T4\tACTOR 0 6\tRebels\n"
        "E1\tEVENT:T2 actor1:T1 place:T3\nM1\tcivilian_targeting E1\n"
        "N1\tReference T3 GeoNames:170063\tIdlib\n*\tEquiv T1 T4\n"
        "#1\tComment T1\tcheck the name\n#2\tAnnotatorNotes T1\tnotes stay notes\n"
    )
    report = import_paths(project, [brat_folder(tmp_path, text, ann)])
    assert report.converted == {
        "modifiers (M) read as attributes": 1,
        "normalisations (N) kept as notes": 1,
        "equivalences (*) read as same_as links": 1,
        "notes of type 'Comment' kept as notes": 1,
    }
    doc = queries.document_ids(project)[0]
    anns = {a.uid: a for a in queries.annotations(project, doc)}
    assert anns["T3"].note == "Reference GeoNames:170063 (Idlib)"
    assert anns["T1"].note == "Comment: check the name\nnotes stay notes"
    assert anns["T2"].attributes == {"civilian_targeting": True}


def test_ignore_unknown_labels_names_what_was_left_out(project: Project, tmp_path: Path) -> None:
    text = "Rebels shelled Idlib.\n"
    ann = (
        "T1\tACTOR 0 6\tRebels\nT2\tEVENT 7 14\tshelled\nT3\tTown 15 20\tIdlib\n"
        "E1\tEVENT:T2 actor1:T1 perpetrator:T1 place:T3\nR1\tallied_with Arg1:T1 Arg2:T1\n"
        "A1\tHue E1 red\nM1\tSpeculation E1\nA2\tcategory T3 state\n"
    )
    report = import_paths(
        project, [brat_folder(tmp_path, text, ann)], ImportOptions(ignore_unknown_labels=True)
    )
    assert report.dropped == {
        "entity type 'Town'": 1,
        "role 'perpetrator'": 1,
        "role 'place' of a left-out span": 1,
        "relation 'allied_with'": 1,
        "attribute 'Hue'": 1,
        "modifier 'Speculation'": 1,
        "attribute 'category' of a left-out span": 1,
    }


def test_crlf_text_with_offsets_as_brat_counts_them(project: Project, tmp_path: Path) -> None:
    text = "Idlib, Sunday.\r\nRebels shelled the town.\r\n"
    # brat's server counts \r\n as one character: "Rebels" starts at 15, not 16.
    folder = brat_folder(tmp_path, text, "T1\tACTOR 15 21\tRebels\nT2\tEVENT 22 29\tshelled\n")
    import_paths(project, [folder])
    doc = queries.document_ids(project)[0]
    stored = queries.document(project, doc).text
    assert "\r" not in stored
    assert sorted(stored[a.start : a.end] for a in queries.annotations(project, doc)) == [
        "Rebels",
        "shelled",
    ]
    # Offsets that count \r\n as two characters (other tools) still read right.
    other = tmp_path / "other"
    other.mkdir()
    (other / "d.txt").write_bytes(text.encode())
    (other / "d.ann").write_bytes(b"T1\tACTOR 16 22\tRebels\n")
    fresh = create_project(tmp_path / "fresh.annot")
    import_paths(fresh, [other])
    [a] = queries.annotations(fresh, queries.document_ids(fresh)[0])
    assert (a.start, a.end) == (15, 21)
    fresh.close()


def test_a_brat_export_of_several_coders_imports_back_as_those_coders(
    sqlite_project: Project, tmp_path: Path
) -> None:
    project = sqlite_project
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    start = text.index("15 civilians")
    for coder, label in (("alice", "CASUALTY"), ("bob", "ACTOR")):
        services.create_annotation(project, coder, doc, label, start, start + 12)
    bundles = [DocumentBundle(d, a, k) for d, a, k in queries.iter_documents(project, [doc])]
    out = tmp_path / "out"
    write_brat(bundles, out, project.codebook)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["alice", "bob"]
    other = create_project(tmp_path / "other.annot")
    report = import_paths(other, [out])
    assert (report.added, report.repeated, report.merged) == (1, 1, 1)
    new_doc = queries.document_ids(other)[0]
    assert sorted((a.coder, a.label) for a in queries.annotations(other, new_doc)) == [
        ("alice", "CASUALTY"),
        ("bob", "ACTOR"),
    ]
    other.close()


def test_a_joined_trigger_of_two_events_is_counted_once(project: Project, tmp_path: Path) -> None:
    text = "Rebels shelled and\nthen bombed Idlib."
    ann = "T1\tEVENT 7 14;24 30\tshelled bombed\nE1\tEVENT:T1\nE2\tEVENT:T1\n"
    report = import_paths(
        project, [brat_folder(tmp_path, text, ann)], ImportOptions(join_fragments=True)
    )
    assert report.converted == {"discontinuous spans joined into one span": 1}
    assert report.annotations == 2
