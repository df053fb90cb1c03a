"""Event frames and relations: role keys, the context menu, link mode, the event panel."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from annotator.core.records import Link
from annotator.gui.main_window import MainWindow
from annotator.store import queries

from helpers.window import click_cp, click_span, code, cp_point, open_seed, press

ANCHOR = "The most recent assistance"


def db_links(window: MainWindow) -> list[Link]:
    s = window.session
    return queries.links(s.project, s.document.id, [s.coder])  # type: ignore[union-attr]


def roles(window: MainWindow) -> set[tuple[int, str, int]]:
    return {(k.from_id, k.role, k.to_id) for k in db_links(window)}


def test_role_keys_link_spans_to_the_selected_event(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    place = code(qtbot, window, "Idlib", "l", after="The attack was")
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    # the new EVENT is selected: it is the frame; click a span, press its role's number
    assert window.session.active_event_id == event.id
    click_span(qtbot, window, actor)
    assert window.session.current_id == actor.id
    assert window.session.active_event_id == event.id  # the frame stays
    press(qtbot, window, "1")
    assert roles(window) == {(event.id, "actor1", actor.id)}
    click_span(qtbot, window, place)
    press(qtbot, window, "5")
    assert roles(window) == {(event.id, "actor1", actor.id), (event.id, "place", place.id)}
    # the event panel lists the fillers under their roles
    tree = window.event_panel.tree
    texts = [
        tree.topLevelItem(i).child(j).text(0).strip()
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]
    assert "Syrian regime" in texts and "Idlib" in texts


def test_role_maximum_is_refused_with_a_message(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    first = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    second = code(qtbot, window, "Russia", "a", after=ANCHOR)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, first)
    press(qtbot, window, "1")
    click_span(qtbot, window, second)
    press(qtbot, window, "1")
    assert roles(window) == {(event.id, "actor1", first.id)}
    assert "at most 1" in window.status.message.text()
    assert window.status.message.property("error") is True
    # nothing refused went on the undo stack
    assert window.session.undo_group.undoText() == "link actor1"


def test_wrong_target_label_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    date = code(qtbot, window, "Sunday", "d", after=ANCHOR)
    click_span(qtbot, window, event)
    click_span(qtbot, window, date)
    press(qtbot, window, "1")  # actor1 takes an ACTOR, not a DATE
    assert roles(window) == set()
    assert "ACTOR" in window.status.message.text()
    press(qtbot, window, "6")  # time takes a DATE
    assert roles(window) == {(event.id, "time", date.id)}


def test_unlink_from_the_event_panel_and_undo(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    window.coding.link(event.id, "actor1", actor.id)
    (link,) = db_links(window)
    window.session.select(event.id)
    button = window.event_panel.findChild(QToolButton, f"unlink.{link.id}")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert db_links(window) == []
    window.actions_.trigger("edit.undo")
    assert [k.id for k in db_links(window)] == [link.id]  # the same row


def trigger_in_popup(text_part: str) -> None:
    """Pick the entry of the open context menu (or one of its submenus) containing text_part."""
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QMenu)
    for act in popup.actions():
        if text_part in act.text():
            popup.close()
            act.trigger()
            return
        sub = act.menu()
        if isinstance(sub, QMenu):
            for inner in sub.actions():
                if text_part in inner.text():
                    popup.close()
                    inner.trigger()
                    return
    popup.close()
    raise AssertionError(f"no menu entry with {text_part!r}")


def right_click(qtbot: QtBot, window: MainWindow, cp: int, entry: str) -> None:
    errors: list[BaseException] = []

    def pick() -> None:
        try:
            trigger_in_popup(entry)
        except BaseException as exc:  # surfaced below, not lost in the event loop
            errors.append(exc)

    was_active = window.isActiveWindow()
    QTimer.singleShot(50, pick)
    point = cp_point(window, cp)
    viewport = window.view.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)  # a right-click, as the platform delivers it
    if errors:
        raise errors[0]
    # The window's shortcuts (Esc among them) work again once the menu is gone and the window
    # is active again, which the platform tells on a later turn of the event loop.
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    if was_active:
        qtbot.waitUntil(window.isActiveWindow)


def test_context_menu_links_a_role(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    assert window.session.active_event_id == event.id
    right_click(qtbot, window, fifteen.start, "Link as casualties")
    assert roles(window) == {(event.id, "casualties", fifteen.id)}


def test_relation_link_mode_click_the_target(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    right_click(qtbot, window, two.start, "subset_of")
    assert window.session.link_mode == ("subset_of", two.id)
    assert window.status.mode.full_text() == (
        "subset_of from CASUALTY 'two': select the target span, Esc cancels"
    )
    click_span(qtbot, window, fifteen)
    assert roles(window) == {(two.id, "subset_of", fifteen.id)}
    assert window.session.link_mode is None
    # Esc cancels a link mode without linking anything
    right_click(qtbot, window, two.start, "alternative_to")
    assert window.session.link_mode is not None
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.session.link_mode is None
    click_span(qtbot, window, fifteen)
    assert roles(window) == {(two.id, "subset_of", fifteen.id)}


def test_event_panel_previews_fatalities(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    for ann in (fifteen, two):
        window.coding.edit_attributes(ann.id, {"kind": "killed", "count_scope": "event"})
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    window.coding.link(event.id, "casualties", fifteen.id)
    window.coding.link(event.id, "casualties", two.id)
    window.coding.link(two.id, "subset_of", fifteen.id)
    window.session.select(event.id)
    assert "fatalities <b>15</b>" in window.event_panel.tally.text()


def test_clicking_outside_spans_keeps_the_frame(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_cp(qtbot, window, 2)  # on the title, no span there
    assert window.session.current_id is None
    assert window.session.active_event_id == event.id


def test_a_filler_of_another_event_is_linked_to_the_selected_one(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A span may fill roles of several events: selecting it keeps the frame where it is."""
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    first = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, actor)
    press(qtbot, window, "1")
    second = code(qtbot, window, "attacks", "e", after="continuing its aerial")
    assert window.session.active_event_id == second.id
    click_span(qtbot, window, actor)  # it fills actor1 of the first event
    assert window.session.active_event_id == second.id
    press(qtbot, window, "1")
    assert roles(window) == {(first.id, "actor1", actor.id), (second.id, "actor1", actor.id)}
    # on reopening the document no event is selected: a filler's click shows its frame
    qtbot.keyClick(window, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert window.session.active_event_id is None
    click_span(qtbot, window, actor)
    assert window.session.active_event_id in {first.id, second.id}


def test_a_casualty_scope_is_prefilled_from_its_link_and_its_clause(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    assert "count_scope" not in fifteen.attributes  # nothing said yet: not guessed
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, fifteen)
    press(qtbot, window, "4")  # casualties
    assert roles(window) == {(event.id, "casualties", fifteen.id)}
    stored = queries.annotation(window.session.project, fifteen.id)
    assert stored is not None and stored.attributes["count_scope"] == "event"
    # "Since the Syrian regime military launched its offensive ..., more than 600 people have
    # been killed": a running total, whatever it is linked to
    total = code(qtbot, window, "more than 600", "c", after="late April")
    assert total.attributes["count_scope"] == "cumulative"
    assert (total.attributes["qualifier"], total.attributes["best"]) == ("more_than", 600)
