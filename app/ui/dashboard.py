"""The Dashboard view: range and filters, key numbers, the weekly review and the charts."""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.services.analytics_text import kpis
from app.services.analytics_types import PRESETS, Figures, StatsQuery, preset_range
from app.ui import dashboard_jobs as jobs
from app.ui import theme
from app.ui.dashboard_actions import ActionsMixin
from app.ui.dashboard_controls import RangeBar
from app.ui.dashboard_images import HitBox, Rendered
from app.ui.dashboard_later import Later, single_shot
from app.ui.dashboard_widgets import ChartCard, KpiTile, named

if TYPE_CHECKING:
    from app.ui.dashboard_integration import DashboardHost

CARDS = (
    ("completed_week", "Tasks completed per week"),
    ("completed_day", "Tasks completed per day"),
    ("tracked", "Time tracked per day"),
    ("distribution", "Time by project"),
    ("focus", "Focus vs meetings per day"),
    ("estimates", "Estimate vs actual"),
    ("heatmap", "When you work"),
)
TWO_COLUMNS_FROM = 860  # px of width
# Background work waits until the user has looked at a new range for a moment, so that a
# quick second click never queues behind it; scrolling to a blank chart draws it at once.
BACKGROUND_AFTER_MS = 150
WARM_AFTER_MS = 400  # then the likely next ranges are prepared


