"""The command line: clear one-line errors with status 1, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main

from helpers.cli import run
from helpers.paths import DEFAULT_CODEBOOK, SEED


def test_init_demo_import_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "demo.annot")
    assert main(["init", project, "--demo"]) == 0
    assert main(["import", project, str(SEED)]) == 0
    assert "skipped 1 already in the project" in capsys.readouterr().out
    assert main(["info", project, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["documents"] == 1
    assert info["codebook"] == {"name": "conflict-events", "version": 3}


def test_codebook_check_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codebook", "check", str(DEFAULT_CODEBOOK)]) == 0
    assert "ok" in capsys.readouterr().out
    project = str(tmp_path / "p.annot")
    main(["init", project])
    capsys.readouterr()
    assert main(["codebook", "show", project]) == 0
    out = capsys.readouterr().out
    assert "CASUALTY [c]" in out and "sub_event_type" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", "{tmp}/missing.annot"], "no such project"),
        (["import", "{tmp}/p.annot", "{tmp}/nothing.txt"], "nothing.txt: no such file"),
        (["import", "{tmp}/p.annot", "{tmp}/bin.txt"], "bin.txt: binary file"),
        (["codebook", "check", "{tmp}/bad.yaml"], "bad.yaml: labels[0].color"),
        (["init", "{tmp}/p.annot"], "already exists"),
        (["init", "{tmp}/q.annot", "--codebook", "{tmp}/bad.yaml"], "bad.yaml: labels[0].color"),
        (["info", "postgresql+psycopg://nobody@127.0.0.1:1/none"], "cannot open database"),
    ],
)
def test_user_errors_are_one_line_exit_1(tmp_path: Path, args: list[str], message: str) -> None:
    assert main(["init", str(tmp_path / "p.annot")]) == 0
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "bad.yaml").write_text(
        "codebook: x\nversion: 1\nlabels:\n  - {name: A, color: red}\n", "utf-8"
    )
    result = run(*(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error: ")
    assert message in lines[0]
    assert not (tmp_path / "q.annot").exists()  # a failed init leaves no half project


def test_a_database_failure_is_one_line(tmp_path: Path) -> None:
    project = tmp_path / "ro.annot"
    assert main(["init", str(project)]) == 0
    (tmp_path / "a.txt").write_text("An article.", "utf-8")
    import sqlite3

    db = sqlite3.connect(project)
    db.execute("BEGIN EXCLUSIVE")  # another process holds the write lock past the timeout
    try:
        result = run(
            "import",
            str(project),
            str(tmp_path / "a.txt"),
            env={"ANNOTATOR_BUSY_TIMEOUT_MS": "300"},
        )
    finally:
        db.rollback()
        db.close()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("annotator: error: another program kept the project busy")
    assert result.stderr.strip().endswith("nothing was changed")
