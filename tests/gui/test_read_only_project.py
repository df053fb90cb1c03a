"""A project that cannot be written to (read-only folder) opens in the coding window for
reading; a coding action is refused with a status message, not an exception."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from helpers.window import (
    build_window,
    db_annotations,
    make_project,
    open_seed,
    press,
    select_words,
    temp_prefs,
)


def test_coding_in_a_read_only_project_is_refused_in_the_status_bar(
    qtbot: QtBot,
    tmp_path: Path,
    mount_point: Path,
) -> None:
    source = make_project(tmp_path)
    path = mount_point / source.name
    shutil.copyfile(source, path)
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    window = build_window(qtbot, path, temp_prefs(tmp_path))
    try:
        open_seed(window)
        assert window.session.document is not None  # reading works
        select_words(window, "Russia")
        press(qtbot, window, "a")
        assert window.status.message.property("error") is True
        assert "opened read-only (folder is read-only)" in window.status.message.text()
        assert db_annotations(window) == []
        window.status.notice("", False)
        press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done
        assert "opened read-only" in window.status.message.text()
        assert window.session.status != "done"
    finally:
        window.close()
        window.session.project.close()
