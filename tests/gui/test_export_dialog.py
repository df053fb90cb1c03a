"""File → Export: the dialog drives the real writers in a thread; the files on disk are checked."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QListWidget, QMenu, QRadioButton
from pytestqt.qtbot import QtBot

from annotator.core.export import DocumentBundle
from annotator.core.export.atomic import TEMP_PREFIX
from annotator.gui import export_dialog
from annotator.gui.export_dialog import FOLDER_KEY, ExportDialog
from annotator.gui.main_window import MainWindow
from annotator.store.engine import Project
from annotator.store.exporting import ExportFilter
from annotator.store.import_model import ImportOptions
from annotator.store.importer import import_paths
from annotator.store.setup import create_demo

from helpers.window import build_window, temp_prefs

TEXT = "Rebels attacked Idlib on Monday, killing 3 civilians."


def coded(doc_id: str, coders: Sequence[str]) -> dict[str, object]:
    """One article with an EVENT, its ACTOR (linked as actor1) and a LOCATION per coder."""
    anns: list[dict[str, object]] = []
    links: list[dict[str, object]] = []
    for c in coders:
        anns += [
            {"id": f"{c}-e", "coder": c, "label": "EVENT", "start": 7, "end": 15},
            {"id": f"{c}-a", "coder": c, "label": "ACTOR", "start": 0, "end": 6},
            {"id": f"{c}-l", "coder": c, "label": "LOCATION", "start": 16, "end": 21},
        ]
        links.append({"coder": c, "from": f"{c}-e", "role": "actor1", "to": f"{c}-a"})
    text = f"{TEXT} ({doc_id})"  # texts differ: the importer skips a text it already has
    return {"id": doc_id, "title": f"Article {doc_id}", "text": text, "annotations": anns,
            "links": links}  # fmt: skip


def make_project(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "export.annot"
    project = create_demo(path)
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    import_paths(project, [source], ImportOptions(allow_gold=True))  # the lead brings gold in
    project.close()
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    lines = [coded("d1", ["alice", "bob", "gold"]), coded("d2", ["bob"]), coded("d3", [])]
    w = build_window(qtbot, make_project(tmp_path, lines), temp_prefs(tmp_path), coder="bob")
    yield w
    w.close()
    w.session.project.close()


def open_dialog(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    """Ctrl+E, as a coder would press it."""
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def set_checked(qtbot: QtBot, box: QListWidget, keep: set[str]) -> None:
    """Toggle items with the keyboard (Space) until only ``keep`` are checked."""
    box.setFocus()
    for row in range(box.count()):
        item = box.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in keep
        if (item.checkState() == Qt.CheckState.Checked) != wanted:
            box.setCurrentRow(row)
            qtbot.keyClick(box, Qt.Key.Key_Space)
        assert (item.checkState() == Qt.CheckState.Checked) == wanted


def run_export(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None or dialog.message.property("error")
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_export_is_in_the_file_menu_with_ctrl_e(window: MainWindow) -> None:
    qa = window.actions_.qaction("file.export")
    assert qa.isEnabled()
    assert qa.shortcut() == QKeySequence("Ctrl+E")
    file_menu = window.menuBar().findChild(QMenu, "menu.File")
    assert file_menu is not None and qa in file_menu.actions()


def test_csv_for_one_coder(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.findChild(QRadioButton, "format.csv"), Qt.MouseButton.LeftButton)
    assert dialog.format.key == "csv"
    assert dialog.path.text().endswith("export-csv")  # the suggestion follows the format
    out = tmp_path / "tables"
    dialog.path.setText(str(out))
    coders = [
        dialog.coders.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.coders.count())
    ]
    assert coders == ["bob"]  # the coding window offers its own layer only
    assert dialog.export_filter().coders == ["bob"]

    run_export(qtbot, dialog)

    assert sorted(p.name for p in out.iterdir()) == [
        "adjudication.csv", "annotations.csv", "claims.csv", "documents.csv", "events.csv", "links.csv",
        "schema.json", "texts",
    ]  # fmt: skip
    anns = rows(out / "annotations.csv")
    assert len(anns) == 6 and {r["coder"] for r in anns} == {"bob"}
    assert {r["document_id"] for r in anns} == {"d1", "d2"}
    ids = [r["id"] for r in rows(out / "documents.csv")]
    assert len(ids) == 4 and ids[1:] == ["d1", "d2", "d3"]  # the demo's seed article first
    links = rows(out / "links.csv")
    assert [(r["coder"], r["role"], r["from_text"], r["to_text"]) for r in links] == [
        ("bob", "actor1", "attacked", "Rebels")
    ] * 2
    header = (out / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:6] == [
        "document_id", "event_id", "coder", "trigger_text", "trigger_start", "trigger_end",
    ]  # fmt: skip
    events = rows(out / "events.csv")
    assert [(r["document_id"], r["coder"], r["trigger_text"]) for r in events] == [
        ("d1", "bob", "attacked"), ("d2", "bob", "attacked"),
    ]  # fmt: skip

    said = f"Wrote 4 documents, 6 annotations, 2 links, 2 events to {out}"
    assert dialog.message.text().startswith(said + ".\nFiles: adjudication.csv, annotations.csv")
    assert not dialog.message.property("error")
    assert window.status.message.text() == said
    assert dialog.progress.value() == dialog.progress.maximum() == 4
    assert window.prefs.qsettings.value(FOLDER_KEY) == str(tmp_path)
    dialog.grab().save(str(tmp_path / "export.png"))  # renders after an export without warnings


def test_jsonl_of_the_current_document_with_two_labels(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    s = window.session
    d2 = next(d.id for d in s.summaries.values() if d.ext_id == "d2")
    s.open_document(d2)
    dialog = open_dialog(qtbot, window)
    assert dialog.format.key == "jsonl"  # the default
    out = tmp_path / "sub" / "one.jsonl"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.current_doc, Qt.MouseButton.LeftButton)
    set_checked(qtbot, dialog.labels, {"EVENT", "ACTOR"})
    assert dialog.export_filter() == ExportFilter(
        coders=["bob"], labels=["ACTOR", "EVENT"], documents=["d2"], done_only=False
    )

    run_export(qtbot, dialog)

    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["d2"]
    assert sorted((a["coder"], a["label"]) for a in lines[0]["annotations"]) == [
        ("bob", "ACTOR"), ("bob", "EVENT"),
    ]  # fmt: skip
    assert len(lines[0]["links"]) == 1
    assert dialog.message.text() == f"Wrote 1 document, 2 annotations, 1 link to {out}."
    assert [p.name for p in out.parent.iterdir()] == ["one.jsonl"]  # no temporary left


def test_the_first_export_starts_in_the_documents_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in the project's folder (the demo lives in the hidden data folder)."""
    documents = tmp_path / "home" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    dialog = open_dialog(qtbot, window)
    assert dialog.path.text() == str(documents / "export.jsonl")
    dialog.close()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is None)
    documents.rmdir()  # no documents folder: the home folder
    with qtbot.waitActive(window):
        window.activateWindow()
    dialog = open_dialog(qtbot, window)
    assert dialog.path.text() == str(tmp_path / "home" / "export.jsonl")


