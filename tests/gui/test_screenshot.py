"""The README's coding-window screenshot renders a coded article, not a blank window."""

from __future__ import annotations

from pathlib import Path

import pytest
from make_screenshot import make_screenshot
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from helpers.window import assert_not_blank


@pytest.mark.usefixtures("qtbot")
def test_the_coding_window_screenshot_shows_the_coded_article(tmp_path: Path) -> None:
    out = make_screenshot(tmp_path / "screenshot.png")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    # span tints (30 % of the label colour on white): ACTOR #332288, CASUALTY #999933; the
    # tags are filled with the label colours themselves, the EVENT's arcs drawn in its #aa4499
    assert_not_blank(image, ("#c2bddb", "#e0e0c2", "#332288", "#999933", "#aa4499"))


def test_a_blank_window_is_caught(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QWidget

    blank = QWidget()
    qtbot.addWidget(blank)
    blank.resize(400, 300)
    with pytest.raises(AssertionError, match="blank window"):
        assert_not_blank(blank.grab().toImage())
