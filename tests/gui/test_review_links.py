"""Gold links by hand in review mode: the reviewer fixes an event frame in gold with the role
keys, the event panel's remove buttons and relations from the context menu; every step is
checked in the database (gold's live links) and is undoable."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from annotator.core.records import GOLD
from annotator.gui.document_view import DocumentView
from annotator.gui.review import ReviewWindow
from annotator.store import queries
from annotator.store.tables import AuditEntry

from helpers import review
from helpers.review import Work, press

Mod = Qt.KeyboardModifier


work = review.work  # fixtures: two coders' work on the seed, the review window on it
window = review.window


def click_at(qtbot: QtBot, view: DocumentView, cp: int) -> None:
    """A left click on the character at code point ``cp`` (inside a span)."""
    view.scroll_to_cp(cp)
    QApplication.processEvents()
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(cp + 1))
    with qtbot.waitSignal(view.spanClicked):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center()
        )
    QApplication.processEvents()


def gold_links(work: Work) -> set[tuple[str, str, str]]:
    """(from words, role, to words) of gold's live links, read from the database."""
    gold = {g.id: work.text[g.start : g.end] for g in work.gold()}
    return {
        (gold[k.from_id], k.role, gold[k.to_id])
        for k in queries.links(work.project, work.doc, [GOLD])
    }


def gold_id(work: Work, words: str) -> int:
    return next(g.id for g in work.gold() if work.text[g.start : g.end] == words)


def test_linking_a_gold_casualty_to_the_gold_event_by_key(
    qtbot: QtBot, window: ReviewWindow, work: Work
) -> None:
    p = work.project
    # accept bob's "15", the agreed event and actor (their links come along), alice's 600
    window.list.select_row(2)
    press(qtbot, window, "2")
    press(qtbot, window, "A")
    window.list.select_row(3)
    press(qtbot, window, "1")
    frame = {("attack", "actor1", "Syrian regime"), ("attack", "casualties", "15")}
    assert gold_links(work) == frame
    assert {work.text[g.start : g.end] for g in work.gold()} == {
        "15",
        "attack",
        "Syrian regime",
        "more than 600",
    }

    # click the gold event: it becomes the active event, its roles show in the panel
    gold_view = window.gold.view
    event = gold_id(work, "attack")
    click_at(qtbot, gold_view, work.at("attack", "regime attack killed")[0])
    assert window.linking.event_id == event
    shown = window.event_frame.rows
    assert [(r.key, r.role, r.filler) for r in shown[:4]] == [
        ("1", "actor1", "Syrian regime"),
        ("2", "actor2", ""),
        ("3", "assoc_actor1", ""),
        ("4", "casualties", "15"),
    ]
    # the digits now link roles (the gold view has the focus), not accept versions
    assert not window.actions_.qaction("review.accept.1").isEnabled()
    assert window.actions_.qaction("review.link.role4").isEnabled()

    # click "more than 600" in gold, press 4: it fills the event's casualties
    click_at(qtbot, gold_view, work.at("more than 600")[0])
    assert window.gold_current == gold_id(work, "more than 600")
    assert window.linking.event_id == event  # still the active event
    press(qtbot, window, "4")
    frame |= {("attack", "casualties", "more than 600")}
    assert gold_links(work) == frame
    assert "linked “more than 600” as casualties" in window.status.message.text()
    added = next(
        k.id
        for k in queries.links(p, work.doc, [GOLD])
        if k.to_id == gold_id(work, "more than 600")
    )

    # refusals are one status line and write nothing: a CASUALTY is not an actor
    press(qtbot, window, "1")
    assert gold_links(work) == frame
    assert "role 'actor1' of EVENT takes ACTOR, not CASUALTY" in window.status.message.text()
    assert window.status.message.text().count("\n") == 0

    # remove the actor1 link with the panel's button
    actor1 = next(k.id for k in queries.links(p, work.doc, [GOLD]) if k.role == "actor1")
    button = window.event_frame.remove_button(actor1)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    frame -= {("attack", "actor1", "Syrian regime")}
    assert gold_links(work) == frame
    assert ("1", "actor1", "") in [(r.key, r.role, r.filler) for r in window.event_frame.rows]

    # undo the removal, undo the link; redo both: the same rows each time
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert gold_links(work) == frame | {("attack", "actor1", "Syrian regime")}
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert gold_links(work) == {
        ("attack", "actor1", "Syrian regime"),
        ("attack", "casualties", "15"),
    }
    press(qtbot, window, "Z", Mod.ControlModifier | Mod.ShiftModifier)
    assert gold_links(work) == frame | {("attack", "actor1", "Syrian regime")}
    assert added in {k.id for k in queries.links(p, work.doc, [GOLD])}  # the same row back
    press(qtbot, window, "Z", Mod.ControlModifier | Mod.ShiftModifier)
    assert gold_links(work) == frame
    assert actor1 not in {k.id for k in queries.links(p, work.doc, [GOLD])}

    # every gold link edit is the reviewer's in the audit trail
    with p.read() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.entity == "link")).all()
    hand = [(e.coder, e.action) for e in entries if e.detail.get("layer") == GOLD]
    assert hand == [
        ("carol", "create_link"),
        ("carol", "delete_link"),
        ("carol", "restore_link"),
        ("carol", "delete_link"),
        ("carol", "restore_link"),
        ("carol", "delete_link"),
    ]
    # the coders' own links were never touched
    assert len(queries.links(p, work.doc, ["alice"])) == 2
    assert len(queries.links(p, work.doc, ["bob"])) == 2


