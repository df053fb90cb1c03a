"""The first look (``store.first_look``): the document the coding window will open, with the
coder's own layer, read from the project file without SQLAlchemy; None whenever it cannot be
read that way, so that the store opens it (and refuses or migrates) as it always does."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator.store import first_look, links, queries, services
from annotator.store.assign import AssignPlan, assign
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_demo, create_project

from helpers.paths import REPO


@pytest.fixture
def five(tmp_path: Path) -> Path:
    """A project of five short articles, d1 ... d5 in import order."""
    path = tmp_path / "five.annot"
    feed = tmp_path / "five.jsonl"
    feed.write_bytes(
        b"".join(
            orjson.dumps({"id": f"d{i}", "title": f"Report {i}", "text": f"Report number {i}."})
            + b"\n"
            for i in range(1, 6)
        )
    )
    project = create_project(path)
    import_paths(project, [feed])
    project.close()
    return path


def ext_of(path: Path, coder: str) -> str | None:
    look = first_look.look(path, coder)
    return None if look is None else look.document.ext_id


def test_the_first_unfinished_document_of_the_coders_list(five: Path) -> None:
    project = Project.open(five)
    ids = {queries.document(project, i).ext_id: i for i in queries.document_ids(project)}
    try:
        assert ext_of(five, "ann") == "d1"  # a new coder: every document, in import order
        services.set_status(project, "ann", ids["d1"], "done")
        services.set_status(project, "bob", ids["d2"], "done")  # another coder's is not hers
        services.set_status(project, "ann", ids["d3"], "in_progress")
        assert ext_of(five, "ann") == "d2"
        assert ext_of(five, "bob") == "d1"
        # assigned documents: her queue, unfinished first, each part in import order
        assign(project, AssignPlan(coders=["ann"], documents=["d5", "d4", "d1"]))
        assert ext_of(five, "ann") == "d4"
        services.set_status(project, "ann", ids["d4"], "done")
        assert ext_of(five, "ann") == "d5"
        services.set_status(project, "ann", ids["d5"], "done")
        assert ext_of(five, "ann") == "d1"  # all done: the queue's first
        assert ext_of(five, "bob") == "d1"  # no queue of his own: the whole list
    finally:
        project.close()


def test_the_coders_own_live_layer_with_its_status(five: Path) -> None:
    project = Project.open(five)
    doc = queries.document_ids(project)[0]
    try:
        event = services.create_annotation(
            project, "ann", doc, "EVENT", 0, 6, {"event_type": "battles"}
        ).created_id
        actor = services.create_annotation(project, "ann", doc, "ACTOR", 7, 13).created_id
        gone = services.create_annotation(project, "ann", doc, "ACTOR", 14, 15).created_id
        services.delete_annotation(project, "ann", gone)
        services.create_annotation(project, "bob", doc, "ACTOR", 0, 6)  # not hers
        link = links.create_link(project, "ann", event, "actor1", actor).created_id
        services.set_status(project, "ann", doc, "in_progress")
    finally:
        project.close()
    look = first_look.look(five, "ann")
    assert look is not None
    assert look.coder == "ann" and look.status == "in_progress"
    assert (look.document.ext_id, look.document.title, look.document.text) == (
        "d1", "Report 1", "Report number 1."
    )  # fmt: skip
    assert [(a.id, a.label, a.start, a.end, a.coder) for a in look.annotations] == [
        (event, "EVENT", 0, 6, "ann"),
        (actor, "ACTOR", 7, 13, "ann"),
    ]
    assert look.annotations[0].attributes["event_type"] == "battles"
    assert [(k.id, k.from_id, k.role, k.to_id) for k in look.links] == [
        (link, event, "actor1", actor)
    ]
    assert "ACTOR" in {lab.name for lab in look.codebook.labels}
    bobs = first_look.look(five, "bob")  # his span started the document for him
    assert bobs is not None and bobs.status == "in_progress" and bobs.links == []
    assert [(a.label, a.start, a.end, a.coder) for a in bobs.annotations] == [
        ("ACTOR", 0, 6, "bob")
    ]
    carl = first_look.look(five, "carl")
    assert carl is not None and carl.status == "not_started" and carl.annotations == []


def test_nothing_when_it_cannot_be_read_without_the_store(tmp_path: Path, five: Path) -> None:
    assert first_look.look(tmp_path / "missing.annot", "ann") is None
    assert first_look.look("postgresql+psycopg://nobody@127.0.0.1:1/none", "ann") is None
    not_a_project = tmp_path / "notes.annot"
    not_a_project.write_text("not a project\n", encoding="utf-8")
    assert first_look.look(not_a_project, "ann") is None
    empty = create_project(tmp_path / "empty.annot")  # no document yet
    empty.close()
    assert first_look.look(tmp_path / "empty.annot", "ann") is None
    conn = sqlite3.connect(five)  # an older schema: the store migrates it first
    conn.execute("UPDATE alembic_version SET version_num = '0007'")
    conn.commit()
    conn.close()
    assert first_look.look(five, "ann") is None


def test_read_without_sqlalchemy_or_numpy_and_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "demo.annot"
    create_demo(path).close()
    before = sorted(p.name for p in tmp_path.iterdir())
    code = (
        "import sys\n"
        "from annotator.store.first_look import look\n"
        "found = look(sys.argv[1], 'ann')\n"
        "print(found.document.ext_id != '', 'sqlalchemy' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
        cwd=REPO,
    )  # fmt: skip
    assert out.stdout.split() == ["True", "False", "False"]
    # a reader of a WAL project makes its -wal and -shm files; nothing is written to them
    after = sorted(p.name for p in tmp_path.iterdir())
    assert set(after) - set(before) <= {"demo.annot-wal", "demo.annot-shm"}
    assert Path(f"{path}-wal").stat().st_size == 0
