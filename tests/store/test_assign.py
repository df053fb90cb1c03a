"""Assignment: K coders per document, a fraction F with K+1, balanced loads, reproducible."""

from __future__ import annotations

from collections import Counter

import pytest

from annotator.store import services
from annotator.store.assign import AssignPlan, assign, assignments, queue
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import DocumentRow

CODERS = [f"c{i}" for i in range(1, 8)]


def add_documents(project: Project, n: int) -> None:
    with project.write() as s:
        for i in range(n):
            s.add(DocumentRow(ext_id=f"d{i:04d}", sha256=f"{i:064x}", text="x y z", length=5))


def test_thousand_documents_seven_coders(project: Project) -> None:
    add_documents(project, 1000)
    plan = AssignPlan(coders=CODERS, per_document=1, overlap=0.2, seed=7)
    result, _ = assign(project, plan)
    first = assignments(project)
    sizes = Counter(len(d["coders"]) for d in first)  # type: ignore[arg-type]
    assert set(sizes) == {1, 2}
    assert 199 <= sizes[2] <= 201
    loads = Counter(c for d in first for c in d["coders"])  # type: ignore[attr-defined]
    assert sorted(loads) == CODERS
    assert max(loads.values()) - min(loads.values()) <= 1
    assert dict(loads) == result.loads
    for d in first:
        assert len(set(d["coders"])) == len(d["coders"])  # type: ignore[arg-type]

    assign(project, plan)
    assert assignments(project) == first
    assign(project, AssignPlan(coders=CODERS, per_document=1, overlap=0.2, seed=8))
    assert assignments(project) != first


def test_started_documents_are_kept_unless_forced(sqlite_project: Project) -> None:
    project = sqlite_project
    add_documents(project, 10)
    assign(project, AssignPlan(coders=["ann"], seed=1))
    doc = queue(project, "ann")[0]
    services.create_annotation(project, "ann", doc, "ACTOR", 0, 1)
    assign(project, AssignPlan(coders=["bob"], seed=1))
    assert queue(project, "ann") == [doc]
    assert len(queue(project, "bob")) == 9
    assign(project, AssignPlan(coders=["bob"], seed=1, force=True))
    assert queue(project, "ann") == []
    assert len(queue(project, "bob")) == 10


def test_unassigned_only_and_queue_order(sqlite_project: Project) -> None:
    project = sqlite_project
    add_documents(project, 6)
    assign(project, AssignPlan(coders=["ann"], documents=["d0000", "d0001", "d0002"], seed=3))
    assign(project, AssignPlan(coders=["bob"], unassigned=True, seed=3))
    by_doc = {d["document"]: d["coders"] for d in assignments(project)}
    assert by_doc == {
        "d0000": ["ann"],
        "d0001": ["ann"],
        "d0002": ["ann"],
        "d0003": ["bob"],
        "d0004": ["bob"],
        "d0005": ["bob"],
    }
    ann = queue(project, "ann")
    services.set_status(project, "ann", ann[0], "done")
    assert queue(project, "ann") == ann[1:] + ann[:1]  # unfinished first


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (AssignPlan(coders=["a"], per_document=2), "need at least 2 coders"),
        (AssignPlan(coders=["a", "b"], overlap=1.5), "between 0 and 1"),
        (AssignPlan(coders=["gold"]), "adjudicated layer"),
        (AssignPlan(coders=["a"], documents=["nope"]), "no document 'nope'"),
    ],
)
def test_bad_requests_change_nothing(
    sqlite_project: Project, plan: AssignPlan, message: str
) -> None:
    add_documents(sqlite_project, 3)
    with pytest.raises(ServiceError, match=message):
        assign(sqlite_project, plan)
    assert all(d["coders"] == [] for d in assignments(sqlite_project))
