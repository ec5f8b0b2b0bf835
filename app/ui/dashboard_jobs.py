"""Dashboard work that runs on the worker thread: figures, charts, exports (no widgets here).

Importing this module is cheap: matplotlib (~0.5 s) and numpy load on first use, off the
GUI thread, so the main window never pays for them at start-up.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import StoreError, ValidationError

if TYPE_CHECKING:
    from app.services.analytics_types import Figures, StatsQuery
    from app.services.dto import ProjectDTO, TagDTO
    from app.services.facade import Services
    from app.ui.chart_kit import ChartFigure

_imported = threading.Event()
_import_started = threading.Event()
_import_lock = threading.Lock()


def _import_matplotlib() -> None:
    try:
        import matplotlib.backends.backend_qtagg  # noqa: F401 - the Qt canvas, for later

        import app.ui.charts  # noqa: F401
    finally:
        _imported.set()


def warm_up() -> None:
    """Start importing matplotlib in the background (once); prepare() waits for it.

    The import overlaps with the first figures being computed (SQLite releases the GIL
    while it runs a query), which is what gets the first dashboard painted in time.
    """
    with _import_lock:
        if _import_started.is_set():
            return
        _import_started.set()
    threading.Thread(target=_import_matplotlib, name="cadence-mpl-import", daemon=True).start()


@dataclass
class Prepared:
    """Figures and their charts for one query, ready to show."""

    figures: Figures
    charts: dict[str, ChartFigure]
    seconds: float  # computing the figures
    build_seconds: float  # building the charts
    choices: tuple[list[ProjectDTO], list[TagDTO]] | None = field(default=None)
    cached: bool = False


CacheKey = tuple[object, ...]


class ResultCache:
    """The last few results by query and look, valid while the data stamp is unchanged.

    Going back to a range seen a moment ago then costs one stamp query instead of the
    figures and the charts. Used from the worker thread only (the lock is for safety).
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[CacheKey, tuple[tuple[object, ...], Prepared]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey, stamp: tuple[object, ...]) -> Prepared | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != stamp:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: CacheKey, stamp: tuple[object, ...], prepared: Prepared) -> None:
        with self._lock:
            self._items[key] = (stamp, prepared)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def prepare(services: Services, query: StatsQuery, dark: bool, dimension: str, donut: bool,
            with_choices: bool = False, cache: ResultCache | None = None) -> Prepared:
    """Compute every figure, then build every chart (runs on the worker thread)."""
    from app.services.analytics import AnalyticsService

    warm_up()
    t0 = time.perf_counter()
    analytics = AnalyticsService(services.store, services.clock)
    choices = (services.projects.list(), services.tags.list()) if with_choices else None
    key: CacheKey = (query, dark, dimension, donut)
    stamp = analytics.stamp() if cache is not None else ()
    found = cache.get(key, stamp) if cache is not None else None
    if found is not None:
        return replace(found, seconds=time.perf_counter() - t0, build_seconds=0.0,
                       choices=choices, cached=True)
    figures = analytics.figures(query)
    t1 = time.perf_counter()
    _imported.wait()
    charts = build(figures, dark, dimension, donut)
    prepared = Prepared(figures, charts, t1 - t0, time.perf_counter() - t1, choices)
    if cache is not None:
        cache.put(key, stamp, prepared)
    return prepared


def build(figures: Figures, dark: bool, dimension: str, donut: bool) -> dict[str, ChartFigure]:
    """The charts alone (a theme switch or another distribution needs no new figures)."""
    from app.ui import charts
    from app.ui.chart_kit import ChartStyle

    return charts.build_all(figures, ChartStyle(dark), dimension=dimension, donut=donut)


def one_chart(figures: Figures, name: str, dark: bool, dimension: str, donut: bool,
              legend: bool = False) -> ChartFigure:
    from app.ui import charts
    from app.ui.chart_kit import ChartStyle

    style = ChartStyle(dark)
    if name == "distribution":
        return charts.distribution_chart(figures, style, dimension, donut=donut, legend=legend)
    return charts.CHARTS[name](figures, style, legend)


def _target(path: Path, suffixes: tuple[str, ...]) -> Path:
    if path.suffix.lower() not in suffixes:
        path = path.with_suffix(suffixes[0])
    if not path.parent.is_dir():
        raise ValidationError(f"The folder {path.parent} does not exist.")
    return path


def export_chart(figures: Figures, name: str, path: Path, dark: bool, dimension: str,
                 donut: bool) -> Path:
    """Save one chart as PNG or SVG (a fresh figure, so the one on screen is never touched)."""
    path = _target(path, (".png", ".svg"))
    fig = one_chart(figures, name, dark, dimension, donut, legend=True)
    fig.set_size_inches(8.0, 3.6)
    fig.add_title()
    try:
        fig.savefig(path, dpi=150, facecolor=fig.get_facecolor())
    except OSError as exc:
        raise StoreError(f"Could not write {path}: {exc.strerror or exc}") from exc
    return path


def export_csv(figures: Figures, path: Path) -> Path:
    from app.services.analytics_export import write_csv

    path = _target(path, (".csv",))
    write_csv(figures, path)
    return path


def export_pdf(figures: Figures, path: Path, scope: str = "") -> Path:
    """A one-page report of the range (always in light colours: it is meant for paper)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from app.ui.charts_report import report_figure

    path = _target(path, (".pdf",))
    fig = report_figure(figures, scope)
    try:
        with PdfPages(path, metadata={"Title": "Cadence report", "Creator": "Cadence"}) as pdf:
            pdf.savefig(fig)
    except OSError as exc:
        raise StoreError(f"Could not write {path}: {exc.strerror or exc}") from exc
    return path


def save_settings(services: Services, baseline: float | None, target: float) -> None:
    from app.services.analytics import AnalyticsService

    analytics = AnalyticsService(services.store, services.clock)
    analytics.set_baseline(baseline)
    analytics.set_target_percent(target)


def load_settings(services: Services) -> tuple[float | None, float]:
    from app.services.analytics import AnalyticsService

    return AnalyticsService(services.store, services.clock).settings()
