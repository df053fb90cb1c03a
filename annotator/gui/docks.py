"""Dock panels as both windows make them: named (so the layout can be saved), movable, closable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


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
