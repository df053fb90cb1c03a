"""First start on a fresh machine: the window's system needs are checked before Qt aborts.

No display server runs here: the checks are driven through the real ``annotator`` command
with a controlled environment (a fake ``ldd`` standing in for one that finds libraries
missing), and through the check itself with the facts it reads given explicitly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.gui.platform_check import debian_package, display_problem, not_found

REPO = Path(__file__).resolve().parents[2]

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007fea)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fea)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
"""


def run_annotator(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    base.pop("QT_QPA_PLATFORM", None)
    base.update(env)
    base["PYTHONPATH"] = str(REPO)
    base["HOME"] = str(tmp_path)  # the demo project would land here
    base["XDG_DATA_HOME"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", "gui", str(tmp_path / "p.annot")],
        capture_output=True,
        text=True,
        env=base,
        timeout=120,
        check=False,
    )


def test_no_display_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = run_annotator(tmp_path, {})
    assert done.returncode == 1  # not -6 (SIGABRT)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("annotator: error: no display:")
    assert not (tmp_path / "p.annot").exists()


def test_missing_xcb_libraries_named_with_the_install_command(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    ldd = fake / "ldd"
    ldd.write_text(f"#!/bin/sh\ncat <<'EOF'\n{LDD_OUTPUT}EOF\n", encoding="utf-8")
    ldd.chmod(0o755)
    path = f"{fake}{os.pathsep}{os.environ.get('PATH', '')}"
    done = run_annotator(tmp_path, {"DISPLAY": ":99", "PATH": path})
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1, libxkbcommon-x11.so.0" in lines[0]
    release = Path("/etc/os-release")
    if release.exists() and "debian" in release.read_text(encoding="utf-8").lower():
        assert lines[0].endswith(
            "sudo apt install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0"
        )


def test_ldd_output_read_once_per_library() -> None:
    assert not_found(LDD_OUTPUT) == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxkbcommon-x11.so.0",
    ]
    assert not_found("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


def test_debian_package_names_follow_the_soname_rule() -> None:
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"


def test_install_command_per_distribution() -> None:
    missing = lambda: ["libxcb-icccm.so.4", "libxcb-cursor.so.0"]  # noqa: E731
    env = {"DISPLAY": ":0"}
    ubuntu = {"ID": "ubuntu", "ID_LIKE": "debian"}
    fedora = {"ID": "fedora"}
    arch = {"ID": "arch"}
    line = display_problem(env, platform="linux", find_missing=missing, os_release=ubuntu)
    assert line is not None and line.endswith("sudo apt install libxcb-icccm4 libxcb-cursor0")
    line = display_problem(env, platform="linux", find_missing=missing, os_release=fedora)
    assert line is not None and line.endswith("sudo dnf install xcb-util-wm xcb-util-cursor")
    line = display_problem(env, platform="linux", find_missing=missing, os_release=arch)
    assert line is not None and line.endswith("sudo pacman -S xcb-util-wm xcb-util-cursor")


def test_no_check_where_qt_needs_no_display_or_not_xcb() -> None:
    def boom() -> list[str]:
        raise AssertionError("xcb libraries checked although xcb is not used")

    for env in (
        {"QT_QPA_PLATFORM": "offscreen"},
        {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
        {"WAYLAND_DISPLAY": "wayland-0"},
    ):
        assert display_problem(env, platform="linux", find_missing=boom) is None, env
    assert display_problem({}, platform="darwin", find_missing=boom) is None
    assert display_problem({"DISPLAY": ":0"}, platform="linux", find_missing=list) is None
    line = display_problem({"QT_QPA_PLATFORM": "xcb"}, platform="linux", find_missing=boom)
    assert line is not None and line.startswith("no display:")
