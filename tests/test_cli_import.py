"""``annotator import`` prints every conversion, every item left out and everything it could
not keep, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main

TEXT = "Rebels shelled Idlib.\n"
ANN = (
    "T1\tACTOR 0 6\tRebels\nT2\tEVENT 7 14\tshelled\nT3\tTown 15 20\tIdlib\n"
    "E1\tEVENT:T2 actor1:T1 place:T3\nM1\tcivilian_targeting E1\n"
    "R1\tsame_as Arg1:T1 Arg2:T1\n#1\tAnnotatorNotes R1\tcheck\n"
)


def test_import_report_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.annot")
    assert main(["init", project]) == 0
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d.txt").write_text(TEXT, "utf-8")
    (folder / "d.ann").write_text(ANN, "utf-8")
    capsys.readouterr()
    assert main(["import", project, str(folder), "--ignore-unknown-labels"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "converted: 1 modifiers (M) read as attributes",
        "left out: 1 entity type 'Town'",
        "left out: 1 role 'place' of a left-out span",
        f"not kept: {folder / 'd.ann'} line 7: note 'AnnotatorNotes' on relation R1 "
        "(links carry no notes)",
    ]
    assert out[0].startswith("imported 1 document(s), 2 annotation(s), 2 link(s)")


def test_bad_delimiter_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.annot")
    assert main(["init", project]) == 0
    (tmp_path / "a.csv").write_text("id,text\n1,x\n", "utf-8")
    with pytest.raises(SystemExit):
        main(["import", project, str(tmp_path / "a.csv"), "--delimiter", ";;"])
    assert "--delimiter ';;': one character" in capsys.readouterr().err
