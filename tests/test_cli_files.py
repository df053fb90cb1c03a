"""``check``, ``backup`` and the settings and messages around project files, from the command
line: every failure is one line, and no password is ever printed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator.cli import main
from annotator.store.engine import Project
from annotator.store.setup import create_demo, create_project

from helpers.cli import run as run_process
from helpers.postgres import PG_URL, reset_postgres
from helpers.project_files import damage


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """The command in this process (a subprocess per call would make this file slow)."""

    def call(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return call


def one_line_error(result: Result) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ANNOTATOR_BUSY_TIMEOUT_MS", "abc", "ANNOTATOR_BUSY_TIMEOUT_MS='abc': expected a whole"),
        ("ANNOTATOR_BUSY_TIMEOUT_MS", "-5", "ANNOTATOR_BUSY_TIMEOUT_MS='-5': expected a whole"),
        ("ANNOTATOR_SYNCHRONOUS", "sometimes", "expected normal or full"),
    ],
)
def test_a_bad_setting_is_one_line(tmp_path: Path, variable: str, value: str, message: str) -> None:
    # A fresh process: the setting used to be read (and fail) while the command was importing.
    project = tmp_path / "p.annot"
    create_project(project).close()
    result = run_process("info", str(project), env={variable: value})
    assert message in one_line_error(Result(result.returncode, result.stdout, result.stderr))


@pytest.mark.parametrize(("setting", "expected"), [("", 1), ("normal", 1), ("full", 2)])
def test_synchronous_follows_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, expected: int
) -> None:
    monkeypatch.setenv("ANNOTATOR_SYNCHRONOUS", setting)
    project = create_project(tmp_path / "p.annot")
    with project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == expected
    project.close()


def test_check_a_sound_and_a_damaged_project(tmp_path: Path, run: Callable[..., Result]) -> None:
    project = tmp_path / "p.annot"
    create_demo(project).close()
    sound = run("check", str(project))
    assert sound.returncode == 0 and sound.stdout.startswith(f"{project}: ok")
    damage(project, "coder")
    damaged = run("check", str(project))
    assert damaged.returncode == 1 and "Traceback" not in damaged.stderr
    assert damaged.stdout.startswith(f"{project}: DAMAGED")
    assert "restore your latest backup" in damaged.stdout
    info = one_line_error(run("info", str(project)))
    assert "the project file is damaged" in info and "annotator check" in info
    assert "is damaged" in one_line_error(run("backup", str(project), str(tmp_path / "b.annot")))
    assert not (tmp_path / "b.annot").exists()


def test_check_says_what_a_non_project_file_is(tmp_path: Path, run: Callable[..., Result]) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", "utf-8")
    assert "not an SQLite database" in one_line_error(run("check", str(other)))
    assert other.read_text("utf-8") == "hello"


def test_backup_writes_a_checked_copy_that_opens(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    project = tmp_path / "p.annot"
    create_demo(project).close()
    out = tmp_path / "copy.annot"
    result = run("backup", str(project), str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"backed up {project} to {out}")
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal
    db.close()
    assert Project.open(out).codebook.name == "conflict-events"
    refused = one_line_error(run("backup", str(project), str(project)))
    assert "name a new file for the backup" in refused


def test_backup_of_a_postgresql_project_points_to_pg_dump(run: Callable[..., Result]) -> None:
    line = one_line_error(run("backup", "postgresql+psycopg://ann:hunter2@db.invalid/x", "o"))
    assert "pg_dump" in line and "hunter2" not in line and "ann:***@" in line


def test_init_finishes_a_0_byte_project(tmp_path: Path, run: Callable[..., Result]) -> None:
    project = tmp_path / "p.annot"
    project.touch()
    assert "an empty file, not a project" in one_line_error(run("info", str(project)))
    assert project.stat().st_size == 0  # info did not write into it
    result = run("init", str(project))
    assert result.returncode == 0, result.stderr
    assert run("info", str(project)).returncode == 0


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none",
        "postgresql+psycopg://nobody:hunter2@127.0.0.1:notaport/none",
    ],
)
def test_a_password_is_masked_in_every_error(url: str, run: Callable[..., Result]) -> None:
    for command in (["info", url], ["init", url], ["check", url], ["export", url, "--format",
                    "jsonl", "-o", "/dev/null"]):  # fmt: skip
        line = one_line_error(run(*command))
        assert "hunter2" not in line and "nobody:***@" in line


@pytest.mark.skipif(not PG_URL, reason="ANNOTATOR_TEST_PG_URL is not set (no PostgreSQL)")
def test_init_on_a_postgresql_database_that_holds_a_project_says_so(
    run: Callable[..., Result],
) -> None:
    reset_postgres(PG_URL)
    with_password = PG_URL.replace("://postgres@", "://postgres:hunter2@")
    assert "hunter2" in with_password, "the test server URL is expected as postgres@host"
    assert run("init", with_password).returncode == 0
    line = one_line_error(run("init", with_password))
    assert line.endswith(": already holds an Annotator project")
    assert "hunter2" not in line and "postgres:***@" in line
    checked = run("check", with_password)
    assert checked.returncode == 0 and ": ok (schema current;" in checked.stdout
    assert "hunter2" not in checked.stdout
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM codebook_version")).scalar() == 1
    engine.dispose()


def test_commands_on_a_missing_path_create_nothing(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    missing = tmp_path / "sub" / "missing.annot"
    for command in ("info", "check", "export"):
        extra = (
            ["--format", "jsonl", "-o", str(tmp_path / "o.jsonl")] if command == "export" else []
        )
        assert "no such project" in one_line_error(run(command, str(missing), *extra))
    assert "no such project" in one_line_error(run("backup", str(missing), str(tmp_path / "b")))
    assert sorted(tmp_path.iterdir()) == []
