"""Drawing one calendar item (event box, all-day bar, task marker) with QPainter."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen

from app.ui import theme
from app.ui.calendar_layout import Item

MIME_TASK = "application/x-cadence-task-id"
MIME_TASKS = "application/x-cadence-task-ids"  # the outline list drags several, one per line
NOW_COLOR = QColor("#e5484d")
TASK_COLOR = "#6b7280"


@lru_cache(maxsize=256)
def fill_colors(color: str, dark: bool, faded: bool) -> tuple[QColor, QColor, QColor]:
    """(fill, border, text) for an item of this calendar colour."""
    base = QColor(color) if QColor.isValidColorName(color) else QColor("#3b82c4")
    fill = QColor(base)
    if faded:
        fill.setAlphaF(0.35)
    elif dark:
        fill = fill.darker(135)
    border = base.darker(130) if not dark else base.lighter(120)
    luminance = 0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF()
    text = QColor("#111111") if (faded and not dark) or luminance > 0.6 else QColor("#ffffff")
    if faded and dark:
        text = QColor("#e6e6e6")
    return fill, border, text


def small_font(base: QFont, scale: float = 0.9, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(7.0, base.pointSizeF() * scale))
    font.setBold(bold)
    return font


def draw_item(p: QPainter, rect: QRectF, item: Item, palette: QPalette, *, time_text: str = "",
              selected: bool = False, compact: bool = False) -> None:
    """An event box (filled), or a task (outlined with a check box) in ``rect``."""
    p.save()
    try:
        if item.is_task:
            _draw_task(p, rect, item, palette, selected=selected, time_text=time_text)
        else:
            _draw_event(p, rect, item, time_text=time_text, selected=selected, compact=compact)
    finally:
        p.restore()


def _draw_event(p: QPainter, rect: QRectF, item: Item, *, time_text: str, selected: bool,
                compact: bool) -> None:
    dark = theme.current().dark
    radius = 3.0
    fill, border, text_color = fill_colors(item.color, dark, item.done or item.cancelled)
    p.setPen(QPen(theme.current().accent if selected else border, 2.0 if selected else 1.0))
    p.setBrush(fill)
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    inner = rect.adjusted(4, 1, -3, -1)
    linked = item.occ is not None and item.occ.task_id
    mark = ("✔ " if item.done else "☐ ") if linked else ""
    p.setPen(text_color)
    font = small_font(p.font(), bold=not compact)
    if item.cancelled or item.done:
        font.setStrikeOut(True)
    p.setFont(font)
    metrics = QFontMetrics(font)
    line = metrics.height()
    title = mark + item.title
    if compact or inner.height() < line * 2 or not time_text:
        text = f"{time_text} {title}" if time_text else title
        p.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                   metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(inner.width())))
        return
    p.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
               metrics.elidedText(title, Qt.TextElideMode.ElideRight, int(inner.width())))
    small = small_font(p.font(), 0.85)
    small.setStrikeOut(font.strikeOut())
    p.setFont(small)
    rest = inner.adjusted(0, line, 0, 0)
    p.drawText(rest, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
               QFontMetrics(small).elidedText(time_text, Qt.TextElideMode.ElideRight,
                                              int(rest.width())))


def _draw_task(p: QPainter, rect: QRectF, item: Item, palette: QPalette, *, selected: bool,
               time_text: str) -> None:
    """Tasks are drawn unlike events: a dashed outline on the page colour and a check box."""
    colors = theme.current()
    pen = QPen(colors.accent if selected else colors.muted, 1.5 if selected else 1.2)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(palette.color(QPalette.ColorRole.Base))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3.0, 3.0)
    font = small_font(p.font())
    font.setStrikeOut(item.done)
    p.setFont(font)
    metrics = QFontMetrics(font)
    box = min(metrics.height() - 4, int(rect.height()) - 4)
    if box >= 6:
        check = QRectF(rect.left() + 4, rect.top() + 2 + (metrics.height() - 4 - box) / 2,
                       box, box)
        p.setPen(QPen(colors.priority.get(item.task.priority if item.task else 4,
                                          colors.muted), 1.2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(check)
        if item.done:
            a, b, c = _at(check, 0.2, 0.55), _at(check, 0.45, 0.8), _at(check, 0.85, 0.2)
            p.drawLine(a, b)
            p.drawLine(b, c)
    text_rect = rect.adjusted(box + 9 if box >= 6 else 4, 1, -3, -1)
    p.setPen(palette.color(QPalette.ColorRole.Text))
    text = f"{time_text} {item.title}" if time_text else item.title
    p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
               metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(text_rect.width())))


def _at(rect: QRectF, fx: float, fy: float) -> QPointF:
    return QPointF(rect.left() + rect.width() * fx, rect.top() + rect.height() * fy)