@pytest.mark.parametrize("coder", ["alice", "carol"])  # carol has coded nothing yet
def test_the_coding_window_exports_nothing_of_other_coders(
    qtbot: QtBot, tmp_path: Path, coder: str
) -> None:
    lines = [coded("d1", ["alice", "bob", "gold"]), coded("d2", ["bob"])]
    window = build_window(qtbot, make_project(tmp_path, lines), temp_prefs(tmp_path), coder)
    dialog = open_dialog(qtbot, window)
    out = tmp_path / "mine.jsonl"
    dialog.path.setText(str(out))
    offered = [dialog.coders.item(i).text() for i in range(dialog.coders.count())]
    assert offered == ([coder] if coder == "alice" else [])
    if coder == "carol":  # nothing of hers to export, and never everyone else's instead
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.worker is None and not out.exists()
        assert dialog.message.text() == "Choose at least one coder."
    else:
        run_export(qtbot, dialog)
        exported = out.read_text(encoding="utf-8")
        lines = [json.loads(x) for x in exported.splitlines()]
        assert {a["coder"] for x in lines for a in x["annotations"]} == {"alice"}
        assert "bob" not in exported and '"gold"' not in exported
    window.close()
    window.session.project.close()


def test_a_new_dialog_suggests_the_last_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    window.prefs.qsettings.setValue(FOLDER_KEY, str(elsewhere))
    dialog = open_dialog(qtbot, window)
    assert dialog.path.text() == str(elsewhere / "export.jsonl")
    dialog.path.setText(str(tmp_path / "mine.jsonl"))
    dialog.set_format("brat")  # a path the coder typed is never replaced
    assert dialog.path.text() == str(tmp_path / "mine.jsonl")


