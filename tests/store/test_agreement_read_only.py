"""`annotator agreement` on a project file: read through a read-only sqlite3 connection (no
SQLAlchemy), with the same figures and the same refusals as through the project's engine."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.read_only import open_current
from annotator.store.setup import create_project

from helpers.paths import REPO, SEED
from helpers.project_files import damage


def code_seed(project: Project, coder: str, casualty_chars: int) -> None:
    """ACTOR "Syrian regime attack", CASUALTY over the first chars of "15 civilians", and
    LOCATION over the second "Idlib" (alice's from an accepted suggestion)."""
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    actor = text.index("Syrian regime attack")
    services.create_annotation(project, coder, doc, "ACTOR", actor, actor + 20)
    start = text.index("15 civilians")
    services.create_annotation(
        project, coder, doc, "CASUALTY", start, start + casualty_chars,
        {"kind": "killed", "best": 15},
    )  # fmt: skip
    second = text.index("Idlib", text.index("Idlib") + 1)
    services.create_annotation(
        project, coder, doc, "LOCATION", second, second + 5, suggested=coder == "alice"
    )


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """A closed project file: the seed article coded by alice and bob (CASUALTY boundaries
    differ), one of alice's spans an accepted suggestion, and a second, uncoded article."""
    path = tmp_path / "coded.annot"
    project = create_project(path)
    try:
        import_paths(project, [SEED])
        other = tmp_path / "other.txt"
        other.write_text("Another article about shelling.", "utf-8")
        import_paths(project, [other])
        code_seed(project, "alice", 12)
        code_seed(project, "bob", 2)
    finally:
        project.close()
    return path


def _agreement_in_a_fresh_process(*args: str) -> tuple[dict[str, object], bool]:
    """The JSON report, and whether SQLAlchemy was imported to make it."""
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        f"assert main(['agreement', *{list(args)!r}, '--format', 'json']) == 0\n"
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'PLAIN', file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    return json.loads(out.stdout), out.stderr.strip().endswith("SQLALCHEMY")


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_project_file_is_read_without_sqlalchemy_and_not_written(coded: Path) -> None:
    before = _files(coded.parent)
    report, used_sqlalchemy = _agreement_in_a_fresh_process(str(coded))
    assert not used_sqlalchemy
    assert report["coders"] == ["alice", "bob"]
    assert report["documents"] == 1  # the uncoded article is left out ("coded" scope)
    spans = report["spans"]["f1"]  # type: ignore[index]
    assert spans["exact_labeled"] == pytest.approx(2 / 3)  # ACTOR, LOCATION agree; not CASUALTY
    assert spans["overlap_labeled"] == pytest.approx(1.0)
    after = _files(coded.parent)
    # A reader of a WAL project makes its -wal and -shm files, as `annotator check` does;
    # nothing is written to the project, nor logged to be written.
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) <= {"coded.annot-wal", "coded.annot-shm"}
    wal = Path(f"{coded}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_database_url_goes_through_the_engine(coded: Path) -> None:
    report, used_sqlalchemy = _agreement_in_a_fresh_process(f"sqlite:///{coded}")
    assert used_sqlalchemy
    assert report["spans"]["f1"]["exact_labeled"] == pytest.approx(2 / 3)  # type: ignore[index]


@pytest.mark.parametrize(
    "options",
    [
        ["--format", "json"],
        ["--format", "csv", "--scope", "all"],
        ["--coders", "bob,alice", "--labels", "CASUALTY"],
        ["--documents", "seed-1", "--without-suggestions"],
        ["--scope", "done"],
    ],
)
def test_both_ways_print_the_same_report(
    coded: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.open(coded)
    try:
        ext_id = project.engine.connect().exec_driver_sql("SELECT ext_id FROM document").scalar()
        first = project.engine.connect().exec_driver_sql("SELECT min(id) FROM annotation")
        services.delete_annotation(project, "alice", first.scalar())  # a deleted span: left out
    finally:
        project.close()
    options = [str(ext_id) if o == "seed-1" else o for o in options]
    assert open_current(coded) is not None  # the file is current: the read-only path applies
    assert main(["agreement", str(coded), *options]) == 0
    by_file = capsys.readouterr().out
    assert main(["agreement", f"sqlite:///{coded}", *options]) == 0
    assert capsys.readouterr().out == by_file


def test_a_damaged_file_is_refused(coded: Path) -> None:
    damage(coded, "annotation")
    assert open_current(coded) is None
    result = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "agreement", str(coded)],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"annotator: error: {coded}: the project file is damaged (")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_refusal_is_said_as_through_the_engine(coded: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "agreement", str(coded), "--coders", "alice,zed"],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == ("annotator: error: unknown coder 'zed' (coders: alice, bob)")


def test_only_a_current_sound_project_file_is_read_directly(coded: Path, tmp_path: Path) -> None:
    conn = open_current(coded)
    assert conn is not None
    conn.close()
    assert open_current(tmp_path / "missing.annot") is None
    assert open_current(f"sqlite:///{coded}") is None
    db = sqlite3.connect(coded)
    db.execute("UPDATE alembic_version SET version_num = '0001'")  # an older schema: migrate
    db.commit()
    db.close()
    assert open_current(coded) is None
