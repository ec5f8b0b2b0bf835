"""Dashboard work that runs on the worker thread: figures, chart images, exports (no widgets).

Importing this module is cheap: matplotlib (~0.3-0.5 s) and numpy load on first use, off
the GUI thread, so the main window never pays for them at start-up. Charts are drawn
here with Agg into plain pixel buffers (``Rendered``); the GUI thread only shows them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import StoreError, ValidationError

if TYPE_CHECKING:
    from app.services.analytics_tracked import LookupMemo
    from app.services.analytics_types import Figures, StatsQuery
    from app.services.dto import ProjectDTO, TagDTO
    from app.services.facade import Services
    from app.ui.chart_kit import ChartFigure
    from app.ui.dashboard_images import Rendered

_imported = threading.Event()
_import_started = threading.Event()
_import_lock = threading.Lock()


def _import_matplotlib() -> None:
    try:
        import app.ui.charts  # noqa: F401
        import app.ui.dashboard_render  # noqa: F401 - the Agg canvas
    finally:
        _imported.set()


def warm_up() -> None:
    """Start importing matplotlib in the background (once); drawing waits for it.

    The import overlaps with the first figures being computed (SQLite and numpy release
    the GIL while they work), which is what gets the first dashboard painted in time.
    """
    with _import_lock:
        if _import_started.is_set():
            return
        _import_started.set()
    threading.Thread(target=_import_matplotlib, name="cadence-mpl-import", daemon=True).start()


Size = tuple[int, int, float]  # logical width, height, device pixel ratio
ChartKey = tuple[object, ...]


@dataclass(frozen=True)
class Request:
    """What the dashboard shows: a query, its look, and each chart's size on screen."""

    query: StatsQuery
    dark: bool
    dimension: str  # "project", "tag" or "task" (the distribution chart)
    donut: bool
    sizes: tuple[tuple[str, Size], ...]  # (chart name, size), the visible charts first
    first: int  # how many of them to draw before answering (the visible ones)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.sizes)

    def size(self, name: str) -> Size:
        return dict(self.sizes)[name]

    def chart_key(self, name: str) -> ChartKey:
        """What a chart's look depends on (only one chart follows the dimension)."""
        if name == "distribution":
            return (name, self.dark, self.dimension, self.donut)
        return (name, self.dark)


@dataclass
class Prepared:
    """Figures and the first chart images for one request, ready to show."""

    figures: Figures
    images: dict[str, Rendered]
    stamp: tuple[object, ...]  # the data the figures were computed from
    seconds: float  # computing (or finding) the figures
    build_seconds: float  # building and drawing the charts
    choices: tuple[list[ProjectDTO], list[TagDTO]] | None = field(default=None)
    cached: bool = False  # the figures came from the cache
    drawn: tuple[str, ...] = ()  # charts drawn now (the others' images were in the cache)


@dataclass
class _Entry:
    stamp: tuple[object, ...]
    figures: Figures | None = None
    charts: dict[ChartKey, ChartFigure] = field(default_factory=dict)
    images: dict[tuple[ChartKey, Size], Rendered] = field(default_factory=dict)


class ResultCache:
    """Figures, charts and their images for the last few queries, valid while the data
    stamp is unchanged: going back to a range costs one stamp query.

    Used from the worker thread (the lock is for safety). ``generation`` is bumped by the
    GUI whenever the user asks for something new: background work queued before then is
    skipped when its turn comes.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.generation = 0
        self.memo: LookupMemo | None = None  # tasks, tags, projects, while the data holds
        self._items: OrderedDict[StatsQuery, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def entry(self, query: StatsQuery, stamp: tuple[object, ...], *,
              create: bool = True) -> _Entry | None:
        """The entry for the query at this stamp (a fresh one replaces a stale one)."""
        with self._lock:
            found = self._items.get(query)
            if found is None or found.stamp != stamp:
                if not create:
                    return None
                found = _Entry(stamp)
                self._items[query] = found
            self._items.move_to_end(query)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return found


def _figures(services: Services, query: StatsQuery, cache: ResultCache,
             ) -> tuple[_Entry, bool]:
    """The cache entry holding the query's figures (computed unless already there)."""
    from app.services.analytics import AnalyticsService
    from app.services.analytics_tracked import LookupMemo

    if cache.memo is None:
        cache.memo = LookupMemo()
    analytics = AnalyticsService(services.store, services.clock, cache.memo)
    stamp = analytics.stamp()
    entry = cache.entry(query, stamp)
    assert entry is not None
    if entry.figures is not None:
        return entry, True
    entry.figures = analytics.figures(query, stamp)
    return entry, False


def _draw(entry: _Entry, request: Request, name: str,
          drawn: list[str] | None = None) -> Rendered:
    """One chart of the entry's figures, drawn at its size (both kept in the entry);
    its name is added to ``drawn`` unless the image was there already."""
    from app.ui.dashboard_render import render

    key, size = request.chart_key(name), request.size(name)
    image = entry.images.get((key, size))
    if image is not None:
        return image
    if drawn is not None:
        drawn.append(name)
    _imported.wait()
    figure = entry.charts.get(key)
    if figure is None:
        assert entry.figures is not None
        figure = one_chart(entry.figures, name, request.dark, request.dimension, request.donut)
        entry.charts[key] = figure
    image = render(name, figure, *size)
    entry.images[(key, size)] = image
    return image


def prepare(services: Services, request: Request, cache: ResultCache,
            with_choices: bool = False) -> Prepared:
    """The figures, then the first (visible) charts drawn (runs on the worker thread)."""
    warm_up()
    t0 = time.perf_counter()
    choices = (services.projects.list(), services.tags.list()) if with_choices else None
    entry, cached = _figures(services, request.query, cache)
    t1 = time.perf_counter()
    drawn: list[str] = []
    # Until matplotlib has loaded (the first opening) the numbers go ahead: the GUI shows
    # them at once and asks for the visible charts one by one.
    names = request.names[:request.first] if _imported.is_set() else ()
    images = {name: _draw(entry, request, name, drawn) for name in names}
    assert entry.figures is not None
    return Prepared(entry.figures, images, entry.stamp, t1 - t0, time.perf_counter() - t1,
                    choices, cached, tuple(drawn))


def draw_later(request: Request, name: str, stamp: tuple[object, ...], cache: ResultCache,
               generation: int) -> Rendered | None:
    """Background: one more chart of figures already in the cache (None: not wanted now)."""
    if cache.generation != generation:
        return None
    entry = cache.entry(request.query, stamp, create=False)
    if entry is None or entry.figures is None:
        return None
    return _draw(entry, request, name)


def warm(services: Services, request: Request, cache: ResultCache,
         generation: int) -> tuple[object, ...] | None:
    """Background: the figures of a range the user may pick next, into the cache.

    Returns the stamp they belong to (None: skipped, the user asked for something else).
    """
    if cache.generation != generation:
        return None
    entry, _cached = _figures(services, request.query, cache)
    return entry.stamp


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
