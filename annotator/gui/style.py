"""The window's look: a restrained style sheet and the application icon (drawn, no files)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap

STYLE_SHEET = """
QWidget#docHeader { border-bottom: 1px solid palette(mid); background: palette(window); }
QWidget#docHeader[status="done"] { background: #e8f5ec; }
QWidget#docHeader QLabel { font-size: 10.5pt; }
QLabel#docTitle { font-weight: bold; }
QLabel#docMeta { color: #777; }
QLabel#reviewTitle { font-size: 10.5pt; font-weight: bold; }
QLabel#reviewGoldState { font-size: 10.5pt; color: #777; }
QLabel#requiredCaption { font-weight: bold; }
QLabel[missing="true"] { color: #c0392b; }
QComboBox[missing="true"], QSpinBox[missing="true"], QLineEdit[missing="true"],
QDateEdit[missing="true"], QDoubleSpinBox[missing="true"] { border: 2px solid #c0392b;
                   border-radius: 3px; }
QLabel#statusMessage[error="true"] { color: #c0392b; font-weight: bold; }
QLabel#statusSaved { color: #2e7d4f; padding: 0 6px; }
QLabel#statusCoder, QLabel#statusProject, QLabel#statusDocument { padding: 0 8px;
                   border-left: 1px solid palette(mid); }
QLabel#placeholder, QLabel#paletteHint { color: #888; }
QLabel#fatalities { padding: 4px 2px; }
QLabel#progress { color: #666; padding: 2px; }
QDockWidget::title { padding: 4px 6px; font-weight: bold; }
QWidget#findBar { border-bottom: 1px solid palette(mid); }
"""


def app_icon() -> QIcon:
    """A highlighter mark over lines of text, in the default codebook's colours (EVENT purple,
    CASUALTY olive, ACTOR indigo)."""
    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        k = size / 64
        page = QPainterPath()
        page.addRoundedRect(QRectF(8 * k, 4 * k, 48 * k, 56 * k), 6 * k, 6 * k)
        p.fillPath(page, QColor("#fdfdfb"))
        p.setPen(QColor("#332288"))
        p.drawPath(page)
        for i, (width, color) in enumerate(
            ((36, "#c9ced6"), (24, "#aa4499"), (34, "#c9ced6"), (18, "#999933"), (30, "#c9ced6"))
        ):
            y = (14 + i * 9) * k
            p.fillRect(QRectF(14 * k, y, width * k, 5 * k), QColor(color))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#332288"))
        p.drawPolygon([QPointF(44 * k, 60 * k), QPointF(60 * k, 44 * k), QPointF(60 * k, 60 * k)])
        p.end()
        icon.addPixmap(pixmap)
    return icon
