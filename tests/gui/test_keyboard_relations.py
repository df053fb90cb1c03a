"""Relations and role links from the keyboard: Shift+R on the selected span, the next span
selected (Tab or a click) is the target, a small menu takes a digit or a first letter; Esc
cancels; the status bar says what the next key or selection does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from annotator.core.records import Link
from annotator.gui.main_window import MainWindow
from annotator.gui.shortcuts_dialog import ShortcutsDialog
from annotator.store import queries

from helpers.window import click_span, code, open_seed, press

ANCHOR = "The most recent assistance"
Mod = Qt.KeyboardModifier


def db_links(window: MainWindow) -> set[tuple[int, str, int]]:
    s = window.session
    found: list[Link] = queries.links(s.project, s.document.id, [s.coder])  # type: ignore[union-attr]
    return {(k.from_id, k.role, k.to_id) for k in found}


def relation_key(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_R, Mod.ShiftModifier)


def link_menu(qtbot: QtBot) -> QMenu:
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu) and menu.objectName() == "linkMenu"
    return menu


def entries(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_relation_by_key_tab_to_the_target_and_a_digit(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    assert window.session.current_id == two.id
    relation_key(qtbot, window)
    assert window.status.mode.full_text() == (
        "Relation from CASUALTY 'two': select the target span, Esc cancels"
    )
    assert window.status.mode.isVisible()
    # the caret is in "two", the source: Tab passes it by, to the next span (wrapping round)
    press(qtbot, window, Qt.Key.Key_Tab)
    menu = link_menu(qtbot)
    assert entries(menu) == ["1  subset_of", "2  alternative_to", "3  updates"]
    assert window.session.link_mode is None
    assert not window.status.mode.isVisible()
    qtbot.keyClick(menu, Qt.Key.Key_1)
    assert db_links(window) == {(two.id, "subset_of", fifteen.id)}
    assert not menu.isVisible()
    # one undo step
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert db_links(window) == set()


def test_relation_by_first_letter_with_a_mouse_click(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    relation_key(qtbot, window)
    click_span(qtbot, window, fifteen)
    menu = link_menu(qtbot)
    qtbot.keyClick(menu, Qt.Key.Key_U)
    assert db_links(window) == {(two.id, "updates", fifteen.id)}
    assert window.session.current_id == two.id  # the selection stays on the source


def test_escape_cancels_a_waiting_relation(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    code(qtbot, window, "two", "c", after=ANCHOR)
    relation_key(qtbot, window)
    assert window.session.link_mode is not None
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.session.link_mode is None
    assert not window.status.mode.isVisible()
    assert window.status.message.text() == "Relation cancelled: nothing linked."
    click_span(qtbot, window, fifteen)  # an ordinary selection again
    assert QApplication.activePopupWidget() is None
    assert window.session.current_id == fifteen.id
    assert db_links(window) == set()


def test_escape_in_the_menu_links_nothing(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "15", "c", after="killed 15")
    code(qtbot, window, "two", "c", after=ANCHOR)
    relation_key(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Tab)
    menu = link_menu(qtbot)
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert not menu.isVisible()
    assert db_links(window) == set()


def test_an_event_links_a_role_filler_of_another_event(qtbot: QtBot, window: MainWindow) -> None:
    """From the event: the next span is its role filler, even one that fills a role of
    another event (a click on it alone would not change the frame to link it)."""
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    first = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, actor)
    press(qtbot, window, "1")
    second = code(qtbot, window, "attacks", "e", after="continuing its aerial")
    assert window.session.current_id == second.id
    relation_key(qtbot, window)
    assert window.status.mode.full_text() == (
        "Relation from EVENT 'attacks': select the target span, Esc cancels"
    )
    click_span(qtbot, window, actor)
    menu = link_menu(qtbot)
    assert entries(menu) == [
        "1  actor1 (role)",
        "2  actor2 (role)",
        "3  assoc_actor1 (role)",
        "4  assoc_actor2 (role)",
    ]
    # "a" is the first letter of all four: each press steps on, Enter takes it
    qtbot.keyClick(menu, Qt.Key.Key_A)
    qtbot.keyClick(menu, Qt.Key.Key_A)
    assert menu.picked is not None and menu.picked.text() == "2  actor2 (role)"
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert db_links(window) == {(first.id, "actor1", actor.id), (second.id, "actor2", actor.id)}
    # the letters went to the menu, not to the label keys ("a" codes ACTOR in the article)
    labels = {
        a.id: a.label
        for a in queries.annotations(
            window.session.project, second.document_id, [window.session.coder]
        )
    }
    assert labels == {actor.id: "ACTOR", first.id: "EVENT", second.id: "EVENT"}


def test_the_stores_rules_refuse_with_one_line(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    first = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    second = code(qtbot, window, "Russia", "a", after=ANCHOR)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, first)
    press(qtbot, window, "1")
    click_span(qtbot, window, event)
    relation_key(qtbot, window)
    click_span(qtbot, window, second)
    qtbot.keyClick(link_menu(qtbot), Qt.Key.Key_1)  # actor1 again: at most one
    assert db_links(window) == {(event.id, "actor1", first.id)}
    message = window.status.message.text()
    assert "actor1" in message and "\n" not in message
    assert window.status.message.property("error") is True


def test_no_relation_between_the_labels_is_said_and_nothing_opens(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    code(qtbot, window, "15", "c", after="killed 15")
    relation_key(qtbot, window)
    click_span(qtbot, window, actor)
    assert QApplication.activePopupWidget() is None
    assert window.status.message.text() == (
        "No relation or role links CASUALTY and ACTOR: nothing linked."
    )
    assert window.status.message.property("error") is True
    assert db_links(window) == set()


def test_a_span_links_itself_into_a_role_of_the_event_selected_next(
    qtbot: QtBot, window: MainWindow
) -> None:
    """From the filler: the key on the place, then the event (Shift+Tab: the span before,
    passing the place itself by), and the role it takes there."""
    open_seed(window)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    place = code(qtbot, window, "Idlib", "l", after="The attack was")
    relation_key(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Tab, Mod.ShiftModifier)
    menu = link_menu(qtbot)
    assert entries(menu) == ["1  place of EVENT (role)"]
    qtbot.keyClick(menu, Qt.Key.Key_P)
    assert db_links(window) == {(event.id, "place", place.id)}


def test_the_status_bar_names_the_role_keys_of_the_selected_event(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    assert not window.status.mode.isVisible()
    code(qtbot, window, "attack", "e", after=ANCHOR)
    assert window.status.mode.full_text() == (
        "EVENT 'attack': select a span and press 1 actor1, 2 actor2, 3 assoc_actor1, "
        "4 casualties, 5 place, 6 time, 7 source, 8 assoc_actor2 to link it; "
        "Shift+R starts a relation from the selected span"
    )
    assert window.status.mode.isVisible()
    assert window.width() == 1400  # a long text is cut short ("…"), the window keeps its size


def test_the_new_keys_are_in_the_shortcut_list_and_clash_with_no_label_key(
    window: MainWindow,
) -> None:
    reg = window.actions_
    assert [k.toString() for k in reg.defaults("code.relation")] == ["Shift+R"]
    assert [k.toString() for k in reg.defaults("code.copy_previous")] == ["Ctrl+D"]
    label_keys = {lab.key for lab in window.session.codebook.labels}
    for spec in reg.specs():
        if spec.id.startswith("label."):
            continue
        for seq in reg.defaults(spec.id):
            assert seq.toString().lower() not in label_keys, spec.id


def test_the_shortcut_editor_shows_the_new_keys_and_the_status_bar_follows_a_change(
    qtbot: QtBot, window: MainWindow
) -> None:
    native = QKeySequence.SequenceFormat.NativeText
    open_seed(window)
    code(qtbot, window, "15", "c", after="killed 15")
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    assert window.status.mode.full_text().endswith(
        "; Shift+R starts a relation from the selected span"
    )
    window.actions_.trigger("help.keys")
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.items["code.relation"].text(1) == QKeySequence("Shift+R").toString(native)
    assert dialog.items["code.copy_previous"].text(1) == QKeySequence("Ctrl+D").toString(native)
    dialog.select("code.relation")
    dialog.editor.setFocus()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_L, Mod.ShiftModifier)
    qtbot.mouseClick(dialog.findChild(QPushButton, "assignShortcut"), Qt.MouseButton.LeftButton)
    dialog.accept()
    with qtbot.waitActive(window):
        window.activateWindow()
    # the status bar names the new key at once, and the key works
    assert window.status.mode.full_text().endswith(
        "; Shift+L starts a relation from the selected span"
    )
    click_span(qtbot, window, two)
    press(qtbot, window, Qt.Key.Key_L, Mod.ShiftModifier)
    assert window.session.link_mode == ("", two.id)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.session.active_event_id == event.id
