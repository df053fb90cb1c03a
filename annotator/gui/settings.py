"""The user's preferences, kept in QSettings: coder, recent projects, layout, snapping, zoom.

Tests hand in a QSettings on a temporary INI file so they never touch the real user's settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings if settings is not None else QSettings()

    def _get(self, key: str, default: Any, kind: type) -> Any:
        value = self.qsettings.value(key, default)
        if value is None:
            return default
        if kind is bool and isinstance(value, str):  # INI files give strings back
            return value.lower() in ("true", "1", "yes")
        try:
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value: Any) -> None:
        self.qsettings.setValue(key, value)
        self.qsettings.sync()

    # ----------------------------------------------------------------------------- who codes

    @property
    def coder(self) -> str:
        return str(self._get("coder", "", str))

    @coder.setter
    def coder(self, name: str) -> None:
        self._set("coder", name)

    # ------------------------------------------------------------------------------ projects

    @property
    def recent_projects(self) -> list[str]:
        value = self.qsettings.value("recent_projects", [])
        if isinstance(value, str):  # a one-element list comes back as a string
            return [value] if value else []
        if not isinstance(value, (list, tuple)):  # missing, or not something we wrote
            return []
        return [str(v) for v in value if v]

    def add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent_projects if p != path]
        self._set("recent_projects", items[:MAX_RECENT])

    def forget_recent(self, path: str) -> None:
        self._set("recent_projects", [p for p in self.recent_projects if p != path])

    # -------------------------------------------------------------------------------- coding

    @property
    def snap_to_words(self) -> bool:
        return bool(self._get("coding/snap_to_words", True, bool))

    @snap_to_words.setter
    def snap_to_words(self, on: bool) -> None:
        self._set("coding/snap_to_words", on)

    @property
    def advance_after_done(self) -> bool:
        """Open the next unfinished document once the current one is marked done."""
        return bool(self._get("coding/advance_after_done", True, bool))

    @advance_after_done.setter
    def advance_after_done(self, on: bool) -> None:
        self._set("coding/advance_after_done", on)

    @property
    def zoom(self) -> int:
        return int(self._get("view/zoom", 0, int))

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self._set("view/zoom", steps)

    @property
    def show_arcs(self) -> bool:
        """The article shows every arc of the visible text (off: the selected event's only)."""
        return bool(self._get("view/show_arcs", True, bool))

    @show_arcs.setter
    def show_arcs(self, on: bool) -> None:
        self._set("view/show_arcs", on)

    @property
    def show_tags(self) -> bool:
        """The article shows a label tag above each span."""
        return bool(self._get("view/show_tags", True, bool))

    @show_tags.setter
    def show_tags(self, on: bool) -> None:
        self._set("view/show_tags", on)

    # ----------------------------------------------------------------------------- shortcuts

    @property
    def shortcuts(self) -> dict[str, list[str]]:
        """The user's own keys: action id → key sequences in portable text ("Ctrl+Alt+,");
        an empty list means the action has no key. Actions not listed keep their defaults."""
        out: dict[str, list[str]] = {}
        self.qsettings.beginGroup("shortcuts")
        try:
            for action_id in self.qsettings.childKeys():
                value = self.qsettings.value(action_id, [])
                if isinstance(value, str):  # a one-element list comes back as a string
                    value = [value]
                if not isinstance(value, (list, tuple)):  # an empty list: no key
                    value = []
                out[action_id] = [str(k) for k in value if k]
        finally:
            self.qsettings.endGroup()
        return out

    @shortcuts.setter
    def shortcuts(self, custom: dict[str, list[str]]) -> None:
        self.qsettings.remove("shortcuts")
        for action_id, keys in custom.items():
            self.qsettings.setValue(f"shortcuts/{action_id}", list(keys))
        self.qsettings.sync()

    # -------------------------------------------------------------------------------- layout

    def window_layout(self, which: str = "window") -> tuple[QByteArray | None, QByteArray | None]:
        """Saved geometry and panel state of the coding window (or ``"review"``)."""
        geometry = self.qsettings.value(f"{which}/geometry")
        state = self.qsettings.value(f"{which}/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_layout(
        self, geometry: QByteArray, state: QByteArray, which: str = "window"
    ) -> None:
        self.qsettings.setValue(f"{which}/geometry", geometry)
        self.qsettings.setValue(f"{which}/state", state)
        self.qsettings.sync()

    def forget_window_layout(self) -> None:
        self.qsettings.remove("window")
        self.qsettings.sync()
