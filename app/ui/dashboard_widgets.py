"""Pieces of the dashboard: a chart card (canvas, hover read-out, export menu), KPI tiles,
the range and filter bar and the baseline/target dialog."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from matplotlib.backend_bases import Event, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
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

from app.services.analytics_types import PRESET_LABELS
from app.ui.chart_kit import ChartFigure, Hit, LegendItem

CANVAS_HEIGHT = 250


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """The widget with an object name (tests and style sheets find it by that)."""
    widget.setObjectName(name)
    return widget


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


_SWATCH = {"box": "■", "faint": "□", "line": "━", "dashed": "╍", "dotted": "┈"}


def legend_html(items: list[LegendItem]) -> str:
    """Legend entries as one wrapping line of coloured swatches and names."""
    return "&nbsp;&nbsp; ".join(
        f'<span style="color:{item.color}">{_SWATCH.get(item.kind, "■")}</span>&nbsp;'
        f"{html.escape(item.label)}" for item in items)


class LazyCanvas(FigureCanvasQTAgg):
    """A canvas that draws when Qt paints it, so charts scrolled out of view cost nothing.

    (The stock canvas draws on a zero-timer after every resize, visible or not.)
    """

    def __init__(self, figure: ChartFigure) -> None:
        super().__init__(figure)  # type: ignore[no-untyped-call]
        self._stale = True

    def draw_idle(self, *_args: object, **_kwargs: object) -> None:
        self._stale = True
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._stale:
            self._stale = False
            self.draw()  # type: ignore[no-untyped-call]
        super().paintEvent(event)  # type: ignore[no-untyped-call]


class ChartCard(QFrame):
    """One chart: its title, an export menu and the matplotlib canvas.

    Signals:
        export_requested(str, str): (chart name, "png" or "svg").
        hit_clicked(object): a clickable Hit (a project or tag bar) was clicked.
        drawn(str): the canvas finished drawing (argument: the chart name).
    """

    export_requested = Signal(str, str)
    hit_clicked = Signal(object)
    drawn = Signal(str)

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
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(10, 8, 10, 8)
        self.box.addLayout(self.header)
        self.box.addWidget(self.legend)
        self.canvas: LazyCanvas | None = None
        self.figure: ChartFigure | None = None
        self._hover: Hit | None = None

    def add_header_widget(self, widget: QWidget) -> None:
        self.header.insertWidget(1, widget)

    def set_figure(self, figure: ChartFigure) -> LazyCanvas:
        """Show a new figure (a fresh canvas: the old one and its figure are released)."""
        old = self.canvas
        canvas = LazyCanvas(figure)
        canvas.setFixedHeight(CANVAS_HEIGHT)  # text changes elsewhere must not redraw it
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        canvas.setMouseTracking(True)
        canvas.mpl_connect("motion_notify_event", self.on_canvas_motion)
        canvas.mpl_connect("button_press_event", self.on_canvas_press)
        canvas.mpl_connect("figure_leave_event", self.on_canvas_leave)
        canvas.mpl_connect("draw_event", self.on_canvas_draw)
        if old is not None:
            self.box.replaceWidget(old, canvas)
            old.hide()
            old.deleteLater()
        else:
            self.box.addWidget(canvas)
            self.box.addStretch(1)  # cards in one row align at the top
        self.canvas, self.figure = canvas, figure
        self.title.setText(figure.chart_title)
        self.legend.setText(legend_html(figure.legend_items))
        self.legend.setVisible(bool(figure.legend_items))
        self._hover = None
        return canvas

    def hit_for(self, event: MouseEvent) -> Hit | None:
        if self.figure is None:
            return None
        found = self.figure.hit_at(event.inaxes, event.xdata, event.ydata)
        if found is not None:
            return found
        for hit in self.figure.hits:
            if hit.artist is not None and hit.artist.contains(event)[0]:
                return hit
        return None

    def on_canvas_motion(self, event: Event) -> None:
        assert isinstance(event, MouseEvent)
        hit = self.hit_for(event)
        if hit is self._hover:
            return
        self._hover = hit
        if self.canvas is None:
            return
        if hit is None:
            QToolTip.hideText()
            self.canvas.unsetCursor()
            return
        QToolTip.showText(QCursor.pos(), hit.text, self.canvas)
        if hit.kind in ("project", "tag"):
            self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.canvas.unsetCursor()

    def on_canvas_press(self, event: Event) -> None:
        assert isinstance(event, MouseEvent)
        hit = self.hit_for(event)
        if hit is not None and hit.kind in ("project", "tag") and hit.ref:
            self.hit_clicked.emit(hit)

    def on_canvas_leave(self, _event: Event) -> None:
        self._hover = None
        QToolTip.hideText()

    def on_canvas_draw(self, _event: Event) -> None:
        self.drawn.emit(self.name)


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


class RangeBar(QWidget):
    """Range preset (or custom dates) and project/tag filters.

    Signals:
        changed(): the user picked another range or filter (valid custom dates only).
        invalid(str): the custom dates make no range (the message says why).
    """

    changed = Signal()
    invalid = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.range_combo = named(QComboBox(), "range_combo")
        for key, label in PRESET_LABELS.items():
            self.range_combo.addItem(label, key)
        self.first_edit = named(QDateEdit(), "first_edit")
        self.last_edit = named(QDateEdit(), "last_edit")
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.hide()
        self.project_combo = named(QComboBox(), "project_filter")
        self.tag_combo = named(QComboBox(), "tag_filter")
        self.project_combo.addItem("All projects", "")
        self.tag_combo.addItem("All tags", "")
        self.to_label = QLabel("to")
        self.to_label.hide()
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.range_combo)
        box.addWidget(self.first_edit)
        box.addWidget(self.to_label)
        box.addWidget(self.last_edit)
        box.addSpacing(12)
        box.addWidget(self.project_combo)
        box.addWidget(self.tag_combo)
        box.addStretch(1)
        self.range_combo.currentIndexChanged.connect(self.on_range_combo_changed)
        self.first_edit.editingFinished.connect(self.on_dates_edited)
        self.last_edit.editingFinished.connect(self.on_dates_edited)
        self.project_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.tag_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @property
    def preset(self) -> str:
        return str(self.range_combo.currentData())

    def custom_dates(self) -> tuple[date, date]:
        return pydate(self.first_edit.date()), pydate(self.last_edit.date())

    def set_dates(self, first: date, last: date) -> None:
        for edit, day in ((self.first_edit, first), (self.last_edit, last)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)

    def on_range_combo_changed(self, _index: int) -> None:
        custom = self.preset == "custom"
        for widget in (self.first_edit, self.to_label, self.last_edit):
            widget.setVisible(custom)
        self.changed.emit()

    def on_dates_edited(self) -> None:
        first, last = self.custom_dates()
        if last < first:
            self.invalid.emit(f"The range ends ({last:%d %b %Y}) before it starts "
                              f"({first:%d %b %Y}).")
            return
        self.changed.emit()

    def set_choices(self, projects: list[tuple[str, str]], tags: list[tuple[str, str]]) -> None:
        """(id, label) pairs; the current selections are kept when they still exist."""
        for combo, items, everything in ((self.project_combo, projects, "All projects"),
                                         (self.tag_combo, tags, "All tags")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for ident, label in items:
                combo.addItem(label, ident)
            found = combo.findData(current)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)


class TargetDialog(QDialog):
    """Baseline (automatic or a number a week) and the target above it."""

    def __init__(self, baseline: float | None, target: float, on_accept: Callable[
            [float | None, float], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Baseline and target")
        self.baseline = named(QDoubleSpinBox(), "baseline_spin")
        self.baseline.setRange(0, 10_000)
        self.baseline.setDecimals(1)
        self.baseline.setSpecialValueText("Automatic (first 4 full weeks)")
        self.baseline.setSuffix(" tasks a week")
        self.baseline.setValue(baseline or 0)
        self.target = named(QDoubleSpinBox(), "target_spin")
        self.target.setRange(-99, 1000)
        self.target.setDecimals(0)
        self.target.setSuffix(" % above the baseline")
        self.target.setValue(target)
        form = QFormLayout(self)
        form.addRow("Baseline:", self.baseline)
        form.addRow("Target:", self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.accepted.connect(lambda: on_accept(self.baseline.value() or None,
                                                self.target.value()))
