"""Small line icons painted with QPainter (no icon theme or emoji font is needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZE = 16
_RATIO = 2


def paint_icon(color: QColor, body: Callable[[QPainter], None], size: int = SIZE,
               width: float = 1.4) -> QIcon:
    """A crisp (2x) line icon: body draws on a 16x16 grid with a round pen of color."""
    pixmap = QPixmap(size * _RATIO, size * _RATIO)
    pixmap.setDevicePixelRatio(_RATIO)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.scale(size / SIZE, size / SIZE)
    body(painter)
    painter.end()
    return QIcon(pixmap)


def _inbox(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(2.5, 9)
    path.lineTo(5.5, 9)
    path.lineTo(6.5, 11)
    path.lineTo(9.5, 11)
    path.lineTo(10.5, 9)
    path.lineTo(13.5, 9)
    p.drawPath(path)
    p.drawRoundedRect(QRectF(2.5, 3, 11, 10), 2, 2)


def _calendar(p: QPainter, label: str) -> None:
    p.drawRoundedRect(QRectF(2.5, 3.5, 11, 10), 2, 2)
    p.drawLine(QPointF(2.5, 6.5), QPointF(13.5, 6.5))
    p.drawLine(QPointF(5.5, 2), QPointF(5.5, 4.5))
    p.drawLine(QPointF(10.5, 2), QPointF(10.5, 4.5))
    font = QFont()
    font.setPixelSize(6)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(2.5, 6.5, 11, 7), Qt.AlignmentFlag.AlignCenter, label)


def _clock(p: QPainter) -> None:
    p.drawEllipse(QRectF(2.5, 2.5, 11, 11))
    p.drawLine(QPointF(8, 8), QPointF(8, 4.8))
    p.drawLine(QPointF(8, 8), QPointF(10.5, 9.5))


def _check(p: QPainter) -> None:
    p.drawEllipse(QRectF(2.5, 2.5, 11, 11))
    path = QPainterPath()
    path.moveTo(5.3, 8.2)
    path.lineTo(7.2, 10)
    path.lineTo(10.8, 6)
    p.drawPath(path)


def _tag(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(2.5, 3.5)
    path.lineTo(8, 3.5)
    path.lineTo(13.5, 9)
    path.lineTo(9, 13.5)
    path.lineTo(2.5, 7)
    path.closeSubpath()
    p.drawPath(path)
    p.drawEllipse(QPointF(5.5, 6.5), 1, 1)


def _filter(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(2.5, 3.5)
    path.lineTo(13.5, 3.5)
    path.lineTo(9.5, 8.5)
    path.lineTo(9.5, 13)
    path.lineTo(6.5, 11.5)
    path.lineTo(6.5, 8.5)
    path.closeSubpath()
    p.drawPath(path)


def _list(p: QPainter) -> None:
    for y in (4.5, 8, 11.5):
        p.drawEllipse(QPointF(3.5, y), 0.8, 0.8)
        p.drawLine(QPointF(6, y), QPointF(13.5, y))


def _board(p: QPainter) -> None:
    for x in (2.5, 6.5, 10.5):
        p.drawRoundedRect(QRectF(x, 3, 3, 10 if x != 6.5 else 7), 1, 1)


def _plus(p: QPainter) -> None:
    p.drawLine(QPointF(8, 3), QPointF(8, 13))
    p.drawLine(QPointF(3, 8), QPointF(13, 8))


def _undo(p: QPainter) -> None:
    path = QPainterPath()
    path.moveTo(5, 4)
    path.lineTo(2.5, 6.5)
    path.lineTo(5, 9)
    p.drawPath(path)
    arc = QPainterPath()
    arc.moveTo(2.5, 6.5)
    arc.cubicTo(9, 6.5, 13.5, 6.5, 13.5, 10)
    arc.cubicTo(13.5, 12, 12, 13, 10, 13)
    p.drawPath(arc)


def _redo(p: QPainter) -> None:
    p.translate(16, 0)
    p.scale(-1, 1)
    _undo(p)


def _search(p: QPainter) -> None:
    p.drawEllipse(QRectF(2.5, 2.5, 8, 8))
    p.drawLine(QPointF(9.5, 9.5), QPointF(13.5, 13.5))


def _views() -> dict[str, Callable[[QPainter], None]]:
    today = str(date.today().day)
    return {
        "inbox": _inbox, "today": lambda p: _calendar(p, today),
        "upcoming": lambda p: _calendar(p, "7"), "overdue": _clock, "completed": _check,
        "tag": _tag, "filter": _filter, "list": _list, "board": _board, "plus": _plus,
        "undo": _undo, "redo": _redo, "search": _search,
    }


def icon(name: str, color: QColor) -> QIcon:
    """A named line icon in color (names: inbox, today, upcoming, overdue, completed, tag,
    filter, list, board, plus, undo, redo, search)."""
    return paint_icon(color, _views()[name])
