"""Pieces of the dashboard: a chart card (drawn image, hover read-out, export menu) and KPI
tiles. No matplotlib here: charts arrive as pixels drawn on the worker thread."""

from __future__ import annotations

import html
from typing import TypeVar

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.ui.dashboard_images import HitBox, LegendItem, Rendered

CANVAS_HEIGHT = 250
RESIZE_SETTLE_MS = 80  # redraw a chart for a new width once resizing pauses this long


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """The widget with an object name (tests and style sheets find it by that)."""
    widget.setObjectName(name)
    return widget


_SWATCH = {"box": "■", "faint": "□", "line": "━", "dashed": "╍", "dotted": "┈"}


def legend_html(items: tuple[LegendItem, ...] | list[LegendItem]) -> str:
    """Legend entries as one wrapping line of coloured swatches and names."""
    return "&nbsp;&nbsp; ".join(
        f'<span style="color:{item.color}">{_SWATCH.get(item.kind, "■")}</span>&nbsp;'
        f"{html.escape(item.label)}" for item in items)


class ChartView(QWidget):
    """Shows a chart image drawn on the worker; hover and clicks are answered from the
    boxes that came with it, so nothing here draws or touches matplotlib.

    Signals:
        painted(): the current image was painted on screen.
        resized(): the width changed and has settled: the chart needs a new drawing.
        hovered(object): the HitBox under the mouse changed (None: nothing there).
        clicked(object): a HitBox was clicked.
    """

    painted = Signal()
    resized = Signal()
    hovered = Signal(object)
    clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rendered: Rendered | None = None
        self._image: QImage | None = None
        self._painted = False
        self._hover: HitBox | None = None
        self.setFixedHeight(CANVAS_HEIGHT)  # text changes elsewhere must not resize it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(RESIZE_SETTLE_MS)
        self._settle.timeout.connect(self.resized.emit)

    def size_key(self) -> tuple[int, int, float]:
        """The size a chart must be drawn at to fill this view exactly."""
        return self.width(), self.height(), float(self.devicePixelRatioF())

    def fits(self) -> bool:
        return self.rendered is not None and self.rendered.fits(*self.size_key())

    def show_rendered(self, rendered: Rendered | None) -> None:
        """Show a drawn chart (None: blank until the next one arrives)."""
        self.rendered = rendered
        self._image = None
        if rendered is not None:
            w, h = rendered.pixel_size
            self._image = QImage(rendered.rgba, w, h, 4 * w, QImage.Format.Format_RGBA8888)
            self._image.setDevicePixelRatio(rendered.ratio)
        self._painted = False
        self._set_hover(None)
        if rendered is not None and not self.fits():  # the view changed size meanwhile
            self._settle.start()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if self._image is not None:
            if self.fits():
                painter.drawImage(QPoint(0, 0), self._image)
            else:  # resizing: stretch the old drawing until the new one arrives
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRect(0, 0, self.width(), self.height()), self._image)
        else:
            painter.setPen(QColor(self.palette().color(QPalette.ColorRole.PlaceholderText)))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "…")
        painter.end()
        if self._image is not None and self.fits() and not self._painted:
            self._painted = True
            self.painted.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and self.rendered is not None:
            self._settle.start()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange and self.rendered is not None:
            self._settle.start()  # moved to a screen with another pixel density
        return super().event(event)

    def hit_at(self, pos: QPoint) -> HitBox | None:
        if self.rendered is None or not self.fits():
            return None
        return self.rendered.hit_at(pos.x(), pos.y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._set_hover(self.hit_at(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.hit_at(event.position().toPoint())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(hit)
        super().mousePressEvent(event)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self._set_hover(None)
        super().leaveEvent(event)  # type: ignore[arg-type]

    def _set_hover(self, hit: HitBox | None) -> None:
        if hit is self._hover:
            return
        self._hover = hit
        self.hovered.emit(hit)


class ChartCard(QFrame):
    """One chart: its title, an export menu and the drawn chart.

    Signals:
        export_requested(str, str): (chart name, "png" or "svg").
        hit_clicked(object): a clickable HitBox (a project or tag bar) was clicked.
        drawn(str): the chart finished painting (argument: the chart name).
        resized(str): the chart's width changed and settled (argument: the chart name).
    """

    export_requested = Signal(str, str)
    hit_clicked = Signal(object)
    drawn = Signal(str)
    resized = Signal(str)

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"card_{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title = named(QLabel(title), "card_title")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.header = QHBoxLayout()
        self.header.addWidget(self.title, 1)
        self.menu_button = named(QToolButton(), "card_menu")
        self.menu_button.setText("Export")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        menu.addAction("Save as PNG…", lambda: self.export_requested.emit(name, "png"))
        menu.addAction("Save as SVG…", lambda: self.export_requested.emit(name, "svg"))
        self.menu_button.setMenu(menu)
        self.header.addWidget(self.menu_button)
        self.legend = named(QLabel(""), "card_legend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.hide()
        self.canvas = named(ChartView(), "chart_view")
        self.canvas.painted.connect(lambda: self.drawn.emit(self.name))
        self.canvas.resized.connect(lambda: self.resized.emit(self.name))
        self.canvas.hovered.connect(self.on_hovered)
        self.canvas.clicked.connect(self.on_clicked)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(10, 8, 10, 8)
        self.box.addLayout(self.header)
        self.box.addWidget(self.legend)
        self.box.addWidget(self.canvas)
        self.box.addStretch(1)  # cards in one row align at the top
        self.gen = -1  # the request whose chart is shown

    @property
    def figure(self) -> object:
        """The Figure the shown chart was drawn from (None before the first)."""
        return self.canvas.rendered.figure if self.canvas.rendered is not None else None

    def add_header_widget(self, widget: QWidget) -> None:
        self.header.insertWidget(1, widget)

    def show_rendered(self, rendered: Rendered | None, gen: int) -> None:
        """Show a chart drawn for request ``gen`` (None: blank, a newer one is coming)."""
        self.gen = gen
        if rendered is not None:
            self.title.setText(rendered.title)
            self.legend.setText(legend_html(rendered.legend))
            self.legend.setVisible(bool(rendered.legend))
        self.canvas.show_rendered(rendered)

    def on_hovered(self, hit: HitBox | None) -> None:
        if hit is None:
            QToolTip.hideText()
            self.canvas.unsetCursor()
            return
        QToolTip.showText(QCursor.pos(), hit.text, self.canvas)
        if hit.kind in ("project", "tag"):
            self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.canvas.unsetCursor()

    def on_clicked(self, hit: HitBox) -> None:
        if hit.kind in ("project", "tag") and hit.ref:
            self.hit_clicked.emit(hit)


class KpiTile(QFrame):
    """A key number with its caption and one line of detail."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"kpi_{caption.lower()}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.caption = QLabel(caption.upper())
        self.value = named(QLabel("–"), "kpi_value")
        self.detail = named(QLabel(""), "kpi_detail")
        self.detail.setWordWrap(True)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        small = QFont(self.caption.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.caption.setFont(small)
        self.detail.setFont(small)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(1)
        box.addWidget(self.caption)
        box.addWidget(self.value)
        box.addWidget(self.detail)
        box.addStretch(1)

    def set_values(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(f"{value} {detail}".strip())
