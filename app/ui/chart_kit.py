"""Building blocks for the charts: colours, panels with fixed margins, hit boxes, bars, ticks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import Collection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from app.ui.dashboard_images import LegendItem

WEEKLY_AFTER_DAYS = 62  # longer ranges show per-day series summed by week
LABEL_CHARS = 26


@dataclass(frozen=True)
class ChartStyle:
    """Colours for a light or dark window (the figure blends into the card behind it)."""

    dark: bool

    @property
    def bg(self) -> str:
        return "#1f2125" if self.dark else "#ffffff"

    @property
    def fg(self) -> str:
        return "#e6e6e6" if self.dark else "#1f2328"

    @property
    def muted(self) -> str:
        return "#9aa0a6" if self.dark else "#6b7078"

    @property
    def grid(self) -> str:
        return "#34373d" if self.dark else "#e4e7eb"

    @property
    def accent(self) -> str:
        return "#6aa7ff" if self.dark else "#2f6fde"

    @property
    def second(self) -> str:
        return "#f5a524" if self.dark else "#e0680f"

    @property
    def good(self) -> str:
        return "#4ade80" if self.dark else "#1b7f3b"

    @property
    def trend(self) -> str:
        return "#c792ea" if self.dark else "#8e4ec6"

    @property
    def estimate(self) -> str:
        return "#7d838c" if self.dark else "#b4b9c0"


@dataclass(frozen=True)
class Hit:
    """A hoverable (and, for projects and tags, clickable) part of a chart.

    Most hits are boxes in data coordinates of ``ax`` (bars, heatmap cells): hit testing
    is arithmetic, however many bars there are. A hit with an ``artist`` (a donut wedge)
    asks the artist instead.
    """

    ax: Axes
    box: tuple[float, float, float, float]  # x0, x1, y0, y1 in data coordinates
    text: str
    kind: str = ""  # "project", "tag", "task" or "" (read-out only)
    ref: str = ""
    artist: Artist | None = None

    def contains(self, ax: Axes | None, x: float | None, y: float | None) -> bool:
        if ax is not self.ax or x is None or y is None:
            return False
        x0, x1, y0, y1 = self.box
        return min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)


@dataclass
class Panel:
    """One chart's area of a figure (the whole of it, or a cell of the PDF report).

    The plot sits inside ``rect`` (figure fractions) with margins in points, fixed however
    the canvas is resized: no layout engine has to measure text on every draw (a
    constrained layout doubled the draw time).
    """

    fig: Figure
    style: ChartStyle
    rect: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    margins: dict[str, float] = field(
        default_factory=lambda: {"left": 36.0, "right": 10.0, "top": 8.0, "bottom": 20.0})
    hits: list[Hit] = field(default_factory=list)
    empty: bool = False
    font: float = 8.0
    legend_in_figure: bool = False
    legend: list[LegendItem] = field(default_factory=list)

    def plot_box(self) -> Bbox:
        """Where the plot goes, in figure fractions, for the figure's current size."""
        fw, fh = (v * 72.0 for v in self.fig.get_size_inches())
        rx, ry, rw, rh = self.rect
        m = self.margins
        x0, y0 = rx + m["left"] / fw, ry + m["bottom"] / fh
        return Bbox.from_bounds(x0, y0, max(rx + rw - x0 - m["right"] / fw, 0.02),
                                max(ry + rh - y0 - m["top"] / fh, 0.02))

    def axes(self) -> Axes:
        s = self.style
        ax = self.fig.add_axes(self.rect)
        ax.set_axes_locator(lambda _ax, _renderer: self.plot_box())
        ax.set_facecolor(s.bg)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(s.grid)
        ax.tick_params(colors=s.muted, labelsize=self.font, length=0, pad=4)
        ax.yaxis.grid(True, color=s.grid, linewidth=0.8)
        ax.set_axisbelow(True)
        fixed_labels(ax)
        return ax

    def show_empty(self, ax: Axes, text: str) -> None:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.yaxis.grid(False)
        ax.spines["bottom"].set_visible(False)
        ax.text(0.5, 0.5, text, ha="center", va="center", color=self.style.muted,
                fontsize=self.font + 2, transform=ax.transAxes)
        self.empty = True

    def legend_above(self, ax: Axes, columns: int) -> None:
        """Record the labelled artists as legend items; draw them only in exported figures."""
        handles, labels = ax.get_legend_handles_labels()
        self.legend = [_item(h, label) for h, label in zip(handles, labels, strict=True)]
        if not handles or not self.legend_in_figure:
            return
        rows = -(-len(handles) // columns)
        self.margins["top"] = 6.0 + (self.font + 4.0) * rows
        ax.legend(loc="lower left", fontsize=self.font - 1, frameon=False, ncols=columns,
                  labelcolor=self.style.fg, bbox_to_anchor=(0, 1.0), borderaxespad=0.2,
                  handlelength=1.2, columnspacing=1.0)

    def category_axis(self, ax: Axes, labels: Sequence[str]) -> None:
        """Horizontal bars: category names on the left, hours along the bottom."""
        # About 0.6 em a character: wide enough for the truncated labels.
        width = max((len(t) for t in labels), default=4) * self.font * 0.61 + 12.0
        self.margins["left"] = min(width, 160.0)
        ax.tick_params(axis="y", colors=self.style.fg)
        ax.yaxis.grid(False)
        ax.xaxis.grid(True, color=self.style.grid, linewidth=0.8)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g} h")

    def day_ticks(self, ax: Axes, days: Sequence[date]) -> None:
        """Every day for a week or two, Mondays for a couple of months, else month starts."""
        n = len(days)
        if n <= 14:
            picks = list(range(n))
            labels = [f"{d.strftime('%a')}\n{d.day}" for d in days]
            self.margins["bottom"] = 2 * self.font + 14.0
        elif n <= WEEKLY_AFTER_DAYS:
            picks = [i for i, d in enumerate(days) if d.weekday() == 0]
            labels = [day_label(days[i]) for i in picks]
        else:
            picks = [i for i, d in enumerate(days) if d.day == 1] or [0]
            labels = [days[i].strftime("%b") for i in picks]
        ax.set_xticks(picks, labels)
        slot_axis(ax, n)

    def week_ticks(self, ax: Axes, mondays: Sequence[date]) -> None:
        n = len(mondays)
        step = 1 if n <= 8 else 2 if n <= 16 else 4 if n <= 30 else 8
        picks = list(range(0, n, step))
        ax.set_xticks(picks, [day_label(mondays[i]) for i in picks])
        slot_axis(ax, n)


