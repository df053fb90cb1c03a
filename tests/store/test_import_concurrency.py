"""An import never starves the coders (SQLite), two imports of the same documents never fail
(SQLite and PostgreSQL), and a killed import leaves nothing of its file behind."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.store import importer, queries, services
from annotator.store.engine import Project, busy_timeout_ms
from annotator.store.importer import ImportRejected, ImportReport, import_paths
from annotator.store.setup import create_project

from helpers.paths import REPO, SEED

# The load test's size: set ANNOTATOR_TEST_IMPORT_DOCS=60000 for the full-size run.
IMPORT_DOCS = int(os.environ.get("ANNOTATOR_TEST_IMPORT_DOCS", "6000"))

IMPORTER = r"""
import sys
from annotator.store.engine import Project
from annotator.store.importer import import_paths
project = Project.open(sys.argv[1])
print("start", flush=True)
report = import_paths(project, [sys.argv[2]])
print("imported", report.added, flush=True)
"""

# Stops for good inside the write transaction, after every insert, before the commit.
STALLED_IMPORTER = r"""
import sys, time
from annotator.store import importer
from annotator.store.engine import Project

def stall(self):
    print("in transaction", flush=True)
    time.sleep(600)

importer._Writer.finish = stall
importer.import_paths(Project.open(sys.argv[1]), [sys.argv[2]])
"""


def articles(path: Path, n: int, prefix: str = "n") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Report {prefix}{i}: shelling hit the market in Idlib, killing {i % 40} people."
            fh.write(json.dumps({"id": f"{prefix}{i}", "text": text}) + "\n")
    return path


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_coders_write_at_once_while_an_import_reads_its_input(
    sqlite_project: Project, tmp_path: Path
) -> None:
    """Reading, checking and hashing take no lock: a writer that will not wait at all
    (timeout 0) gets through at every progress step of the import."""
    source = articles(tmp_path / "in.jsonl", 3 * importer.BATCH)
    database = sqlite_project.engine.url.database
    assert database is not None
    writes: list[str] = []

    def coder_writes(_n: int) -> None:
        db = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO coder (name, created_at) VALUES (?, CURRENT_TIMESTAMP)",
                (f"coder{len(writes)}",),
            )
            db.execute("COMMIT")
            writes.append("ok")
        except sqlite3.OperationalError as exc:
            writes.append(str(exc))
        finally:
            db.close()

    report = import_paths(sqlite_project, [source], progress=coder_writes)
    assert report.added == 3 * importer.BATCH
    assert writes and set(writes) == {"ok"}


def test_no_coder_action_fails_or_waits_out_the_timeout_during_a_long_import(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    source = articles(tmp_path / "big.jsonl", IMPORT_DOCS)
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(path), str(source)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "start"
    waits: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + 600
    # At least two actions even if the import finished first: no race with the machine's speed.
    while (proc.poll() is None or len(waits) < 2) and time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
        except Exception as exc:
            failures.append(repr(exc))
        waits.append(time.monotonic() - t0)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0 and f"imported {IMPORT_DOCS}" in out
    print(
        f"\n{IMPORT_DOCS:,} documents imported while a coder wrote: {len(waits)} actions, "
        f"{len(failures)} failed, longest {max(waits):.3f} s (target < 1 s)"
    )
    assert failures == []
    assert len(waits) > 1
    assert max(waits) < busy_timeout_ms() / 1000
    assert queries.info(project)["documents"] == IMPORT_DOCS + 1
    assert len(queries.annotations(project, doc, ["alice"])) == len(waits)
    project.close()


def test_an_import_killed_before_its_commit_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    source = articles(tmp_path / "in.jsonl", 1200)
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLED_IMPORTER, str(path), str(source)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "in transaction"
    finally:
        proc.kill()  # SIGKILL: no clean-up runs
        proc.wait(timeout=60)
    assert queries.info(project)["documents"] == 1
    report = import_paths(project, [source])  # the file is imported whole afterwards
    assert (report.added, report.skipped) == (1200, 0)
    project.close()


def with_annotations(path: Path) -> Path:
    """Each document of ``path`` with an annotation of a coder new to the project."""
    lines = path.read_text("utf-8").splitlines()
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            doc = json.loads(line)
            doc["annotations"] = [{"id": "a1", "coder": "alice", "label": "ACTOR",
                                   "start": 0, "end": 6}]  # fmt: skip
            fh.write(json.dumps(doc) + "\n")
    return path


@pytest.mark.parametrize("case", ["new", "merging", "new coder"])
def test_two_imports_of_the_same_file_at_once(project: Project, tmp_path: Path, case: str) -> None:
    """One adds the documents (or, for documents already there, a coder's annotations), the
    other reports them skipped; neither fails. On PostgreSQL both are held until each has
    looked for existing documents, so both try to write. ("new coder": two different files
    whose annotations bring the same new coder.)"""
    source = articles(tmp_path / "same.jsonl", 300)
    sources = [source, source]
    annotated = case == "merging"
    if annotated:
        import_paths(project, [source])
        with_annotations(source)
    elif case == "new coder":
        sources = [with_annotations(articles(tmp_path / f"{p}.jsonl", 300, p)) for p in "ab"]
    postgres = not project.is_sqlite
    barrier = threading.Barrier(2, timeout=120)
    original = importer._Known.refresh
    first_look: set[int] = set()

    def refresh_then_wait(self: importer._Known, s: object) -> None:
        original(self, s)  # type: ignore[arg-type]
        if postgres and threading.get_ident() not in first_look:
            first_look.add(threading.get_ident())
            barrier.wait()

    reports: list[ImportReport] = []
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        other = Project.open(project.url)
        try:
            reports.append(import_paths(other, [path]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            other.close()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importer._Known, "refresh", refresh_then_wait)
        threads = [threading.Thread(target=run, args=(p,)) for p in sources]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert errors == []
    if annotated:
        assert sorted((r.added, r.skipped, r.merged) for r in reports) == [
            (0, 300, 0),
            (0, 300, 300),
        ]
        assert queries.info(project)["annotations"] == 300
        assert queries.info(project)["documents"] == 300
    elif case == "new coder":
        assert [(r.added, r.annotations) for r in reports] == [(300, 300), (300, 300)]
        assert queries.info(project)["documents"] == 600
    else:
        assert sorted((r.added, r.skipped) for r in reports) == [(0, 300), (300, 0)]
        assert queries.info(project)["documents"] == 300


def test_a_document_hidden_from_the_importer_is_refused_not_retried_forever(
    project: Project, tmp_path: Path
) -> None:
    """A role that cannot read some rows (row-level security) cannot tell why its insert was
    refused: the import says so instead of renaming and retrying without end."""
    if project.is_sqlite:
        pytest.skip("row-level security is PostgreSQL's")
    source = articles(tmp_path / "a.jsonl", 3)
    import_paths(project, [source])
    last = max(queries.document_ids(project))
    role = f"blind_importer_{uuid.uuid4().hex[:8]}"
    admin = create_engine(project.url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        conn.execute(text("ALTER TABLE document ENABLE ROW LEVEL SECURITY"))
        # The role sees only the documents added after these three.
        conn.execute(
            text(f"CREATE POLICY hide ON document FOR SELECT TO {role} USING (id > {last})")
        )
        conn.execute(text(f"CREATE POLICY add ON document FOR INSERT TO {role} WITH CHECK (true)"))
    blind = Project.open(make_url(project.url).set(username=role).render_as_string(False))
    try:
        with pytest.raises(ImportRejected, match=r"a\.jsonl:1: this document is already in"):
            import_paths(blind, [source])
    finally:
        blind.close()
        with admin.begin() as conn:
            conn.execute(text("DROP POLICY hide ON document"))
            conn.execute(text("DROP POLICY add ON document"))
            conn.execute(text("ALTER TABLE document DISABLE ROW LEVEL SECURITY"))
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
    assert queries.info(project)["documents"] == 3
