"""annotator export: filters, round trip through import, clear errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from helpers.paths import SEED

ARABIC = "قُتل 15 مدنياً في إدلب 😢 يوم الأحد، وقال المرصد إن e\u0301 7 أصيبوا."


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "coded.annot"
    project = create_project(path)
    extra = tmp_path / "ar.jsonl"
    extra.write_text(json.dumps({"id": "ar", "text": ARABIC, "language": "ar"}) + "\n", "utf-8")
    import_paths(project, [SEED, extra])
    seed, ar = queries.document_ids(project)
    text = queries.document(project, seed).text

    def at(doc_text: str, needle: str) -> tuple[int, int]:
        start = doc_text.index(needle)
        return start, start + len(needle)

    for coder in ("alice", "gold"):
        actor = "lead" if coder == "gold" else None  # gold is written by a reviewer
        e = services.create_annotation(
            project, coder, seed, "EVENT", *at(text, "attack killed"),
            {"event_type": "violence_against_civilians", "civilian_targeting": True}, note="=cmd",
            actor=actor,
        ).created_id  # fmt: skip
        c = services.create_annotation(
            project,
            coder,
            seed,
            "CASUALTY",
            *at(text, "15 civilians"),
            {"kind": "killed", "best": 15, "count_scope": "event"},
            actor=actor,
        ).created_id
        services.create_link(project, coder, e, "casualties", c, actor=actor)
    services.create_annotation(
        project,
        "alice",
        ar,
        "CASUALTY",
        *at(ARABIC, "15"),
        {"kind": "killed", "best": 15, "count_scope": "event"},
    )
    services.create_annotation(project, "alice", ar, "LOCATION", *at(ARABIC, "إدلب"))
    services.set_status(project, "gold", seed, "done", actor="lead")
    project.close()
    return path


def test_jsonl_round_trip_is_identity(coded: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    assert main(["export", str(coded), "--format", "jsonl", "-o", str(first)]) == 0
    copy = tmp_path / "copy.annot"
    assert main(["init", str(copy)]) == 0
    assert main(["import", str(copy), str(first), "--allow-gold"]) == 0
    second = tmp_path / "second.jsonl"
    assert main(["export", str(copy), "--format", "jsonl", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    docs = [json.loads(line) for line in first.read_text("utf-8").splitlines()]
    ar = next(d for d in docs if d["id"] == "ar")
    assert [a["text"] for a in ar["annotations"]] == ["15", "إدلب"]


def test_filters(coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gold"
    assert (
        main(
            [
                "export",
                str(coded),
                "--format",
                "csv",
                "-o",
                str(out),
                "--coders",
                "gold",
                "--done-only",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader((out / "annotations.csv").open(encoding="utf-8")))
    assert {r["coder"] for r in rows} == {"gold"} and len(rows) == 2
    events = list(csv.DictReader((out / "events.csv").open(encoding="utf-8")))
    assert [e["fatalities_best"] for e in events] == ["15"]
    assert any(r["note"] == "'=cmd" for r in rows)  # formula injection neutralised
    only = tmp_path / "only.jsonl"
    assert (
        main(
            [
                "export",
                str(coded),
                "--format",
                "jsonl",
                "-o",
                str(only),
                "--labels",
                "LOCATION",
                "--documents",
                "ar",
            ]
        )
        == 0
    )
    [doc] = [json.loads(line) for line in only.read_text("utf-8").splitlines()]
    assert [a["label"] for a in doc["annotations"]] == ["LOCATION"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--coders", "zed"], "unknown coder 'zed'"),
        (["--labels", "VICTIM"], "unknown label 'VICTIM'"),
        (["--documents", "nope"], "unknown document id 'nope'"),
    ],
)
def test_filter_errors(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(coded), "--format", "jsonl", "-o", str(tmp_path / "x.jsonl"), *extra])
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_unwritable_target_is_one_line(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit):
        main(["export", str(coded), "--format", "csv", "-o", str(blocker / "sub")])
    err = capsys.readouterr().err.strip()
    assert err.startswith("annotator: error: ") and "cannot write" in err and "\n" not in err


def test_brat_export_of_one_coder_imports_back(coded: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    assert (
        main(["export", str(coded), "--format", "brat", "-o", str(out), "--coders", "alice"]) == 0
    )
    assert (out / "annotation.conf").exists()
    copy = tmp_path / "b.annot"
    main(["init", str(copy)])
    assert main(["import", str(copy), str(out), "--coder", "alice"]) == 0
    project = Project.open(copy)
    assert queries.info(project)["annotations"] == 4
    project.close()


def test_jsonl_to_standard_output(
    coded: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    file = tmp_path / "out.jsonl"
    assert main(["export", str(coded), "--format", "jsonl", "-o", str(file)]) == 0
    capsysbinary.readouterr()
    assert main(["export", str(coded), "--format", "jsonl", "-o", "-"]) == 0
    out, err = capsysbinary.readouterr()
    assert out == file.read_bytes()  # the JSONL and nothing else
    assert b"to standard output" in err
    assert not (Path.cwd() / "-").exists()


def test_standard_output_is_only_for_jsonl(coded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(coded), "--format", "csv", "-o", "-"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "-o - (standard output) is for jsonl" in err and len(err.strip().splitlines()) == 1


def test_done_only_says_which_stale_gold_it_left_out(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.open(coded)
    seed = queries.document_ids(project)[0]
    services.set_status(project, "alice", seed, "done")
    services.set_status(project, "gold", seed, "done", actor="lead")
    services.set_status(project, "alice", seed, "in_progress")  # alice reopens and changes it
    first = queries.annotations(project, seed, ["alice"])[0]
    services.update_annotation(project, "alice", first.id, note="checked again")
    project.close()
    capsys.readouterr()
    out = tmp_path / "gold.jsonl"
    args = ["export", str(coded), "--format", "jsonl", "-o", str(out), "--coders", "gold"]
    assert main([*args, "--done-only"]) == 0
    err = capsys.readouterr().err
    assert "left out 1 document(s) whose gold is stale" in err
    assert "000_fb25855139c210c8" in err
    assert out.read_text(encoding="utf-8") == ""
