"""The progress view's agreement: per pair, the latest documents assigned to both and finished
by both (``progress.sample_agreement``), on both backends."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from annotator.store import queries, services
from annotator.store.assign import AssignPlan, assign
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.progress import sample_agreement


@pytest.fixture
def pair(project: Project, tmp_path: Path) -> dict[str, int]:
    """d1 ... d5; d1-d4 assigned to alice and bob; spans at 0-6 ("Report") unless said."""
    feed = tmp_path / "docs.jsonl"
    feed.write_bytes(
        b"".join(
            orjson.dumps({"id": f"d{i}", "text": f"Report number {i} of the day."}) + b"\n"
            for i in range(1, 6)
        )
    )
    import_paths(project, [feed])
    ids = {queries.document(project, i).ext_id: i for i in queries.document_ids(project)}
    assign(
        project,
        AssignPlan(coders=["alice", "bob"], per_document=2, documents=["d1", "d2", "d3", "d4"]),
    )
    return ids


def code(project: Project, doc: int, alice_at: int, bob_at: int, *, done: bool = True) -> None:
    services.create_annotation(project, "alice", doc, "LOCATION", alice_at, alice_at + 6)
    services.create_annotation(project, "bob", doc, "LOCATION", bob_at, bob_at + 6)
    if done:
        services.set_status(project, "alice", doc, "done")
        services.set_status(project, "bob", doc, "done")


def test_the_latest_documents_both_finished_are_compared(
    project: Project, pair: dict[str, int]
) -> None:
    code(project, pair["d1"], 0, 7)  # finished first: they disagree
    code(project, pair["d2"], 0, 0)
    code(project, pair["d3"], 0, 0)
    code(project, pair["d4"], 0, 7, done=False)  # bob has not finished it
    services.create_annotation(project, "alice", pair["d5"], "LOCATION", 0, 6)  # not assigned
    services.create_annotation(project, "bob", pair["d5"], "LOCATION", 7, 13)
    services.set_status(project, "alice", pair["d5"], "done")
    services.set_status(project, "bob", pair["d5"], "done")

    [latest] = sample_agreement(project, per_pair=2)
    assert (latest.coders, latest.documents, latest.finished) == (("alice", "bob"), 2, 3)
    assert latest.f1 == 1.0  # d2 and d3
    [every] = sample_agreement(project)
    assert (every.documents, every.finished) == (3, 3)
    assert every.f1 == pytest.approx(2 / 3)  # two of alice's three spans matched, and of bob's
