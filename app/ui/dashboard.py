"""The Dashboard view: range and filters, key numbers, the weekly review and the charts."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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
from app.services.analytics_types import Figures, StatsQuery, preset_range
from app.services.task_query import View
from app.ui import dashboard_jobs as jobs
from app.ui import theme
from app.ui.chart_kit import ChartFigure, Hit
from app.ui.dashboard_widgets import ChartCard, KpiTile, RangeBar, TargetDialog, named

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


class Dashboard(QWidget):
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
        self.timings = (0.0, 0.0)  # seconds computing the figures, building the charts
        self.cache = cache or jobs.ResultCache()
        self.dimension = "project"
        self.donut = False
        self._gen = 0
        self._asked_at = 0.0
        self._drawn: set[str] = set()
        self._installed_gen = -1  # the request whose charts the cards show
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

    def refresh(self, with_choices: bool = False) -> None:
        """Ask the worker for the figures of the chosen range (stale answers are dropped)."""
        try:
            query = self.query()
        except UserFacingError as exc:
            self.on_range_invalid(str(exc))
            return
        self._gen += 1
        self._asked_at = time.perf_counter()
        self.status.setText("Updating…")
        self.host.worker.run(
            jobs.prepare, self.host.services, query, theme.current().dark, self.dimension,
            self.donut, with_choices, self.cache, write=False, slow=True, key="dashboard",
            on_done=partial(self._on_prepared, self._gen), on_error=self.on_job_error)

    def adopt(self, prepared: jobs.Prepared, asked_at: float) -> None:
        """Show figures computed before this widget existed (the first opening)."""
        self._gen += 1
        self._asked_at = asked_at
        self.range_bar.set_dates(prepared.figures.query.first, prepared.figures.query.last)
        self._on_prepared(self._gen, prepared)

    def _on_prepared(self, gen: int, prepared: jobs.Prepared) -> None:
        if gen != self._gen:
            return
        if prepared.choices is not None:
            projects, tags = prepared.choices
            self._names = {("project", p.id): p.name for p in projects}
            self._names.update({("tag", t.id): t.name for t in tags})
            self.range_bar.set_choices([(p.id, p.name) for p in projects],
                                       [(t.id, f"@{t.name}") for t in tags])
        self.figures = prepared.figures
        self._show_numbers(prepared.figures)
        self._install(prepared.charts)
        self._installed_gen = gen
        self.timings = (prepared.seconds, prepared.build_seconds)
        self.status.setText("Up to date" if prepared.cached else
                            f"Figures in {prepared.seconds * 1000:.0f} ms")
        self.loaded.emit()

    def _show_numbers(self, f: Figures) -> None:
        for caption, value, detail in kpis(f):
            self.tiles[caption].set_values(value, detail)
        self.review.setText(f.review)
        self.footnotes.setText("\n".join(f"· {note}" for note in f.footnotes))

    def _install(self, charts: dict[str, ChartFigure]) -> None:
        self._drawn = set()
        for name, figure in charts.items():
            self.cards[name].set_figure(figure)
        QTimer.singleShot(0, self._check_painted)

    # -- painting --------------------------------------------------------------------------
    def visible_cards(self) -> list[str]:
        return [name for name, card in self.cards.items()
                if card.canvas is not None and card.isVisible()
                and not card.canvas.visibleRegion().isEmpty()]

    def is_painted(self) -> bool:
        """Every visible chart shows the latest figures."""
        return self._painted_gen == self._gen == self._installed_gen

    def on_card_drawn(self, name: str) -> None:
        self._drawn.add(name)
        self._check_painted()

    def _check_painted(self) -> None:
        if self._painted_gen == self._gen or self._installed_gen != self._gen:
            return
        visible = self.visible_cards()
        if visible and all(name in self._drawn for name in visible):
            self._painted_gen = self._gen
            self.painted.emit(time.perf_counter() - self._asked_at)

    # -- reactions -------------------------------------------------------------------------
    def on_range_invalid(self, message: str) -> None:
        self.status.setText(message)
        self.host.show_message(message)

    def on_job_error(self, error: UserFacingError) -> None:
        self.status.setText(str(error))
        self.host.show_message(str(error))

    def on_theme_changed(self, dark: bool) -> None:
        if self.figures is not None:
            self.host.worker.run(jobs.build, self.figures, dark, self.dimension, self.donut,
                                 write=False, slow=True, on_error=self.on_job_error,
                                 on_done=partial(self._on_restyled, self._gen))

    def _on_restyled(self, gen: int, charts: dict[str, ChartFigure]) -> None:
        if gen == self._gen:  # else newer figures are on their way, in the new colours
            self._install(charts)

    def on_distribution_changed(self, _index: int) -> None:
        self.dimension = str(self.dimension_combo.currentData())
        self.donut = self.shape_combo.currentIndex() == 1
        if self.figures is not None:
            self.host.worker.run(jobs.one_chart, self.figures, "distribution",
                                 theme.current().dark, self.dimension, self.donut,
                                 write=False, slow=True, on_error=self.on_job_error,
                                 on_done=partial(self._on_distribution_built, self._gen))

    def _on_distribution_built(self, gen: int, figure: ChartFigure) -> None:
        if gen == self._gen:
            self.cards["distribution"].set_figure(figure)

    def on_hit_clicked(self, hit: Hit) -> None:
        """A project or tag bar: show its tasks in the list."""
        name = self._names.get((hit.kind, hit.ref), "")
        title = name if hit.kind == "project" else f"@{name}"
        self.host.show_view(View(hit.kind, hit.ref, title))

    def open_target_dialog(self) -> None:
        f = self.figures
        baseline = f.baseline.per_week if f is not None and f.baseline.source == "set" else None
        target = f.target_percent if f is not None else 20.0
        dialog = TargetDialog(baseline, target, self.save_target, self)
        dialog.open()

    def save_target(self, baseline: float | None, target: float) -> None:
        self.host.worker.run(jobs.save_settings, self.host.services, baseline, target,
                             on_done=lambda _r: self.refresh(), on_error=self.on_job_error)

    # -- exports ---------------------------------------------------------------------------
    def _suggest(self, stem: str, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        q = self.figures.query if self.figures is not None else None
        span = f"-{q.first:%Y%m%d}-{q.last:%Y%m%d}" if q is not None else ""
        return str(Path(folder) / f"cadence-{stem}{span}.{suffix}")

    def _ask(self, caption: str, stem: str, suffix: str, pattern: str,
             then: partial[None]) -> None:
        dialog = QFileDialog(self, caption, self._suggest(stem, suffix), pattern)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.fileSelected.connect(lambda path: then(Path(path)))
        dialog.open()

    def ask_chart(self, name: str, fmt: str) -> None:
        self._ask("Save chart", name, fmt, f"{fmt.upper()} image (*.{fmt})",
                  partial(self.export_chart, name))

    def ask_csv(self) -> None:
        self._ask("Save the numbers", "numbers", "csv", "CSV (*.csv)", partial(self.export_csv))

    def ask_pdf(self) -> None:
        self._ask("Save the report", "report", "pdf", "PDF (*.pdf)", partial(self.export_pdf))

    def _export(self, fn: object, *args: object) -> None:
        if self.figures is None:
            self.host.show_message("Nothing to export yet.")
            return
        self.host.worker.run(fn, self.figures, *args, write=False, slow=True,  # type: ignore[arg-type]
                             on_done=self.on_exported, on_error=self.on_job_error)

    def export_chart(self, name: str, path: Path) -> None:
        self._export(jobs.export_chart, name, path, theme.current().dark, self.dimension,
                     self.donut)

    def export_csv(self, path: Path) -> None:
        self._export(jobs.export_csv, path)

    def export_pdf(self, path: Path) -> None:
        self._export(jobs.export_pdf, path, self.scope_text())

    def on_exported(self, path: Path) -> None:
        self.host.show_message(f"Saved {path}")

    def scope_text(self) -> str:
        bar = self.range_bar
        parts = [c.currentText() for c in (bar.project_combo, bar.tag_combo)
                 if c.currentData()]
        return " and ".join(parts) or "All projects"
