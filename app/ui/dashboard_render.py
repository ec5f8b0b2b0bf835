"""Draw a chart Figure to pixels with Agg on the worker thread (the GUI only shows them)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.patches import Wedge as WedgePatch

from app.ui.chart_kit import ChartFigure, Hit
from app.ui.dashboard_images import AxesBox, HitBox, Rendered, Wedge

DPI = 100.0
RENDERERS_KEPT = 6  # a few sizes: two card widths, the wide card, a resize or two


class _Renderers(threading.local):
    def __init__(self) -> None:
        self.by_size: OrderedDict[tuple[int, int, float], RendererAgg] = OrderedDict()


_renderers = _Renderers()


class ReusingCanvas(FigureCanvasAgg):
    """An Agg canvas drawing with one renderer per size and thread, shared by every chart.

    matplotlib remembers measured text sizes per renderer, so charts drawn through a
    shared renderer measure "Mon", "2 h" or a project name once, not once per figure.
    (The pixels are copied out after each draw, so sharing the buffer is safe.)
    """

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = (w, h, float(self.figure.dpi))
        pool = _renderers.by_size
        found = pool.get(key)
        if found is None:
            found = RendererAgg(w, h, self.figure.dpi)  # type: ignore[no-untyped-call]
            pool[key] = found
            while len(pool) > RENDERERS_KEPT:
                pool.popitem(last=False)
        pool.move_to_end(key)
        self.renderer = found
        return found


def _wedge(hit: Hit) -> Wedge | None:
    artist = hit.artist
    if not isinstance(artist, WedgePatch):
        return None
    cx, cy = artist.center
    return Wedge(float(cx), float(cy), float(artist.r), float(artist.width or artist.r),
                 float(artist.theta1), float(artist.theta2))


def render(name: str, fig: ChartFigure, width: int, height: int, ratio: float) -> Rendered:
    """The figure drawn at width x height logical pixels (times the device pixel ratio)."""
    fig.set_dpi(DPI * ratio)
    fig.set_size_inches(width / DPI, height / DPI)
    canvas = fig.canvas if isinstance(fig.canvas, ReusingCanvas) else ReusingCanvas(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    buffer = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    rgba = bytes(buffer)
    size = (int(buffer.shape[1]), int(buffer.shape[0]))
    index = {id(ax): i for i, ax in enumerate(fig.axes)}
    boxes = []
    for ax in fig.axes:
        x0, y0, x1, y1 = (float(v) for v in ax.bbox.extents)
        xlim = tuple(float(v) for v in ax.get_xlim())
        ylim = tuple(float(v) for v in ax.get_ylim())
        boxes.append(AxesBox(x0, y0, x1, y1, (xlim[0], xlim[1]), (ylim[0], ylim[1])))
    hits = tuple(HitBox(index[id(h.ax)], h.box, h.text, h.kind, h.ref, _wedge(h))
                 for h in fig.hits if id(h.ax) in index)
    return Rendered(name, fig.chart_title, tuple(fig.legend_items), width, height, ratio,
                    size, rgba, tuple(boxes), hits, fig)
