"""Import: every class of bad input gets a one-line error and leaves the project unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.importer import ImportOptions, ImportRejected, import_paths

from helpers.paths import SEED

EMOJI_ARABIC = "قُتل 15 مدنياً في إدلب 😢 يوم الأحد.\r\nCafe\u0301 🇸🇾 shelled: 7 dead."


def jsonl(path: Path, *docs: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    return path


def counts(project: Project) -> tuple[int, int, int]:
    info = queries.info(project)
    return info["documents"], info["annotations"], info["links"]


def test_txt_import_and_reimport_is_a_reported_no_op(project: Project) -> None:
    report = import_paths(project, [SEED])
    assert (report.added, report.skipped) == (1, 0)
    doc = queries.document(project, queries.document_ids(project)[0])
    assert doc.title.startswith("Russia admits support")
    assert doc.published == "2019-07-30"
    assert doc.text == SEED.read_text("utf-8").replace("\r\n", "\n")
    again = import_paths(project, [SEED])
    assert (again.added, again.skipped) == (0, 1)
    assert counts(project) == (1, 0, 0)


def test_folder_import_dedupes_names(project: Project, tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(f"Text from {sub}", "utf-8")
    import_paths(project, [tmp_path / "a", tmp_path / "b"])
    assert sorted(s.ext_id for s in queries.document_summaries(project, "x")) == [
        "story",
        "story-2",
    ]


def test_jsonl_with_annotations_links_and_crlf_offsets(project: Project, tmp_path: Path) -> None:
    text = EMOJI_ARABIC

    def at(needle: str) -> tuple[int, int]:
        s = text.index(needle)
        return s, s + len(needle)

    c_start, c_end = at("15")
    e_start, e_end = at("shelled")
    n_start, n_end = at("7")
    path = jsonl(
        tmp_path / "in.jsonl",
        {
            "id": "ar-1",
            "text": text,
            "published": "2019-07-30",
            "annotations": [
                {"id": "c1", "coder": "alice", "label": "CASUALTY", "start": c_start,
                 "end": c_end, "text": "15", "attributes": {"kind": "killed", "best": 15}},
                {"id": "e1", "coder": "alice", "label": "EVENT", "start": e_start,
                 "end": e_end, "text": "shelled"},
                {"id": "c2", "coder": "alice", "label": "CASUALTY", "start": n_start,
                 "end": n_end, "text": "7", "note": "after the \r\n"},
            ],
            "links": [{"id": "l1", "coder": "alice", "from": "e1", "role": "casualties", "to": "c2"}],
        },
    )  # fmt: skip
    report = import_paths(project, [path])
    assert (report.added, report.annotations, report.links) == (1, 3, 1)
    doc_id = queries.document_ids(project)[0]
    stored = queries.document(project, doc_id).text
    assert "\r" not in stored
    anns = {a.uid: a for a in queries.annotations(project, doc_id)}
    # Offsets were remapped through the CRLF normalisation: they cover the same characters.
    assert stored[anns["c1"].start : anns["c1"].end] == "15"
    assert stored[anns["e1"].start : anns["e1"].end] == "shelled"
    assert stored[anns["c2"].start : anns["c2"].end] == "7"
    [link] = queries.links(project, doc_id)
    assert (link.from_id, link.role, link.to_id) == (anns["e1"].id, "casualties", anns["c2"].id)


BAD_JSONL = [
    ("not json", "in.jsonl:2: malformed JSON"),
    ('{"title": "no text"}', "in.jsonl:2: field 'text' is missing"),
    ('{"text": ""}', "in.jsonl:2: field 'text': empty text"),
    ('{"text": "abc", "colour": 1}', "in.jsonl:2: unknown field 'colour'"),
    ('{"text": "abc", "annotations": [{"label": "ACTOR", "start": 0, "end": 9}]}',
     "in.jsonl:2: annotations[0]: offsets 0-9 out of range"),
    ('{"text": "abc", "annotations": [{"label": "ACTOR", "start": 0, "end": 2, "text": "bc"}]}',
     "in.jsonl:2: annotations[0]: field 'text' 'bc' does not match"),
    ('{"text": "abc", "annotations": [{"label": "VICTIM", "start": 0, "end": 2}]}',
     "in.jsonl:2: annotations[0]: unknown label 'VICTIM'"),
    ('{"text": "abc", "annotations": [{"label": "ACTOR", "start": 0, "end": 2, "attributes": {"hue": 1}}]}',
     "in.jsonl:2: annotations[0]: attributes: ACTOR.hue: unknown attribute"),
    ('{"text": "abc", "annotations": [{"label": "CASUALTY", "start": 0, "end": 2, "attributes": {"kind": "eaten"}}]}',
     "in.jsonl:2: annotations[0]: attributes: CASUALTY.kind: 'eaten' is not one of"),
    ('{"text": "abc", "annotations": [{"id": "a", "label": "ACTOR", "start": 0, "end": 1}], '
     '"links": [{"from": "a", "role": "actor1", "to": "a"}]}',
     "in.jsonl:2: link"),
    ('{"text": "abc", "annotations": [{"id": "a", "label": "EVENT", "start": 0, "end": 1},'
     '{"id": "b", "label": "ACTOR", "start": 1, "end": 2}], '
     '"links": [{"from": "a", "role": "perpetrator", "to": "b"}]}',
     "unknown role or relation 'perpetrator'"),
    ('{"text": "abc", "published": "last Tuesday"}', "field 'published': 'last Tuesday' is not an ISO date"),
    ('{"text": "abc", "annotations": [{"label": "ACTOR", "start": "0", "end": 2}]}',
     "field 'start' must be a whole number"),
    ('[1, 2]', "in.jsonl:2: each line must be a JSON object"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), BAD_JSONL, ids=[m for _, m in BAD_JSONL])
def test_bad_jsonl_is_rejected_and_nothing_is_written(
    project: Project, tmp_path: Path, line: str, message: str
) -> None:
    import_paths(project, [SEED])
    before = counts(project)
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "good", "text": "A good first line."}\n' + line + "\n", "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert counts(project) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"caf\xe9 au lait", "invalid UTF-8"),
        (b"x" * 2000, "over the limit of 1,000"),
    ],
)
def test_bad_files_are_rejected(
    project: Project, tmp_path: Path, content: bytes, message: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A fine article.", "utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(ImportRejected, match=message) as info:
        import_paths(project, [good, bad], ImportOptions(max_bytes=1000))
    assert "bad.txt" in str(info.value)
    assert counts(project) == (0, 0, 0)  # the good file was not imported either


def test_csv_import_with_named_columns(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        "story_id,headline,body,source,published,region\n"
        'x1,First,"Clashes in Idlib, 3 killed.",AFP,2019-07-28,Idlib\n'
        "x2,Second,=cmd|' /C calc'!A0 is just text here,,,\n",
        "utf-8",
    )
    options = ImportOptions(text_column="body", title_column="headline", id_column="story_id")
    report = import_paths(project, [path], options)
    assert report.added == 2
    docs = [queries.document(project, i) for i in queries.document_ids(project)]
    assert [(d.ext_id, d.title, d.source) for d in docs] == [
        ("x1", "First", "AFP"),
        ("x2", "Second", ""),
    ]
    assert docs[0].metadata == {"region": "Idlib"}


def test_csv_errors_name_the_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,text\n1,ok\n2,\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"a\.csv:3: column 'text': empty text"):
        import_paths(project, [path])
    with pytest.raises(ImportRejected, match="no text column 'body'"):
        import_paths(project, [path], ImportOptions(text_column="body"))
    assert counts(project) == (0, 0, 0)


def test_explicit_id_clash_is_an_error(project: Project, tmp_path: Path) -> None:
    import_paths(project, [jsonl(tmp_path / "a.jsonl", {"id": "d1", "text": "one"})])
    with pytest.raises(ImportRejected, match="id 'd1' is already used"):
        import_paths(project, [jsonl(tmp_path / "b.jsonl", {"id": "d1", "text": "two"})])


def test_missing_path(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="no such file or folder"):
        import_paths(project, [tmp_path / "nope.txt"])


def test_documents_csv_from_our_export_imports_back(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    path.write_text(
        'id,title,source,url,published,language,metadata,text\nd1,T,AFP,,2019-07-30,en,"{""region"": ""Idlib""}",Body text\n',
        "utf-8",
    )
    import_paths(project, [path])
    doc = queries.document(project, queries.document_ids(project)[0])
    assert (doc.ext_id, doc.metadata) == ("d1", {"region": "Idlib"})
    bad = tmp_path / "bad.csv"
    bad.write_text("id,metadata,text\nd2,[1],x\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"bad\.csv:2: column 'metadata' is not a JSON object"):
        import_paths(project, [bad])


def test_coders_work_from_other_projects_is_merged_once(project: Project, tmp_path: Path) -> None:
    text = "Shelling killed 7 civilians in Idlib."
    mine = {
        "id": "a1",
        "coder": "bob",
        "label": "CASUALTY",
        "start": 16,
        "end": 17,
        "attributes": {"kind": "killed"},
    }
    import_paths(
        project, [jsonl(tmp_path / "bob.jsonl", {"id": "d", "text": text, "annotations": [mine]})]
    )
    alice = jsonl(
        tmp_path / "alice.jsonl",
        {
            "id": "d",
            "text": text,
            "annotations": [
                {"id": "a1", "coder": "alice", "label": "EVENT", "start": 0, "end": 8},
                {"id": "a2", "coder": "alice", "label": "CASUALTY", "start": 16, "end": 17},
            ],
            "links": [
                {"id": "l1", "coder": "alice", "from": "a1", "role": "casualties", "to": "a2"}
            ],
        },
    )
    report = import_paths(project, [alice])
    assert (report.added, report.skipped, report.merged, report.annotations, report.links) == (
        0,
        1,
        1,
        2,
        1,
    )
    doc = queries.document_ids(project)[0]
    anns = queries.annotations(project, doc, ["alice"])
    assert sorted(a.label for a in anns) == ["CASUALTY", "EVENT"]
    assert len({a.uid for a in queries.annotations(project, doc)}) == 3  # a1 was renumbered
    [link] = queries.links(project, doc, ["alice"])
    by_id = {a.id: a.label for a in anns}
    assert (by_id[link.from_id], by_id[link.to_id]) == ("EVENT", "CASUALTY")
    again = import_paths(project, [alice])  # the same file twice is still a no-op
    assert (again.merged, again.annotations) == (0, 0)
    assert counts(project) == (1, 3, 1)


def test_gold_annotations_need_an_explicit_allow_gold(tmp_path: Path, project: Project) -> None:
    line = {
        "id": "g1",
        "text": "Rebels attacked the town.",
        "annotations": [{"id": "a1", "coder": "gold", "label": "ACTOR", "start": 0, "end": 6}],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", "utf-8")
    with pytest.raises(
        ImportRejected, match=r"gold.jsonl:1: annotations\[0\]: field 'coder': 'gold' is the adj"
    ):
        import_paths(project, [path])
    assert queries.document_ids(project) == []
    with pytest.raises(ImportRejected, match="--allow-gold"):
        import_paths(project, [path], ImportOptions(coder="gold"))
    import_paths(project, [path], ImportOptions(allow_gold=True))
    [doc] = queries.document_ids(project)
    assert [a.coder for a in queries.annotations(project, doc, ["gold"])] == ["gold"]
