"""Charts drawn off the GUI thread, as plain data: pixels, legend, axes boxes and hit boxes.

The worker draws each chart with matplotlib's Agg renderer; the GUI thread only shows the
pixels and answers hover and clicks from the boxes recorded here, so it never imports
matplotlib or touches a Figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class LegendItem:
    """One legend entry; on screen the dashboard draws these with Qt (a matplotlib legend
    took 40% of a chart's draw time), exports draw them into the figure."""

    label: str
    color: str
    kind: str = "box"  # box, faint (a see-through box), line, dashed, dotted


@dataclass(frozen=True)
class AxesBox:
    """Where one axes was drawn (device pixels, origin bottom left) and its data limits."""

    x0: float
    y0: float
    x1: float
    y1: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def data_at(self, x: float, y: float) -> tuple[float, float] | None:
        """The data point under device pixel (x, y), if it lies inside this axes."""
        if not (self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1):
            return None
        fx = (x - self.x0) / (self.x1 - self.x0) if self.x1 > self.x0 else 0.0
        fy = (y - self.y0) / (self.y1 - self.y0) if self.y1 > self.y0 else 0.0
        return (self.xlim[0] + fx * (self.xlim[1] - self.xlim[0]),
                self.ylim[0] + fy * (self.ylim[1] - self.ylim[0]))


@dataclass(frozen=True)
class Wedge:
    """A donut slice in data coordinates (angles in degrees, theta1 <= theta2)."""

    cx: float
    cy: float
    r: float
    width: float
    theta1: float
    theta2: float

    def contains(self, x: float, y: float) -> bool:
        dx, dy = x - self.cx, y - self.cy
        radius = math.hypot(dx, dy)
        if not self.r - self.width <= radius <= self.r:
            return False
        angle = math.degrees(math.atan2(dy, dx))
        return (angle - self.theta1) % 360.0 <= self.theta2 - self.theta1


@dataclass(frozen=True)
class HitBox:
    """A hoverable (and, for projects and tags, clickable) part of a drawn chart."""

    axes: int  # index into Rendered.axes
    box: tuple[float, float, float, float]  # x0, x1, y0, y1 in data coordinates
    text: str
    kind: str = ""  # "project", "tag", "task" or "" (read-out only)
    ref: str = ""
    wedge: Wedge | None = None

    def contains(self, x: float, y: float) -> bool:
        if self.wedge is not None:
            return self.wedge.contains(x, y)
        x0, x1, y0, y1 = self.box
        return min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)


@dataclass(frozen=True, eq=False)
class Rendered:
    """One chart drawn at one size: RGBA pixels plus what the GUI needs to explain them."""

    name: str
    title: str
    legend: tuple[LegendItem, ...]
    width: int  # logical pixels
    height: int
    ratio: float  # device pixels per logical pixel
    pixel_size: tuple[int, int]  # device pixels (about width * ratio, height * ratio)
    rgba: bytes  # pixel_size pixels, RGBA8888, rows top to bottom
    axes: tuple[AxesBox, ...]
    hits: tuple[HitBox, ...]
    figure: object = None  # the Figure it was drawn from (exports and tests read it)

    def fits(self, width: int, height: int, ratio: float) -> bool:
        return (self.width, self.height, self.ratio) == (width, height, ratio)

    def hit_at(self, x: float, y: float) -> HitBox | None:
        """The part of the chart under logical widget point (x, y), y measured from the top."""
        px, py = x * self.ratio, self.pixel_size[1] - y * self.ratio
        for i in range(len(self.axes) - 1, -1, -1):  # the axes drawn last lie on top
            point = self.axes[i].data_at(px, py)
            if point is None:
                continue
            for hit in self.hits:
                if hit.axes == i and hit.contains(*point):
                    return hit
            return None
        return None
