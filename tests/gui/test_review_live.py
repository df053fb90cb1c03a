"""The review window stays live, and a reviewer's action updates only what it changed
(docs/team.md, "Live windows").

A second ``Project`` on the same file or database (its own engine and connections) plays the
other process: a coder changing their spans, another reviewer deciding, an import, a codebook
version. The reviewer works by keys; waits are on conditions, never on time. Every test runs on
SQLite and, when ANNOTATOR_TEST_PG_URL is set, on PostgreSQL (the ``project`` fixture).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.codebook import codebook_from_dict
from annotator.core.records import GOLD
from annotator.gui.review import ReviewWindow
from annotator.store import adjudication, queries, review_state, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import install_codebook

from helpers.review import Work, build_review, code_two_coders, current, press, shown_progress

Mod = Qt.KeyboardModifier
WAIT_MS = 20_000  # generous: a loaded machine may be slow; the window must get there


@dataclass
class Live:
    window: ReviewWindow
    work: Work
    other: Project  # the other process


@pytest.fixture
def live(qtbot: QtBot, project: Project) -> Iterator[Live]:
    work = code_two_coders(project)
    window = build_review(qtbot, project)
    other = Project.open(project.url)
    yield Live(window, work, other)
    other.close()
    window.live.stop()
    window.close()


def held(window: ReviewWindow) -> dict[str, Any]:
    """What the reviewer holds and a refresh must not move."""
    s = window.session
    return {
        "document": s.document_id,
        "row": current(window),
        "undo": s.undo.stack(s.document_id or -1).count(),
        "gold selection": window.gold.view.selection_cp(),
        "scroll": {n: layer.view.verticalScrollBar().value() for n, layer in window.layers.items()},
        "list scroll": window.list.table.verticalScrollBar().value(),
    }


def to_number_row(qtbot: QtBot, window: ReviewWindow) -> None:
    """Decide the boundary row by key (an undo step), land on the number row, select words
    in gold and scroll the layers somewhere: what the reviewer holds."""
    press(qtbot, window, "N")
    press(qtbot, window, "N")
    assert current(window) == ("boundary", "15 civilians")
    press(qtbot, window, "2")  # bob's "15" into gold, on to the next open row
    assert current(window) == ("number", "more than 600")
    window.gold.view.select_cp(0, 6)
    bar = window.gold.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)


def test_a_coders_spans_added_changed_and_deleted_show_and_nothing_moves(
    qtbot: QtBot, live: Live
) -> None:
    window, work, other = live.window, live.work, live.other
    to_number_row(qtbot, window)
    before = held(window)
    alice, bob = window.layers["alice"].view, window.layers["bob"].view

    def kinds() -> list[str]:
        return [r.difference.kind for r in window.list.rows()]

    assert kinds() == ["label", "missing_span", "boundary", "number"]

    # added: bob marks "Latmin", which nobody had -> bob's layer shows it, a new open row
    change = services.create_annotation(other, "bob", work.doc, "LOCATION", *work.at("Latmin"))
    latmin = change.created_id
    qtbot.waitUntil(lambda: bob.annotation(latmin) is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(window.list.rows()) == 5, timeout=WAIT_MS)
    assert alice.annotation(latmin) is None
    assert window.list.count.text() == "4 open of 5"
    assert held(window) == before

    # changed: bob's "Idlib" ACTOR becomes LOCATION -> they agree, the label row goes
    idlib = work.ids[("bob", "idlib")]
    services.update_annotation(other, "bob", idlib, label="LOCATION")
    qtbot.waitUntil(lambda: "label" not in kinds(), timeout=WAIT_MS)
    shown = bob.annotation(idlib)
    assert shown is not None and shown.label == "LOCATION"
    assert "6 spans" in window.layers["bob"].header.text()
    assert held(window) == before

    # deleted: alice's "Sunday" goes -> alice's layer loses it, the missing-span row goes
    sunday = work.ids[("alice", "sunday")]
    services.delete_annotation(other, "alice", sunday)
    qtbot.waitUntil(lambda: alice.annotation(sunday) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kinds() == ["boundary", "number", "missing_span"], timeout=WAIT_MS)
    assert window.list.count.text() == "2 open of 3"
    assert held(window) == before
    assert window.session.undo.stack(work.doc).canUndo()


def test_a_coder_redrawing_the_current_units_span_keeps_it_current(
    qtbot: QtBot, live: Live
) -> None:
    window, work, other = live.window, live.work, live.other
    to_number_row(qtbot, window)
    before = held(window)
    key = window.list.current().unit.key  # type: ignore[union-attr]
    # bob draws his "more than 600" again (a new span, so a new unit), now with 7000
    services.delete_annotation(other, "bob", work.ids[("bob", "600")])
    attrs = {"kind": "killed", "best": 7000, "count_scope": "cumulative"}
    start, end = work.at("more than 600")
    services.create_annotation(other, "bob", work.doc, "CASUALTY", start, end, attrs)

    def redrawn() -> bool:
        row = window.list.current()
        return row is not None and row.unit.key != key

    qtbot.waitUntil(redrawn, timeout=WAIT_MS)
    assert held(window) == before  # the same row: the number of "more than 600"
    row = window.list.current()
    assert row is not None and row.difference.said["bob"] == "7000"


def test_another_reviewers_decisions_and_gold_edits_show(qtbot: QtBot, live: Live) -> None:
    window, work, other = live.window, live.work, live.other
    to_number_row(qtbot, window)
    before = held(window)
    sunday = next(r for r in window.list.rows() if r.difference.kind == "missing_span")
    adjudication.reject(other, "dave", work.doc, sunday.unit.key, "not an event date")

    def rejected() -> bool:
        row = next(r for r in window.list.rows() if r.difference.kind == "missing_span")
        return row.resolution is not None and row.resolution.how == "rejected"

    qtbot.waitUntil(rejected, timeout=WAIT_MS)
    assert shown_progress(window) == (2, 6)
    assert window.list.count.text() == "2 open of 4"
    assert held(window) == before

    # dave edits the gold span carol accepted: the gold layer shows his value
    [fifteen] = work.gold()
    services.update_annotation(other, GOLD, fifteen.id, attributes={"best": 16}, actor="dave")

    def sixteen() -> bool:
        shown = window.gold.view.annotation(fifteen.id)
        return shown is not None and shown.attributes["best"] == 16

    qtbot.waitUntil(sixteen, timeout=WAIT_MS)
    assert held(window) == before


def test_gold_marked_done_and_reopened_elsewhere_shows(qtbot: QtBot, live: Live) -> None:
    window, work, other = live.window, live.work, live.other
    before = held(window)
    services.set_status(other, GOLD, work.doc, "done", actor="dave")
    qtbot.waitUntil(lambda: window.gold_state.text() == "gold: done", timeout=WAIT_MS)
    assert window.session.documents[work.doc].gold_status == "done"
    assert "done" in window.layers[GOLD].header.text()
    services.set_status(other, GOLD, work.doc, "in_progress", actor="dave")
    qtbot.waitUntil(lambda: window.gold_state.text() == "gold: in progress", timeout=WAIT_MS)
    assert held(window) == before


def test_a_document_ready_elsewhere_and_a_new_codebook_version_show(
    qtbot: QtBot, live: Live, tmp_path: Path
) -> None:
    window, other = live.window, live.other
    before = held(window)
    notices: list[str] = []
    window.session.notice.connect(lambda text, _error: notices.append(text))

    article = tmp_path / "002_homs.txt"
    article.write_text("Shelling in Homs\n\nThree people were killed in Homs.\n", encoding="utf-8")
    import_paths(other, [article])
    doc = queries.document_ids(other)[-1]
    for coder in ("alice", "bob"):
        services.create_annotation(other, coder, doc, "LOCATION", 12, 16)
    qtbot.waitUntil(lambda: window.documents.topLevelItemCount() == 2, timeout=WAIT_MS)
    assert doc in window.session.documents
    assert "1 new document to review." in notices
    assert held(window) == before

    chosen = window.label_choice.currentText()
    old = other.codebook
    data = copy.deepcopy(dict(old.raw))
    weapon = copy.deepcopy(next(lab for lab in data["labels"] if lab["name"] == "SOURCE"))
    weapon.update(name="WEAPON", key="w", color="#444444", attributes=[], examples=[])
    data["labels"].append(weapon)
    data["version"] = old.version + 1
    install_codebook(other, codebook_from_dict(data))
    qtbot.waitUntil(lambda: window.label_choice.findText("WEAPON") >= 0, timeout=WAIT_MS)
    assert f"Codebook is now {old.name} v{old.version + 1}." in notices
    assert window.label_choice.currentText() == chosen  # the reviewer's choice stays
    assert held(window) == before


def test_an_undo_whose_gold_span_changed_elsewhere_is_refused_with_a_message(
    qtbot: QtBot, live: Live
) -> None:
    window, work, other = live.window, live.work, live.other
    to_number_row(qtbot, window)
    [fifteen] = work.gold()
    services.update_annotation(other, GOLD, fifteen.id, attributes={"best": 16}, actor="dave")

    def sixteen() -> bool:
        shown = window.gold.view.annotation(fifteen.id)
        return shown is not None and shown.attributes["best"] == 16

    qtbot.waitUntil(sixteen, timeout=WAIT_MS)
    window.list.table.setFocus()
    press(qtbot, window, "Z", Mod.ControlModifier)
    message = window.status.message.text()
    assert message.startswith("Undo accept bob's version: not done")
    assert "\n" not in message and window.status.message.property("error")
    assert [(g.id, g.attributes["best"]) for g in work.gold()] == [(fifteen.id, 16)]
    assert window.gold.view.annotation(fifteen.id) is not None
    assert not window.session.undo.stack(work.doc).canUndo()  # the refused step is gone


def test_a_reviewers_action_updates_only_what_it_changed(
    qtbot: QtBot, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accepting, rejecting and undoing re-align nothing and rebuild no list: the decided
    row is repainted, the gold spans touched are drawn."""
    window, work = live.window, live.work
    window.live.stop()  # this test counts the reads of the actions alone
    aligned: list[int] = []
    real = review_state.align_units

    def counting(*args: Any, **kwargs: Any) -> Any:
        aligned.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(review_state, "align_units", counting)
    resets: list[int] = []
    repainted: list[int] = []
    model = window.list.model
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda top, _bottom, _roles: repainted.append(top.row()))

    press(qtbot, window, "N")
    press(qtbot, window, "N")
    assert current(window) == ("boundary", "15 civilians")
    press(qtbot, window, "2")
    [fifteen] = work.gold()
    assert window.gold.view.annotation(fifteen.id) is not None
    assert repainted == [2]
    assert model.rows[2].resolution is not None
    assert model.data(model.index(2, 6)) == "bob's"
    press(qtbot, window, "R")  # the number row: no span in gold
    assert repainted == [2, 3]
    assert model.data(model.index(3, 6)) == "no span"
    assert shown_progress(window) == (2, 6)
    assert aligned == [] and resets == []
    kept, read = window.session.review, review_state.load_review(work.project, work.doc)
    assert kept is not None  # what the window keeps is what a full read finds
    assert (kept.annotations, kept.links, kept.resolutions, kept.gold_status) == (
        read.annotations,
        read.links,
        read.resolutions,
        read.gold_status,
    )
    assert kept.units == read.units
    aligned.clear()  # that read re-aligned; the actions below must not

    press(qtbot, window, "Z", Mod.ControlModifier)
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert work.gold() == [] and window.gold.view.annotation(fifteen.id) is None
    assert shown_progress(window) == (0, 6)
    assert all(r.resolution is None for r in model.rows)
    assert aligned == [] and resets == []


def test_a_reviewer_removed_elsewhere_is_told_and_refused(qtbot: QtBot, live: Live) -> None:
    window, work, other = live.window, live.work, live.other
    before = held(window)
    services.set_reviewers(other, ["dave"])
    message = window.status.message
    qtbot.waitUntil(lambda: "removed from the reviewers" in message.text(), timeout=WAIT_MS)
    assert message.text() == "carol was removed from the reviewers (dave)."
    assert message.property("error")
    assert held(window) == before
    press(qtbot, window, "1")  # accept alice's version: the store refuses it
    assert work.gold() == [] and "carol" in message.text() and message.property("error")
    assert not window.session.undo.stack(work.doc).canUndo()