def test_choosing_a_folder_uses_the_folder_dialog(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brat"
    monkeypatch.setattr(
        export_dialog.QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(target)
    )
    dialog = open_dialog(qtbot, window)
    dialog.set_format("brat")
    qtbot.mouseClick(dialog.choose, Qt.MouseButton.LeftButton)
    assert dialog.path.text() == str(target)
    run_export(qtbot, dialog)
    ann = (target / "d1.ann").read_text(encoding="utf-8").splitlines()
    assert sorted(x.split("\t")[1].split()[0] for x in ann if x.startswith("T")) == [
        "ACTOR", "EVENT", "LOCATION",
    ]  # fmt: skip
    assert (target / "d3.ann").read_text(encoding="utf-8") == ""  # nobody coded it
    assert (target / "annotation.conf").exists()
    assert dialog.message.text().startswith(
        f"Wrote 4 documents, 6 annotations, 2 links to {target}"
    )


def test_unwritable_path_is_one_line(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    out = tmp_path / ("x" * 300 + ".jsonl")  # longer than any file system allows
    dialog = open_dialog(qtbot, window)
    dialog.path.setText(str(out))
    run_export(qtbot, dialog)  # the writer itself fails, in the worker thread
    text = dialog.message.text()
    assert dialog.message.property("error") is True
    assert text.startswith(f"Not exported: {out}: cannot write (")
    assert "\n" not in text and "Traceback" not in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)] == []
    assert window.status.message.text() == ""  # nothing claimed as written
    assert not dialog.progress.isTextVisible()
    assert dialog.export_button.isEnabled()  # the coder can fix the path and try again

    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    dialog.path.setText(str(blocker / "out.jsonl"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is None  # refused before anything ran
    assert dialog.message.text() == f"{blocker} is a file, not a folder."
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"


def test_a_folder_format_refuses_an_existing_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    taken = tmp_path / "taken.txt"
    taken.write_text("keep", encoding="utf-8")
    dialog = open_dialog(qtbot, window)
    dialog.set_format("csv")
    dialog.path.setText(str(taken))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is None
    assert dialog.message.text() == f"{taken} is a file; CSV folder writes a folder."
    set_checked(qtbot, dialog.coders, set())
    dialog.path.setText(str(tmp_path / "csv"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Choose at least one coder."
    assert not (tmp_path / "csv").exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_cancel_midway_leaves_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    path = make_project(tmp_path, [coded(f"n{i:03d}", ["alice"]) for i in range(300)])
    window = build_window(qtbot, path, temp_prefs(tmp_path))
    # Hold the stream after ten documents until Cancel was pressed, so that the export is
    # reliably mid-way however fast the machine is.
    pressed = threading.Event()
    real = export_dialog.bundles

    def gated(project: Project, flt: ExportFilter, ids: Sequence[int]) -> Iterator[DocumentBundle]:
        for i, bundle in enumerate(real(project, flt, ids)):
            if i == 10:
                pressed.wait(10)
            yield bundle

    monkeypatch.setattr(export_dialog, "bundles", gated)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / ("all.jsonl" if fmt == "jsonl" else "tables")
    try:
        dialog = open_dialog(qtbot, window)
        dialog.set_format(fmt)
        dialog.path.setText(str(out))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.progress.value() == 10, timeout=20_000)
        assert dialog.progress.maximum() == 301  # with the demo's seed article
        assert not dialog.close_button.isEnabled() and not dialog.settings_box.isEnabled()
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        pressed.set()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
        assert dialog.message.text() == "Export cancelled, nothing written."
        assert list(out_dir.iterdir()) == []  # no output, no temporary file
        assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.rglob("*"))
        assert window.status.message.text() == ""
        assert dialog.export_button.isEnabled() and dialog.close_button.isEnabled()
    finally:
        pressed.set()
        window.close()
        window.session.project.close()
