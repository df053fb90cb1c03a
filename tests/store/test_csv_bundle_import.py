"""A CSV bundle imports back with each document's exact text, read from its text_file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.export import write_csv
from annotator.core.export.bundle import DocumentBundle
from annotator.core.records import Document
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.importer import ImportRejected, import_paths

TEXTS = ["=5 killed in Idlib", "- 12 injured\n- 3 missing", "@UN: 40 fled 🕊️"]


def test_documents_import_back_with_the_exact_text(project: Project, tmp_path: Path) -> None:
    docs = [
        DocumentBundle(Document(i, f"d{i}", text, title=f"-t{i}"), [], [])
        for i, text in enumerate(TEXTS, 1)
    ]
    write_csv(docs, tmp_path / "csv", project.codebook)
    import_paths(project, [tmp_path / "csv" / "documents.csv"])
    back = [queries.document(project, i) for i in queries.document_ids(project)]
    assert [(d.ext_id, d.text) for d in back] == [(f"d{i}", t) for i, t in enumerate(TEXTS, 1)]


def test_a_text_file_outside_the_bundle_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    path.write_text("id,text_file,text\nd1,../secret.txt,x\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"documents\.csv:2: column 'text_file'"):
        import_paths(project, [path])
