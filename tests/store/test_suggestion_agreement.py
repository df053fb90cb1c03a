"""Spans accepted as suggestions are audited as such; agreement can leave them out."""

from __future__ import annotations

from sqlmodel import select

from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.review import agreement_input, select_documents
from annotator.store.tables import AuditEntry

from helpers.paths import SEED


def test_agreement_with_and_without_accepted_suggestions(project: Project) -> None:
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    first = text.index("Idlib")
    second = text.index("Idlib", first + 1)
    for coder in ("alice", "bob"):
        services.create_annotation(project, coder, doc, "LOCATION", first, first + 5)
    # alice took the second mention from a suggestion; bob coded it by hand
    services.create_annotation(
        project, "alice", doc, "LOCATION", second, second + 5, suggested=True
    )
    services.create_annotation(project, "bob", doc, "LOCATION", second, second + 5)
    with project.read() as s:
        actions = [e.action for e in s.exec(select(AuditEntry)).all()]
    assert actions.count("accept_suggestion") == 1
    selection = select_documents(project, ["alice", "bob"])
    everything = agreement_input(project, selection)
    assert len(everything.annotations) == 4
    without = agreement_input(project, selection, suggestions=False)
    assert len(without.annotations) == 3
    assert sorted(without.annotations.column("coder")) == ["alice", "bob", "bob"]  # type: ignore[attr-defined]
