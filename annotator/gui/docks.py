"""Dock panels as both windows make them: named (so the layout can be saved), movable, closable."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar, QWidget


def add_dock(
    window: QMainWindow,
    title: str,
    widget: QWidget,
    area: Qt.DockWidgetArea,
    *,
    floatable: bool = True,
) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock.{title.lower().replace(' ', '_')}")
    dock.setWidget(widget)
    features = (
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    if floatable:
        features |= QDockWidget.DockWidgetFeature.DockWidgetFloatable
    dock.setFeatures(features)
    window.addDockWidget(area, dock)
    return dock


def add_panel_toggles(menubar: QMenuBar, docks: Iterable[QDockWidget]) -> None:
    """One check item per panel at the end of the View menu, so a closed panel comes back.

    The docks' own toggle actions: Qt keeps them in step with the panels.
    """
    view = menubar.findChild(QMenu, "menu.View")
    if view is None:
        view = menubar.addMenu("&View")
        view.setObjectName("menu.View")
    view.addSeparator()
    for dock in docks:
        view.addAction(dock.toggleViewAction())
