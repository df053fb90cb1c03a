"""Review mode driven by keys: two coders' disagreements adjudicated into gold, and the gold rows
checked in the database after every step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.gui.review import ReviewWindow, open_review_window
from annotator.store import queries, services
from annotator.store.importer import import_paths
from annotator.store.services import ServiceError
from annotator.store.setup import create_project
from annotator.store.tables import AuditEntry

from helpers import review
from helpers.paths import SEED
from helpers.review import Work, build_review, current, press, shown_progress

Mod = Qt.KeyboardModifier
work = review.work  # fixtures: two coders' work on the seed, the review window on it
window = review.window


# ------------------------------------------------------------------------------------ tests


def test_the_window_shows_each_coder_and_the_disagreements(
    window: ReviewWindow, work: Work
) -> None:
    split = window.layer_split
    shown = [split.widget(i).objectName() for i in range(split.count())]
    assert shown == ["layer.alice", "layer.bob", "layer.gold"]
    alice, bob = window.layers["alice"].view, window.layers["bob"].view
    assert {a.id for a in queries.annotations(work.project, work.doc, ["alice"])} == {
        i for (c, _), i in work.ids.items() if c == "alice"
    }
    # each layer holds only its own coder's spans
    assert alice.annotation(work.ids[("alice", "sunday")]) is not None
    assert bob.annotation(work.ids[("alice", "sunday")]) is None
    assert window.gold.view.annotation(work.ids[("alice", "event")]) is None
    kinds = [(r.difference.kind, work.text[r.unit.start : r.unit.end]) for r in window.list.rows()]
    assert kinds == [
        ("label", "Idlib"),
        ("missing_span", "Sunday"),
        ("boundary", "15 civilians"),
        ("number", "more than 600"),
    ]
    assert current(window) == ("label", "Idlib")
    assert shown_progress(window) == (0, 6)
    assert window.status.coder.text() == "Reviewer: <b>carol</b>"
    assert window.dashboard.document.pairs.rowCount() == 1
    assert window.documents.topLevelItemCount() == 1


def test_adjudicating_a_document_by_keys(qtbot: QtBot, window: ReviewWindow, work: Work) -> None:
    p = work.project
    press(qtbot, window, "N")
    assert current(window) == ("missing_span", "Sunday")
    alice, bob = window.layers["alice"].view, window.layers["bob"].view
    assert alice.current() == work.ids[("alice", "sunday")] and bob.current() is None
    press(qtbot, window, Qt.Key.Key_F8)
    assert current(window) == ("boundary", "15 civilians")

    # a note, then 2: bob's "15" goes into gold with its provenance and the note in the audit
    window.note.setFocus()
    qtbot.keyClicks(window.note, "the number only")
    press(qtbot, window, Qt.Key.Key_Return)  # back to the list
    press(qtbot, window, "2")
    assert work.gold_rows() == {("CASUALTY", "15", work.uid("bob", "fifteen"))}
    [fifteen] = work.gold()
    assert fifteen.attributes == {"kind": "killed", "best": 15, "count_scope": "event"}
    with p.read() as s:
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None and entry.coder == "carol"
        assert entry.detail == {"note": "the number only", "source": fifteen.source_uid}
    assert window.note.text() == ""
    assert current(window) == ("number", "more than 600")  # on to the next open one
    assert shown_progress(window) == (1, 6)
    assert window.gold.view.annotation(fifteen.id) is not None

    # A: the agreed event and actor (alice's copies) with their roles
    press(qtbot, window, "A")
    rows = {
        ("CASUALTY", "15", work.uid("bob", "fifteen")),
        ("EVENT", "attack", work.uid("alice", "event")),
        ("ACTOR", "Syrian regime", work.uid("alice", "actor")),
    }
    assert work.gold_rows() == rows
    by_words = {work.text[g.start : g.end]: g.id for g in work.gold()}
    links = {(k.from_id, k.role, k.to_id) for k in queries.links(p, work.doc, [GOLD])}
    assert links == {
        (by_words["attack"], "actor1", by_words["Syrian regime"]),
        (by_words["attack"], "casualties", by_words["15"]),
    }
    assert shown_progress(window) == (3, 6)

    # P back to the missing span, R: no span in gold
    press(qtbot, window, "P")
    press(qtbot, window, "P")
    assert current(window) == ("missing_span", "Sunday")
    press(qtbot, window, "R")
    assert work.gold_rows() == rows
    assert shown_progress(window) == (4, 6)
    sunday = next(r for r in window.list.rows() if r.difference.kind == "missing_span")
    assert sunday.resolution is not None and sunday.resolution.how == "rejected"

    # undo the rejection and the agreed units, redo them: the same rows come back
    ids_before = {g.id for g in work.gold()}
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert shown_progress(window) == (3, 6)
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert work.gold_rows() == {("CASUALTY", "15", work.uid("bob", "fifteen"))}
    assert queries.links(p, work.doc, [GOLD]) == []
    assert shown_progress(window) == (1, 6)
    press(qtbot, window, "Z", Mod.ControlModifier | Mod.ShiftModifier)
    press(qtbot, window, "Z", Mod.ControlModifier | Mod.ShiftModifier)
    assert {g.id for g in work.gold()} == ids_before
    assert len(queries.links(p, work.doc, [GOLD])) == 2
    assert shown_progress(window) == (4, 6)

    # the label: alice's LOCATION; the number: bob's 6000
    window.list.select_row(0)
    press(qtbot, window, "1")
    window.list.select_row(3)
    press(qtbot, window, "2")
    final = rows | {
        ("LOCATION", "Idlib", work.uid("alice", "idlib")),
        ("CASUALTY", "more than 600", work.uid("bob", "600")),
    }
    assert work.gold_rows() == final
    six_thousand = next(g for g in work.gold() if g.source_uid == work.uid("bob", "600"))
    assert six_thousand.attributes["best"] == 6000
    assert shown_progress(window) == (6, 6)
    assert window.list.count.text() == "0 open of 4"
    item = window.documents.topLevelItem(0)
    assert item is not None and item.data(1, Qt.ItemDataRole.UserRole) == (6, 6)

    # gold done; the coders' own layers were never touched
    press(qtbot, window, "D", Mod.ControlModifier)
    assert queries.status(p, GOLD, work.doc) == "done"
    assert window.actions_.qaction("review.done").isChecked()
    assert len(queries.annotations(p, work.doc, ["alice"])) == 6
    assert len(queries.annotations(p, work.doc, ["bob"])) == 5


def test_a_coder_without_a_span_means_no_span_and_a_second_accept_replaces(
    qtbot: QtBot, window: ReviewWindow, work: Work
) -> None:
    window.list.select_row(1)
    assert current(window) == ("missing_span", "Sunday")
    press(qtbot, window, "2")  # bob marked nothing here
    assert work.gold() == []
    row = window.list.rows()[1]
    assert row.resolution is not None and row.resolution.how == "rejected"
    assert row.resolution.note == "bob marked nothing here"
    window.list.select_row(1)
    press(qtbot, window, "1")  # changed mind: alice's DATE after all
    assert work.gold_rows() == {("DATE", "Sunday", work.uid("alice", "sunday"))}
    window.list.select_row(2)
    press(qtbot, window, "1")
    press(qtbot, window, "P")
    press(qtbot, window, "2")  # replace alice's "15 civilians" by bob's "15"
    casualties = {r for r in work.gold_rows() if r[0] == "CASUALTY"}
    assert casualties == {("CASUALTY", "15", work.uid("bob", "fifteen"))}
    press(qtbot, window, "Z", Mod.ControlModifier)
    casualties = {r for r in work.gold_rows() if r[0] == "CASUALTY"}
    assert casualties == {("CASUALTY", "15 civilians", work.uid("alice", "fifteen"))}
    # accepting the same version twice changes nothing and says so
    window.list.select_row(2)
    press(qtbot, window, "1")
    assert "alice's version is in gold already" in window.status.message.text()
    assert len([r for r in work.gold_rows() if r[0] == "CASUALTY"]) == 1


def test_hand_edits_of_gold(qtbot: QtBot, window: ReviewWindow, work: Work) -> None:
    gold_view = window.gold.view
    start, end = work.at("more than 600")
    gold_view.select_cp(start, end)
    window.label_choice.setCurrentText("CASUALTY")
    gold_view.setFocus()
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    [drawn] = work.gold()
    assert (drawn.label, drawn.start, drawn.end, drawn.source_uid) == ("CASUALTY", start, end, "")
    number = next(r for r in window.list.rows() if r.difference.kind == "number")
    assert number.resolution is not None and number.resolution.how == "edited"
    assert window.gold_current == drawn.id
    # the attribute form edits the gold span
    window.form.attributesEdited.emit(drawn.id, {"kind": "killed", "best": 600})
    fresh = queries.annotation(work.project, drawn.id)
    assert fresh is not None and fresh.attributes == {"kind": "killed", "best": 600}
    # boundaries from a selection in a coder's layer, then delete, then undo
    window.layers["alice"].view.select_cp(start + len("more than "), end)
    press(qtbot, window, "B", Mod.ControlModifier)
    fresh = queries.annotation(work.project, drawn.id)
    assert fresh is not None and work.text[fresh.start : fresh.end] == "600"
    gold_view.setFocus()
    press(qtbot, window, Qt.Key.Key_Delete)
    assert work.gold() == []
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert [g.id for g in work.gold()] == [drawn.id]
    # every hand edit of gold is audited as the reviewer's
    with work.project.read() as s:
        entries = s.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == drawn.id, AuditEntry.entity == "annotation"
            )
        ).all()
    assert [(e.coder, e.action) for e in entries] == [
        ("carol", "create_annotation"),
        ("carol", "update_annotation"),
        ("carol", "update_annotation"),
        ("carol", "delete_annotation"),
        ("carol", "restore_annotation"),
    ]


def test_project_agreement_is_computed_on_demand(qtbot: QtBot, window: ReviewWindow) -> None:
    assert window.dashboard.project.pairs.rowCount() == 0
    qtbot.mouseClick(window.dashboard.compute, Qt.MouseButton.LeftButton)
    assert window.dashboard.project.pairs.rowCount() == 1
    assert window.dashboard.project.labels.rowCount() == 5
    assert "1 document" in window.dashboard.project.summary.text()


def test_gold_cannot_review_and_a_project_without_double_coding_says_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = create_project(tmp_path / "single.annot")
    import_paths(project, [SEED])
    with pytest.raises(ServiceError):
        open_review_window(project, GOLD)
    window = open_review_window(project, "carol")
    qtbot.addWidget(window)
    assert window.session.review is None
    assert "two coders" in window.status.message.text()
    window.close()
    project.close()


def test_a_note_typed_on_a_gold_span_is_kept_when_the_reviewer_moves_on(
    qtbot: QtBot, window: ReviewWindow, work: Work
) -> None:
    gold_view = window.gold.view
    start, end = work.at("more than 600")
    gold_view.select_cp(start, end)
    window.label_choice.setCurrentText("CASUALTY")
    gold_view.setFocus()
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    [drawn] = work.gold()
    note = window.form.note
    note.setFocus()
    qtbot.keyClicks(note, "cumulative since April")
    window.session.open_document(drawn.document_id)  # e.g. the chooser: the form is rebuilt
    fresh = queries.annotation(work.project, drawn.id)
    assert fresh is not None and fresh.note == "cumulative since April"


def test_gold_made_before_a_coder_changed_their_work_shows_stale(qtbot: QtBot, work: Work) -> None:
    p = work.project
    services.set_status(p, "alice", work.doc, "done")
    services.set_status(p, GOLD, work.doc, "done", actor="carol")
    # alice reopens her document and moves a boundary: the gold made before is stale
    services.set_status(p, "alice", work.doc, "in_progress")
    services.update_annotation(
        p,
        "alice",
        work.ids[("alice", "fifteen")],
        end=work.at("15", "Syrian regime attack killed")[1],
    )
    window = build_review(qtbot, p)
    try:
        assert window.gold_state.text() == "gold: stale"
        item = window.documents.topLevelItem(0)
        assert item is not None and item.toolTip(2).startswith("gold: stale")
        assert not window.actions_.qaction("review.done").isChecked()
    finally:
        window.close()


def test_a_click_on_a_coders_span_chooses_its_disagreement(
    qtbot: QtBot, window: ReviewWindow, work: Work
) -> None:
    from PySide6.QtGui import QTextCursor

    from annotator.gui.offsets import OffsetMap

    view = window.layers["alice"].view
    start, _ = work.at("Sunday", "regime came on")
    view.scroll_to_cp(start)
    QApplication.processEvents()
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(work.text).to_utf16(start + 2))
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert current(window) == ("missing_span", "Sunday")
