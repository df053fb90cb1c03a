"""Opening the real coding window and driving it with real key and mouse events.

``project_path`` and ``window`` are fixtures (tests/gui/conftest.py offers them to every GUI
test).

Every window gets its own project file and its own INI settings file, so no test touches the
user's settings or data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.records import Annotation
from annotator.gui.app import open_window
from annotator.gui.main_window import MainWindow
from annotator.gui.offsets import OffsetMap
from annotator.gui.settings import Preferences
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_demo

SECOND_ARTICLE = (
    "Clashes in Aleppo\n\nAt least 12 fighters were killed in clashes near Aleppo on Friday, "
    "a monitor said.\n"
)


def make_project(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """The demo project (the seed article) plus a second short article, on disk."""
    path = tmp_path / "coding.annot"
    project = create_demo(path)
    texts = {"001_aleppo.txt": SECOND_ARTICLE, **(extra or {})}
    files = []
    for name, text in texts.items():
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        files.append(f)
    import_paths(project, files)
    project.close()
    return path


def temp_prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def build_window(qtbot: QtBot, path: Path, prefs: Preferences, coder: str = "alice") -> MainWindow:
    window = open_window(Project.open(path), coder, prefs)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    with qtbot.waitActive(window):  # keys reach shortcuts only in the active window
        window.show()
        window.activateWindow()
    return window


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, project_path: Path) -> Iterator[MainWindow]:
    w = build_window(qtbot, project_path, temp_prefs(tmp_path))
    yield w
    w.close()
    w.session.project.close()


# ------------------------------------------------------------------------------ driving


def open_seed(window: MainWindow) -> None:
    s = window.session
    seed = next(d.id for d in s.summaries.values() if d.ext_id.startswith("000_"))
    if s.document is None or s.document.id != seed:
        s.open_document(seed)


def select_words(
    window: MainWindow, words: str, occurrence: int = 0, *, after: str = "", exact: bool = False
) -> tuple[int, int]:
    """Select ``words`` (the first after ``after``) in the article with a real mouse drag,
    sloppily (one character short on each side unless ``exact``), as a coder would; returns
    the exact code point range."""
    text = window.session.document.text  # type: ignore[union-attr]
    start = text.index(after) - 1 if after else -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    window.view.scroll_to_cp(start)
    QApplication.processEvents()
    end = start + len(words)
    if exact or len(words) < 4:
        drag(window, caret_point(window, start, 1), caret_point(window, end, -1))
    else:
        drag(window, cp_point(window, start + 1), cp_point(window, end - 1))
    window.view.setFocus()
    return start, end


def caret_point(window: MainWindow, cp: int, nudge: int) -> QPoint:
    """Viewport coordinates just right (``nudge`` 1) or left (-1) of the caret position
    ``cp``: a press there hits exactly that position."""
    view = window.view
    text = window.session.document.text  # type: ignore[union-attr]
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(text).to_utf16(cp))
    rect = view.cursorRect(cursor)
    return QPoint(rect.center().x() + nudge, rect.center().y())


def drag(window: MainWindow, start: QPoint, end: QPoint) -> None:
    """A real mouse drag in the article from ``start`` to ``end`` (viewport coordinates)."""
    from PySide6.QtTest import QTest

    viewport = window.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    QTest.mouseMove(viewport, middle)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: Qt.Key | str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(window.view, key, modifier)


def code(
    qtbot: QtBot, window: MainWindow, words: str, key: str, occurrence: int = 0, after: str = ""
) -> Annotation:
    """Select ``words`` and press a label key; the new span as stored in the database."""
    select_words(window, words, occurrence, after=after)
    before = set(window.session.annotations)
    press(qtbot, window, key)
    QApplication.processEvents()  # let the form lay itself out, as it would between keys
    new = set(window.session.annotations) - before
    assert len(new) == 1, f"pressing {key!r} on {words!r} created {len(new)} spans"
    stored = queries.annotation(window.session.project, new.pop())
    assert stored is not None
    return stored


def db_annotations(window: MainWindow, coder: str | None = None) -> list[Annotation]:
    s = window.session
    assert s.document is not None
    return queries.annotations(s.project, s.document.id, [coder or s.coder])


def cp_point(window: MainWindow, cp: int) -> QPoint:
    """Viewport coordinates inside the character at code point ``cp`` of the article."""
    view = window.view
    text = window.session.document.text  # type: ignore[union-attr]
    view.scroll_to_cp(cp)
    QApplication.processEvents()
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(text).to_utf16(cp))
    point = view.cursorRect(cursor).center()
    point.setX(point.x() + 3)  # inside the character, not on its left edge
    return point


def click_cp(
    qtbot: QtBot, window: MainWindow, cp: int, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    """A real mouse click on the character at code point ``cp`` of the article."""
    point = cp_point(window, cp)
    qtbot.mouseClick(window.view.viewport(), button, Qt.KeyboardModifier.NoModifier, point)


def click_span(qtbot: QtBot, window: MainWindow, annotation: Annotation) -> None:
    click_cp(qtbot, window, annotation.start + (annotation.end - annotation.start) // 2)


def assert_not_blank(image: QImage, tints: tuple[str, ...] = ()) -> None:
    """A rendered window shows something: many colours, no one colour over most of it, and
    each of ``tints`` (literal colours, e.g. a label's span background) somewhere."""
    assert not image.isNull()
    seen: dict[int, int] = {}
    step = 3
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y) & 0xFFFFFF
            seen[rgb] = seen.get(rgb, 0) + 1
    total = sum(seen.values())
    assert len(seen) >= 50, f"only {len(seen)} colours: a blank window?"
    assert max(seen.values()) < 0.8 * total, "one colour covers most of the window"
    for literal in tints:
        want = QColor(literal)
        assert any(
            abs(((rgb >> 16) & 255) - want.red()) <= 2
            and abs(((rgb >> 8) & 255) - want.green()) <= 2
            and abs((rgb & 255) - want.blue()) <= 2
            for rgb in seen
        ), f"{literal} is nowhere in the window"