class Dashboard(ActionsMixin, QWidget):
    """Analytics for a range of days. Every figure is computed on the worker thread.

    Signals:
        loaded(): new figures are shown (KPIs, review, charts installed).
        painted(float): every visible chart has drawn the latest figures; the argument is
            the seconds since they were asked for (the dashboard benchmark reads it).
    """

    loaded = Signal()
    painted = Signal(float)

    def __init__(self, host: DashboardHost, parent: QWidget | None = None,
                 cache: jobs.ResultCache | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.figures: Figures | None = None
        self.timings = (0.0, 0.0)  # seconds computing the figures, drawing the charts
        self.drawn: tuple[str, ...] = ()  # charts drawn for the last request (not cached)
        self.cache = cache or jobs.ResultCache()
        self.dimension = "project"
        self.donut = False
        self._gen = 0
        self._asked_at = 0.0
        self._drawn: set[str] = set()  # charts painted for the current request
        self._installed_gen = -1  # the request whose figures are shown
        self._request: jobs.Request | None = None  # the request shown, and its data stamp
        self._stamp: tuple[object, ...] = ()
        self._hidden: list[str] = []  # charts out of view still to draw for this request
        self._pending: set[str] = set()  # visible charts still to draw for it
        self.later = Later(host.worker)
        self._warm_timer = single_shot(self, WARM_AFTER_MS, self.warm)
        self._background_timer = single_shot(self, BACKGROUND_AFTER_MS, self.later.release)
        self._painted_gen = -1
        self._names: dict[tuple[str, str], str] = {}
        self._build()
        manager = theme.manager()
        if manager is not None:
            manager.theme_changed.connect(self.on_theme_changed)

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        top = self._build_top()
        self._build_cards()
        self.tiles = {caption: KpiTile(caption) for caption in
                      ("Completed", "Target", "Tracked", "Estimates", "Overdue")}
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        self.review = named(QLabel(""), "review")
        self.review.setWordWrap(True)
        self.footnotes = named(QLabel(""), "footnotes")
        self.footnotes.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self._columns = 0
        content = named(QWidget(), "dashboard_content")
        box = QVBoxLayout(content)
        box.addLayout(tiles)
        box.addWidget(self.review)
        box.addLayout(self.grid)
        box.addWidget(self.footnotes)
        box.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self.on_scrolled)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 0)
        outer.addLayout(top)
        outer.addWidget(self.scroll_area, 1)
        self._arrange(2)

    def _build_top(self) -> QHBoxLayout:
        self.range_bar = RangeBar()
        self.range_bar.changed.connect(self.refresh)
        self.range_bar.invalid.connect(self.on_range_invalid)
        self.export_button = named(QToolButton(), "export_button")
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Numbers as CSV…", self.ask_csv)
        menu.addAction("One-page report as PDF…", self.ask_pdf)
        self.export_button.setMenu(menu)
        self.target_button = named(QToolButton(), "target_button")
        self.target_button.setText("Baseline && target…")
        self.target_button.clicked.connect(self.open_target_dialog)
        self.status = named(QLabel(""), "dashboard_status")
        top = QHBoxLayout()
        top.addWidget(self.range_bar, 1)
        top.addWidget(self.status)
        top.addWidget(self.target_button)
        top.addWidget(self.export_button)
        return top

    def _build_cards(self) -> None:
        self.cards = {name: ChartCard(name, title) for name, title in CARDS}
        for card in self.cards.values():
            card.export_requested.connect(self.ask_chart)
            card.hit_clicked.connect(self.on_hit_clicked)
            card.drawn.connect(self.on_card_drawn)
            card.resized.connect(self.on_card_resized)
        self.dimension_combo = named(QComboBox(), "dimension_combo")
        for key, label in (("project", "By project"), ("tag", "By tag"), ("task", "By task")):
            self.dimension_combo.addItem(label, key)
        self.shape_combo = named(QComboBox(), "shape_combo")
        self.shape_combo.addItems(["Bars", "Donut"])
        self.cards["distribution"].add_header_widget(self.shape_combo)
        self.cards["distribution"].add_header_widget(self.dimension_combo)
        self.dimension_combo.currentIndexChanged.connect(self.on_distribution_changed)
        self.shape_combo.currentIndexChanged.connect(self.on_distribution_changed)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            last_alone = i == len(self.cards) - 1 and len(self.cards) % columns
            self.grid.addWidget(card, i // columns, i % columns, 1, columns if last_alone else 1)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Out of sight (another view, or the window closing): no more background work;
        showing the page again refreshes and restarts it."""
        self._warm_timer.stop()
        self._background_timer.stop()
        self.later.hold()
        super().hideEvent(event)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self._arrange(2 if self.width() >= TWO_COLUMNS_FROM else 1)
        super().resizeEvent(event)  # type: ignore[arg-type]

    # -- loading ---------------------------------------------------------------------------
    def query(self) -> StatsQuery:
        bar = self.range_bar
        if bar.preset == "custom":
            first, last = bar.custom_dates()
        else:
            first, last = preset_range(bar.preset, self.host.services.clock.today())
            bar.set_dates(first, last)
        project = str(bar.project_combo.currentData() or "")
        tag = str(bar.tag_combo.currentData() or "")
        return StatsQuery(first, last, (project,) if project else (), (tag,) if tag else ())

    def request(self, query: StatsQuery) -> jobs.Request:
        """The query with the current look and every chart's size, visible charts first."""
        visible = self.visible_cards()
        if not visible:  # not laid out yet: the first row or two will show first
            visible = list(self.cards)[:4]
        names = visible + [n for n in self.cards if n not in visible]
        sizes = tuple((n, self.cards[n].canvas.size_key()) for n in names)
        return jobs.Request(query, theme.current().dark, self.dimension, self.donut, sizes,
                            len(visible))

    def refresh(self, with_choices: bool = False, asked_at: float | None = None) -> None:
        """Ask the worker for the figures and the visible charts of the chosen range (stale
        answers are dropped); the other charts and likely next ranges follow in the
        background."""
        try:
            query = self.query()
        except UserFacingError as exc:
            self.on_range_invalid(str(exc))
            return
        self._gen += 1
        self.cache.generation = self._gen  # queued background work for older requests: skip
        self._asked_at = time.perf_counter() if asked_at is None else asked_at
        self.later.hold()
        self._warm_timer.stop()
        self._background_timer.stop()
        self.status.setText("Updating…")
        request = self.request(query)
        self.host.worker.run(
            jobs.prepare, self.host.services, request, self.cache, with_choices,
            write=False, slow=True, key="dashboard",
            on_done=partial(self._on_prepared, self._gen, request), on_error=self.on_job_error)

    def _on_prepared(self, gen: int, request: jobs.Request, prepared: jobs.Prepared) -> None:
        if gen != self._gen:
            return
        if prepared.choices is not None:
            projects, tags = prepared.choices
            self._names = {("project", p.id): p.name for p in projects}
            self._names.update({("tag", t.id): t.name for t in tags})
            self.range_bar.set_choices([(p.id, p.name) for p in projects],
                                       [(t.id, f"@{t.name}") for t in tags])
        self.figures = prepared.figures
        self._request, self._stamp = request, prepared.stamp
        self._show_numbers(prepared.figures)
        self._drawn = set()
        for name in request.names:  # charts not drawn yet stay blank: never a stale one
            self.cards[name].show_rendered(prepared.images.get(name), gen)
        self._installed_gen = gen
        self.timings = (prepared.seconds, prepared.build_seconds)
        self.drawn = prepared.drawn
        self.status.setText("Up to date" if prepared.cached else
                            f"Figures in {prepared.seconds * 1000:.0f} ms")
        self._pending = {n for n in request.names[:request.first] if n not in prepared.images}
        self._hidden = [n for n in request.names[request.first:] if n not in prepared.images]
        for name in request.names[:request.first]:
            if name in self._pending:  # the first opening: drawn one by one while
                self._draw_later(name)  # matplotlib loads
        if self._pending:
            self.later.release()
        else:
            self._draw_hidden()
        self.loaded.emit()
        QTimer.singleShot(0, self._check_painted)

    def _show_numbers(self, f: Figures) -> None:
        for caption, value, detail in kpis(f):
            self.tiles[caption].set_values(value, detail)
        self.review.setText(f.review)
        self.footnotes.setText("\n".join(f"· {note}" for note in f.footnotes))

    def _draw_later(self, name: str, front: bool = False) -> None:
        """Draw one chart of the shown figures in the background, at its current size."""
        if self._request is None:
            return
        request = replace(self._request, sizes=((name, self.cards[name].canvas.size_key()),),
                          first=1)
        self.later.add(jobs.draw_later, request, name, self._stamp, self.cache, self._gen,
                       on_done=partial(self._on_drawn_later, self._gen, name), front=front,
                       tag=name)

    def _on_drawn_later(self, gen: int, name: str, rendered: Rendered | None) -> None:
        if rendered is not None and gen == self._gen:
            self.cards[name].show_rendered(rendered, gen)
            if name in self._pending:
                self._pending.discard(name)
                if not self._pending:  # the visible ones are in
                    self._draw_hidden()

    def _draw_hidden(self) -> None:
        """Once the visible charts are in and the user has looked a moment: the charts out
        of view, then the likely next ranges."""
        self.later.hold(keep=True)
        for name in self._hidden:
            self._draw_later(name)
        self._hidden = []
        self._background_timer.start()
        self._warm_timer.start()

    def on_card_resized(self, name: str) -> None:
        if not self.cards[name].canvas.fits():
            visible = name in self.visible_cards()
            self._draw_later(name, front=visible)
            if visible and self._installed_gen == self._gen:
                self.later.release()  # a stretched chart on screen: redraw it now

    def on_scrolled(self, _value: int = 0) -> None:
        """Charts scrolled (or laid out) into view that are still blank are drawn next."""
        if self._installed_gen != self._gen:
            return  # a new request is on its way: it draws the visible charts first
        blank = [n for n in self.visible_cards() if self.cards[n].canvas.rendered is None]
        for name in blank:
            if name in self._hidden:  # not queued yet: the visible ones come first
                self._hidden.remove(name)
                self._pending.add(name)
                self._draw_later(name)
        if blank:
            self.later.promote(set(blank))
            self.later.release()

    def warm(self) -> None:
        """While the user looks: the other preset ranges' figures and visible charts."""
        if self._request is None or not self.isVisible():
            return
        current, today = self._request.query, self.host.services.clock.today()
        for preset in PRESETS:
            first, last = preset_range(preset, today)
            if (first, last) == (current.first, current.last):
                continue
            request = self.request(replace(current, first=first, last=last))
            self.later.add(jobs.warm, self.host.services, request, self.cache, self._gen,
                           on_done=partial(self._on_warmed, self._gen, request))

    def _on_warmed(self, gen: int, request: jobs.Request,
                   stamp: tuple[object, ...] | None) -> None:
        if stamp is None or gen != self._gen:
            return
        for name in request.names[:request.first]:
            self.later.add(jobs.draw_later, request, name, stamp, self.cache, gen,
                           on_done=lambda _r: None)

    # -- painting --------------------------------------------------------------------------
    def visible_cards(self) -> list[str]:
        return [name for name, card in self.cards.items()
                if card.isVisible() and not card.canvas.visibleRegion().isEmpty()]

    def is_painted(self) -> bool:
        """Every visible chart shows the latest figures."""
        return self._painted_gen == self._gen == self._installed_gen

    def on_card_drawn(self, name: str) -> None:
        if self.cards[name].gen == self._gen:
            self._drawn.add(name)
            self._check_painted()

    def _check_painted(self) -> None:
        if self._painted_gen == self._gen or self._installed_gen != self._gen:
            return
        self.on_scrolled()  # the window may have grown since the request: more to draw
        visible = self.visible_cards()
        if visible and all(n in self._drawn for n in visible):
            self._painted_gen = self._gen
            self.painted.emit(time.perf_counter() - self._asked_at)

    # -- reactions -------------------------------------------------------------------------
    def on_range_invalid(self, message: str) -> None:
        self.status.setText(message)
        self.host.show_message(message)

    def on_job_error(self, error: UserFacingError) -> None:
        self.later.release()
        self.status.setText(str(error))
        self.host.show_message(str(error))

    def on_theme_changed(self, _dark: bool) -> None:
        if self.figures is not None:  # the figures come from the cache: charts are redrawn
            self.refresh()

    def on_distribution_changed(self, _index: int) -> None:
        self.dimension = str(self.dimension_combo.currentData())
        self.donut = self.shape_combo.currentIndex() == 1
        if self.figures is not None:  # only the distribution chart is drawn again
            self.refresh()

    def on_hit_clicked(self, hit: HitBox) -> None:
        """A project or tag bar: show its tasks in the list."""
        from app.services.task_query import View  # loads SQLAlchemy: not at opening

        name = self._names.get((hit.kind, hit.ref), "")
        title = name if hit.kind == "project" else f"@{name}"
        self.host.show_view(View(hit.kind, hit.ref, title))