def _item(handle: Artist | BarContainer, label: str) -> LegendItem:
    if isinstance(handle, Line2D):
        style = {":": "dotted", "--": "dashed"}.get(str(handle.get_linestyle()), "line")
        return LegendItem(label, to_hex(handle.get_color()), style)
    if isinstance(handle, Collection):
        alpha = handle.get_alpha()
        face: Any = handle.get_facecolor()  # an (n, 4) array of RGBA rows
        kind = "faint" if alpha is not None and alpha < 1 else "box"
        return LegendItem(label, to_hex(face[0]), kind)
    if isinstance(handle, BarContainer) and handle.patches:
        handle = handle.patches[0]
    if isinstance(handle, Patch):
        return LegendItem(label, to_hex(handle.get_facecolor()))
    return LegendItem(label, "#888888")


class ChartFigure(Figure):
    """A Figure holding one chart, which also knows what its bars mean (hover, click)."""

    def __init__(self, style: ChartStyle, title: str, size: tuple[float, float] = (6.0, 2.7),
                 *, legend: bool = False) -> None:
        super().__init__(figsize=size, dpi=100, facecolor=style.bg)
        self.chart_title = title
        self.panel = Panel(self, style, legend_in_figure=legend)

    @property
    def legend_items(self) -> list[LegendItem]:
        return self.panel.legend

    @property
    def hits(self) -> list[Hit]:
        return self.panel.hits

    @property
    def empty(self) -> bool:
        return self.panel.empty

    def hit_at(self, ax: Axes | None, x: float | None, y: float | None) -> Hit | None:
        """The part of the chart at data point (x, y) of ax, if any."""
        for hit in self.panel.hits:
            if hit.artist is None and hit.contains(ax, x, y):
                return hit
        return None

    def add_title(self) -> None:
        """Put the title into the figure (for exported files; on screen the card shows it)."""
        self.panel.margins["top"] += 22.0
        self.text(0.01, 0.98, self.chart_title, ha="left", va="top", fontsize=10,
                  fontweight="bold", color=self.panel.style.fg)


def fixed_labels(ax: Axes) -> None:
    """The charts have no axis labels: fixing where they would go spares every draw from
    measuring all tick labels to place them (~7% of a chart's draw time)."""
    ax.xaxis.set_label_coords(0.5, 0.0)
    ax.yaxis.set_label_coords(0.0, 0.5)


def slot_axis(ax: Axes, n: int) -> None:
    """x limits for n bars, keeping a lone bar or two from filling the whole width."""
    pad = max(0.0, (5 - n) / 2)
    ax.set_xlim(-0.6 - pad, n - 0.4 + pad)


def short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def day_label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def when(day: date, weekly: bool) -> str:
    return f"week of {day_label(day)}" if weekly else f"{day.strftime('%a')} {day_label(day)}"


def by_week(days: Sequence[date], values: Sequence[int]) -> tuple[list[date], list[int]]:
    """Per-day values summed into ISO weeks (labelled by their Monday)."""
    mondays: list[date] = []
    sums: list[int] = []
    for day, value in zip(days, values, strict=True):
        monday = day - timedelta(days=day.weekday())
        if not mondays or mondays[-1] != monday:
            mondays.append(monday)
            sums.append(0)
        sums[-1] += value
    return mondays, sums


def hours_axis(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g} h")


def bars(ax: Axes, xs: Sequence[float], heights: Sequence[float], *, width: float,
         color: str, bottoms: Sequence[float] | None = None, alpha: float = 1.0,
         label: str | None = None) -> list[tuple[float, float, float, float]]:
    """Vertical bars as ONE PolyCollection (hundreds of Rectangles draw ten times slower).

    Returns each bar's box (x0, x1, y0, y1) for hit testing.
    """
    base = bottoms or [0.0] * len(xs)
    boxes = [(x - width / 2, x + width / 2, b, b + h)
             for x, h, b in zip(xs, heights, base, strict=True)]
    polys = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, x1, y0, y1 in boxes if y1 > y0]
    ax.add_collection(PolyCollection(polys, facecolors=color, edgecolors="none", alpha=alpha,
                                     label=label), autolim=True)
    ax.autoscale_view()
    return boxes
