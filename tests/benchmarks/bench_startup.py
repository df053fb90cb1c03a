"""Start to a usable window (README, "Benchmarks": < 1 s), in fresh processes.

Ours: a new Python process imports the app, opens the demo project, builds the coding window
on its first document and shows it; the time runs until the event loop has painted it.
Floor: a new Python process showing a bare QMainWindow with a QPlainTextEdit of the same text.
Run: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 5

OURS = r"""
import sys
from PySide6.QtCore import QSettings, QTimer
from annotator.gui.app import make_app, open_window
from annotator.gui.settings import Preferences
from annotator.store.engine import Project
app = make_app()
prefs = Preferences(QSettings(sys.argv[2], QSettings.Format.IniFormat))
window = open_window(Project.open(sys.argv[1]), "bench", prefs)
window.show()
QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
app.exec()
"""

FLOOR = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication(sys.argv[:1])
window = QMainWindow()
view = QPlainTextEdit()
view.setPlainText(open(sys.argv[1], encoding="utf-8").read())
window.setCentralWidget(view)
window.resize(1400, 900)
window.show()
QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
app.exec()
"""


def timed(code: str, *args: str) -> float:
    """Seconds from launching the process to its "ready" line (the window painted); the
    process's own shutdown afterwards is not counted."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.wait()
    assert line.strip() == "ready", f"no window: exit {proc.returncode}"
    return elapsed


def main() -> int:
    from annotator.store.setup import create_demo, seed_paths

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "demo.annot"
        create_demo(project).close()
        settings = str(Path(tmp) / "settings.ini")
        seed = str(seed_paths()[0])
        ours = min(timed(OURS, str(project), settings) for _ in range(REPEATS))
        floor = min(timed(FLOOR, seed) for _ in range(REPEATS))
    print(
        f"start to a usable window: {ours:.2f} s (floor: bare Qt window with the same text "
        f"{floor:.2f} s; ratio {ours / floor:.2f}x; target < 1 s; best of {REPEATS})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
