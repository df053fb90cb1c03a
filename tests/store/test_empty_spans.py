"""A zero-length or reversed span is refused with a message that says so, not "out of range"."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.import_model import ImportRejected
from annotator.store.importer import import_paths
from annotator.store.services import ServiceError

from helpers.paths import SEED


@pytest.fixture
def doc_id(project: Project) -> int:
    import_paths(project, [SEED])
    return queries.document_ids(project)[0]


def test_creating_an_empty_span_says_it_is_empty(project: Project, doc_id: int) -> None:
    ext_id = queries.document(project, doc_id).ext_id
    with pytest.raises(ServiceError) as info:
        services.create_annotation(project, "alice", doc_id, "ACTOR", 5, 5)
    assert str(info.value) == (
        f"span 5-5 in document {ext_id} is empty (zero length): a span covers at least one "
        "character"
    )
    with pytest.raises(ServiceError, match="ends before it starts"):
        services.create_annotation(project, "alice", doc_id, "ACTOR", 6, 5)
    assert queries.annotations(project, doc_id) == []


def test_resizing_a_span_to_nothing_says_it_is_empty(project: Project, doc_id: int) -> None:
    ann = services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 5).created_id
    with pytest.raises(ServiceError, match=r"span 3-3 .* is empty \(zero length\)"):
        services.update_annotation(project, "alice", ann, start=3, end=3)
    assert (queries.annotation(project, ann).start, queries.annotation(project, ann).end) == (0, 5)


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ('"start": 2, "end": 2', "annotations[0]: offsets 2-2 mark an empty span (zero length)"),
        ('"start": 2, "end": 1', "annotations[0]: offsets 2-1: the span ends before it starts"),
    ],
)
def test_importing_an_empty_span_says_it_is_empty(
    project: Project, tmp_path: Path, offsets: str, message: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"text": "abc", "annotations": [{"label": "ACTOR", ' + offsets + "}]}\n", "utf-8"
    )
    with pytest.raises(ImportRejected) as info:
        import_paths(project, [path])
    assert f"in.jsonl:1: {message}" in str(info.value)
    assert "out of range" not in str(info.value)
    assert queries.document_ids(project) == []
