"""Inputs that used to be misread: BOMs, unknown extensions, CSV encodings and delimiters,
UTF-16, large fields, unterminated quotes, non-ISO dates, NUL characters in any field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.importer import ImportOptions, ImportRejected, import_paths


def documents(project: Project) -> list[queries.Document]:
    return [queries.document(project, i) for i in queries.document_ids(project)]


def test_jsonl_with_a_utf8_bom_is_read(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "d1", "text": "Shelling."}).encode())
    assert import_paths(project, [path]).added == 1
    assert documents(project)[0].ext_id == "d1"


def test_an_unknown_extension_is_refused_naming_the_formats(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 a word file")
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    message = str(info.value)
    assert "report.docx: unknown file type '.docx'" in message
    assert ".jsonl" in message and ".csv" in message and "--format" in message
    assert documents(project) == []
    notes = tmp_path / "notes.md"
    notes.write_text("Clashes in Idlib.", "utf-8")
    assert import_paths(project, [notes], ImportOptions(format="txt")).added == 1


def test_cp1252_csv_names_the_byte_and_reads_with_encoding(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("id,text\nd1,x\nd2,Caf\u00e9 shelled\n".encode("cp1252"))
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert str(info.value) == (
        f"{path}:3: invalid UTF-8: byte 0xe9 at offset 19; if it comes from Excel or "
        "Windows, try --encoding cp1252"
    )
    import_paths(project, [path], ImportOptions(encoding="cp1252"))
    assert documents(project)[1].text == "Caf\u00e9 shelled"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_csv_is_recognised(project: Project, tmp_path: Path, codec: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes("id,text\nd1,\u0642\u062a\u0644 15 in Idlib\n".encode(codec))
    assert import_paths(project, [path]).added == 1
    assert documents(project)[0].text == "\u0642\u062a\u0644 15 in Idlib"


def test_csv_delimiter_and_a_field_as_large_as_a_document(project: Project, tmp_path: Path) -> None:
    body = "shelling " * 30_000  # 270,000 characters: over the csv module's own 131,072
    path = tmp_path / "semi.csv"
    path.write_text(f"id;title;text\nd1;Big;{body}\nd2;Small;a, b\n", "utf-8")
    import_paths(project, [path], ImportOptions(delimiter=";"))
    assert [(d.title, len(d.text)) for d in documents(project)] == [
        ("Big", len(body)),
        ("Small", 4),
    ]


def test_csv_field_over_the_size_limit_is_an_error(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\nd1,"' + "x" * 3000 + '"\n', "utf-8")
    with pytest.raises(ImportRejected, match=r"a\.csv:2: .*over the (size )?limit of 1,000"):
        import_paths(project, [path], ImportOptions(max_bytes=1000))


def test_unterminated_quote_names_the_line_it_opens_on(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('id,text\nd1,fine\nd2,"never closed\nd3,more\nd4,rows\n', "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert str(info.value).startswith(f"{path}:3: a quoted field starts in this record")
    assert documents(project) == []


def test_non_iso_published_names_field_and_first_line_or_reads_with_date_format(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "dates.csv"
    path.write_text('id,published,text\nd1,2019-07-28,one\nd2,30/07/2019,"two\nlines"\n', "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert str(info.value).startswith(
        f"{path}:3: field 'published': '30/07/2019' is not an ISO date (YYYY-MM-DD)"
    )
    assert "--date-format" in str(info.value)
    with pytest.raises(ImportRejected, match="nor in --date-format '%m/%d/%Y'"):
        import_paths(project, [path], ImportOptions(date_format="%m/%d/%Y"))
    import_paths(project, [path], ImportOptions(date_format="%d/%m/%Y"))
    assert [d.published for d in documents(project)] == ["2019-07-28", "2019-07-30"]


NUL_JSONL = [
    ({"text": "ok", "title": "a\u0000b"}, "field 'title'"),
    ({"text": "ok", "metadata": {"region": ["Idlib", "x\u0000"]}}, "field 'metadata.region[1]'"),
    ({"text": "ok", "metadata": {"k\u0000": 1}}, "field 'metadata key'"),
    ({"text": "ok", "source": "\u0000"}, "field 'source'"),
    (
        {"text": "ok", "annotations": [{"label": "ACTOR", "start": 0, "end": 2, "note": "\u0000"}]},
        "field 'annotations[0].note'",
    ),
]


@pytest.mark.parametrize(("doc", "field"), NUL_JSONL, ids=[f for _, f in NUL_JSONL])
def test_nul_is_refused_in_every_jsonl_field(
    project: Project, tmp_path: Path, doc: dict[str, object], field: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "first"}\n' + json.dumps(doc) + "\n", "utf-8")
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert str(info.value) == f"{path}:2: {field} contains a NUL character (\\0)"
    assert documents(project) == []


def test_nul_is_refused_in_csv_columns(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("id,title,text\nd1,ok,fine\nd2,bad\x00title,fine too\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"n\.csv:3: field 'title' contains a NUL"):
        import_paths(project, [path])
    assert documents(project) == []


def test_cli_passes_encoding_delimiter_and_date_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.annot")
    assert main(["init", project]) == 0
    path = tmp_path / "in.csv"
    path.write_bytes("id\ttext\tpublished\nd1\tCaf\u00e9\t28.07.2019\n".encode("cp1252"))
    with pytest.raises(SystemExit):
        main(["import", project, str(path), "--delimiter", "tab"])
    assert "try --encoding cp1252" in capsys.readouterr().err
    args = ["--delimiter", "tab", "--encoding", "cp1252", "--date-format", "%d.%m.%Y"]
    assert main(["import", project, str(path), *args]) == 0
    assert "imported 1 document(s)" in capsys.readouterr().out
    opened = Project.open(project)
    assert [(d.text, d.published) for d in documents(opened)] == [("Caf\u00e9", "2019-07-28")]
    opened.close()
