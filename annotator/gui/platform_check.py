"""Can Qt open a window here? Checked before Qt loads its platform plugin (no Qt import).

Qt aborts the process (SIGABRT, a core dump) when its xcb plugin lacks a system library or
when there is no display at all, and its own message names the wrong library. This module
finds out first and returns one line to print instead: which libraries are missing and the
command that installs them on this system, or that there is no display.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# Platforms that need no display server.
HEADLESS = frozenset({"offscreen", "minimal", "vnc", "eglfs", "linuxfb", "minimalegl"})

# What the xcb plugin needs beyond a bare X11 client, for when ``ldd`` is not available.
XCB_LIBRARIES = (
    "xcb-cursor",
    "xcb-icccm",
    "xcb-keysyms",
    "xcb-image",
    "xcb-render-util",
    "xcb-randr",
    "xcb-shape",
    "xcb-shm",
    "xcb-sync",
    "xcb-xfixes",
    "xcb-xkb",
    "xkbcommon-x11",
    "X11-xcb",
)

# Package names where the distribution does not follow Debian's soname rule.
FEDORA_PACKAGES = {
    "libxcb-cursor.so.0": "xcb-util-cursor",
    "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms",
    "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil",
    "libxcb-util.so.1": "xcb-util",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11",
}
ARCH_PACKAGES = {
    "libxcb-cursor.so.0": "xcb-util-cursor",
    "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms",
    "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil",
    "libxcb-util.so.1": "xcb-util",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11",
}

_SONAME = re.compile(r"^lib(?P<name>.+)\.so\.(?P<major>\d+)")
_NOT_FOUND = re.compile(r"^\s*(?P<lib>\S+\.so[.\d]*)\s*=>\s*not found", re.MULTILINE)


def debian_package(soname: str) -> str:
    """Debian's package name for a shared library: libxcb-icccm.so.4 → libxcb-icccm4.

    The soname rule: the name, lowercased, then the major version, with a dash between
    them when the name ends in a digit (libxkbcommon-x11.so.0 → libxkbcommon-x11-0).
    """
    m = _SONAME.match(soname)
    if m is None:
        return soname
    name, major = m["name"].lower(), m["major"]
    return f"lib{name}-{major}" if name[-1].isdigit() else f"lib{name}{major}"


def install_command(sonames: list[str], os_release: Mapping[str, str]) -> str:
    """The command that installs the packages holding ``sonames`` on this distribution."""
    family = {os_release.get("ID", "")} | set(os_release.get("ID_LIKE", "").split())
    if family & {"debian", "ubuntu"}:
        names = [debian_package(s) for s in sonames]
        return "sudo apt install " + " ".join(dict.fromkeys(names))
    if family & {"fedora", "rhel", "centos"}:
        names = [FEDORA_PACKAGES.get(s, s) for s in sonames]
        return "sudo dnf install " + " ".join(dict.fromkeys(names))
    if family & {"arch"}:
        names = [ARCH_PACKAGES.get(s, s) for s in sonames]
        return "sudo pacman -S " + " ".join(dict.fromkeys(names))
    return "install them with your system's package manager"


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip().strip("\"'")
    return out


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_by_ldd(plugin: Path) -> list[str] | None:
    """Libraries ``ldd`` cannot find for ``plugin`` (None: ldd is not there or failed)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return not_found(done.stdout)


def not_found(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as "not found", each once, in its order."""
    return list(dict.fromkeys(m["lib"] for m in _NOT_FOUND.finditer(ldd_output)))


def missing_by_name() -> list[str]:
    """The known xcb libraries the dynamic loader cannot find (no ``ldd``)."""
    out = []
    for name in XCB_LIBRARIES:
        if ctypes.util.find_library(name) is None:
            major = {"xcb-icccm": "4", "xcb-keysyms": "1", "X11-xcb": "1", "xcb-sync": "1"}
            out.append(f"lib{name}.so.{major.get(name, '0')}")
    return out


def wants_xcb(env: Mapping[str, str]) -> bool:
    platforms = [p.split(":")[0] for p in env.get("QT_QPA_PLATFORM", "").split(";") if p]
    if platforms:
        return platforms[0] == "xcb"
    # Qt picks wayland itself in a Wayland session with no X server to fall back on.
    return bool(env.get("DISPLAY"))


def display_problem(
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    find_missing: Callable[[], list[str]] | None = None,
    os_release: Mapping[str, str] | None = None,
) -> str | None:
    """One line saying why Qt cannot open a window here, or None when it can.

    ``find_missing`` (tests give their own) lists the xcb plugin's missing libraries.
    """
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return None
    asked = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if asked in HEADLESS:
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "no display: start Annotator from a desktop session (DISPLAY or WAYLAND_DISPLAY "
            "is not set), or over ssh with -X"
        )
    if not wants_xcb(env):
        return None
    missing = (find_missing or _xcb_missing)()
    if not missing:
        return None
    release = read_os_release() if os_release is None else os_release
    return (
        f"the window needs system libraries that are missing: {', '.join(missing)}; "
        f"{install_command(missing, release)}"
    )


def _xcb_missing() -> list[str]:
    plugin = xcb_plugin()
    if plugin is None:
        return []
    found = missing_by_ldd(plugin)
    return found if found is not None else missing_by_name()