def test_a_relation_between_gold_spans_from_the_context_menu(
    qtbot: QtBot, window: ReviewWindow, work: Work
) -> None:
    window.list.select_row(2)
    press(qtbot, window, "2")  # bob's "15"
    window.list.select_row(3)
    press(qtbot, window, "1")  # alice's "more than 600"
    fifteen, six_hundred = gold_id(work, "15"), gold_id(work, "more than 600")
    gold_view = window.gold.view

    menu = window.linking.menu([fifteen], QPoint(0, 0))
    assert menu is not None
    titles = [a.text() for a in menu.actions()]
    relation = next(a for a in menu.actions() if a.text() == "Relation").menu()
    assert relation is not None
    assert [a.text() for a in relation.actions()] == [
        "subset_of → …",
        "alternative_to → …",
        "updates → …",
        "reported_by → …",
    ]
    assert "Delete gold span" in titles

    # Esc cancels a relation being drawn: the next click only selects
    next(a for a in relation.actions() if a.text() == "subset_of → …").trigger()
    assert window.linking.link_mode == ("subset_of", fifteen)
    assert "click the target gold span (Esc cancels)" in window.status.message.text()
    gold_view.setFocus()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.linking.link_mode is None
    click_at(qtbot, gold_view, work.at("more than 600")[0])
    assert gold_links(work) == set()
    assert window.gold_current == six_hundred

    # subset_of, then a click on the target: the link is in gold
    window.linking.start("subset_of", fifteen)
    click_at(qtbot, gold_view, work.at("more than 600")[0])
    assert gold_links(work) == {("15", "subset_of", "more than 600")}
    # the panel lists the current span's relation, with a remove button
    window.select_gold(fifteen)
    [row] = window.event_frame.rows
    assert (row.role, row.filler) == ("“15” subset_of", "more than 600")
    assert row.link_id is not None
    button = window.event_frame.remove_button(row.link_id)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert gold_links(work) == set()
    press(qtbot, window, "Z", Mod.ControlModifier)
    assert gold_links(work) == {("15", "subset_of", "more than 600")}

    # a relation the codebook does not allow: refused in one line, nothing written
    window.linking.start("reported_by", six_hundred)
    click_at(qtbot, gold_view, work.at("15", "attack killed")[0])
    assert gold_links(work) == {("15", "subset_of", "more than 600")}
    assert "relation 'reported_by' goes to SOURCE, not CASUALTY" in window.status.message.text()
    assert window.linking.link_mode is None
