"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every Qt call that returns
nothing, and the process dies in none_dealloc after a few thousand calls. The dependency
marker keeps that build out; this canary catches it if it ever comes back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_do_not_leak_none_references(qtbot: object) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(5000):
        label.setText(str(i))
    after = sys.getrefcount(None)
    # Other threads may take a few references meanwhile; the bug loses ~one per call.
    assert after >= before - 100, f"None lost {before - after} references in 5000 Qt calls"
