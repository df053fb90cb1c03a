"""Choosing coders and documents for agreement, and the report through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.review import agreement_input, select_documents
from annotator.store.services import ServiceError

from helpers.paths import SEED


def code_seed(project: Project, coder: str, casualty_chars: int) -> int:
    """ACTOR "Syrian regime attack" and CASUALTY over the first chars of "15 civilians"."""
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text

    def at(needle: str) -> tuple[int, int]:
        start = text.index(needle)
        return start, start + len(needle)

    services.create_annotation(project, coder, doc, "ACTOR", *at("Syrian regime attack"))
    start = at("15 civilians")[0]
    services.create_annotation(
        project,
        coder,
        doc,
        "CASUALTY",
        start,
        start + casualty_chars,
        {"kind": "killed", "best": 15},
    )
    return doc


def test_selection_rules(project: Project, tmp_path: Path) -> None:
    import_paths(project, [SEED])
    other = tmp_path / "other.txt"
    other.write_text("Another article about shelling.", "utf-8")
    import_paths(project, [other])
    doc = code_seed(project, "alice", 12)
    code_seed(project, "bob", 12)
    services.create_annotation(project, "gold", doc, "ACTOR", 0, 6, actor="lead")
    sel = select_documents(project)
    assert sel.coders == ["alice", "bob"]  # gold is left out unless asked for
    assert sel.document_ids == [doc]
    assert select_documents(project, scope="done").document_ids == []
    assert len(select_documents(project, scope="all").document_ids) == 2
    with pytest.raises(ServiceError, match="unknown coder 'zed'"):
        select_documents(project, ["alice", "zed"])
    with pytest.raises(ServiceError, match="at least two coders"):
        select_documents(project, ["alice"])
    with pytest.raises(ServiceError, match="unknown document id 'nope'"):
        select_documents(project, ext_ids=["nope"])
    data = agreement_input(project, sel)
    assert {a.coder for a in data.annotations} == {"alice", "bob"}
    assert data.attribute_metrics["CASUALTY.best"] == "interval"
    with pytest.raises(ServiceError, match="unknown label 'VICTIM'"):
        agreement_input(project, sel, ["VICTIM"])


def test_agreement_command(
    sqlite_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(sqlite_project, [SEED])
    code_seed(sqlite_project, "alice", 12)
    code_seed(sqlite_project, "bob", 2)
    url = sqlite_project.url
    assert main(["agreement", url, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coders"] == ["alice", "bob"]
    spans = report["spans"]["f1"]
    assert spans["exact_labeled"] == pytest.approx(0.5)  # ACTOR agrees, CASUALTY boundary differs
    assert spans["overlap_labeled"] == pytest.approx(1.0)
    assert report["attributes"]["CASUALTY.kind"]["percent_agreement"] == pytest.approx(1.0)
    out = tmp_path / "dis.csv"
    assert main(["agreement", url, "--disagreements", str(out)]) == 0
    rows = out.read_text("utf-8").splitlines()
    assert rows[0].startswith("document,start,end,text,kind")
    assert any(",boundary," in r for r in rows[1:])
    ext_id = queries.document(sqlite_project, queries.document_ids(sqlite_project)[0]).ext_id
    assert ext_id != str(queries.document_ids(sqlite_project)[0])
    assert {r.split(",")[0] for r in rows[1:]} == {ext_id}  # the id users know
