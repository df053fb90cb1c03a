"""Run every benchmark script in this folder, one process each, and print their figures.

Usage: python tests/benchmarks/run.py [name ...]   (names: import, export, agreement, gui, ...)
Each script prints its figure next to a floor measured in the same run; see README, "Benchmarks".
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OFFSCREEN_NOISE = re.compile(r"This plugin does not support (propagateSizeHints|raise|grabbing)")


def machine() -> str:
    """What the figures were measured on: cores, CPU, OS, Python, Qt, SQLite."""
    import platform
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {pyside} (Qt {qVersion()})"
    except ImportError:
        qt = "no PySide6"
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f}"
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}{load}; "
        f"Python {platform.python_version()}; {qt}; SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str]) -> int:
    print(f"machine: {machine()}", flush=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    failed = 0
    for script in scripts:
        print(f"== {script.stem.removeprefix('bench_')}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if not OFFSCREEN_NOISE.search(line):  # the offscreen Qt platform's chatter
                print(line, end="", flush=True)
        code = proc.wait()
        print(f"   ({time.perf_counter() - t0:.0f} s, exit {code})", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
