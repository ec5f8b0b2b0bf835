"""Chart builders: analytics figures in, a matplotlib Figure out (pure: no pyplot, no Qt).

Each chart is drawn into a Panel, so the same code fills a dashboard card (one chart per
figure) and a cell of the one-page PDF report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, ScaledTranslation

from app.services.analytics_export import WEEKDAYS
from app.services.analytics_text import duration_text, number_text
from app.services.analytics_types import OTHER_KEY, Figures, Share
from app.ui.chart_kit import (
    WEEKLY_AFTER_DAYS,
    ChartFigure,
    ChartStyle,
    Hit,
    Panel,
    bars,
    by_week,
    day_label,
    fixed_labels,
    hours_axis,
    short,
    when,
)
from app.ui.dashboard_images import LegendItem

OTHER_COLOR = "#b0b4ba"
PALETTE = ("#5b8def", "#e5484d", "#30a46c", "#f76b15", "#8e4ec6", "#12a594", "#d6409f",
           "#ffb224", "#0091ff", "#7c6f64")


def counts() -> MaxNLocator:
    """Whole-number ticks as dense as the other charts' (MaxNLocator's default of up to
    11 ticks crowds a short chart, and every tick costs ~1 ms to build and draw)."""
    return MaxNLocator(nbins="auto", integer=True)


# -- completed tasks ----------------------------------------------------------------------------

def draw_completed_per_day(p: Panel, f: Figures) -> str:
    ax = p.axes()
    if f.completed_total == 0:
        p.show_empty(ax, "No tasks completed in this range")
        return "Tasks completed per day"
    if len(f.days) > WEEKLY_AFTER_DAYS:
        _calendar(p, ax, f)
        return "Tasks completed per day"
    boxes = bars(ax, range(len(f.days)), f.completed_per_day, width=0.75, color=p.style.accent)
    for day, box, n in zip(f.days, boxes, f.completed_per_day, strict=True):
        p.hits.append(Hit(ax, (box[0], box[1], 0, max(n, 0.3)),
                          f"{when(day, False)}: {n} task{'s' if n != 1 else ''} completed"))
    p.day_ticks(ax, f.days)
    ax.set_ylim(0, max(f.completed_per_day) * 1.1)
    ax.yaxis.set_major_locator(counts())
    return "Tasks completed per day"


def _calendar(p: Panel, ax: Axes, f: Figures) -> None:
    """A long range as a calendar: one column per week, one row per weekday."""
    first_monday = f.days[0] - timedelta(days=f.days[0].weekday())
    weeks = (f.days[-1] - first_monday).days // 7 + 1
    grid: list[list[float]] = [[math.nan] * weeks for _ in range(7)]
    elapsed = f.days[:f.elapsed_days]  # days still to come stay blank, not zero
    for day, n in zip(elapsed, f.completed_per_day, strict=False):
        col = (day - first_monday).days // 7
        grid[day.weekday()][col] = n
        p.hits.append(Hit(ax, (col - 0.5, col + 0.5, day.weekday() - 0.5, day.weekday() + 0.5),
                          f"{when(day, False)} {day.year}: {n} task{'s' if n != 1 else ''} "
                          "completed"))
    cmap = LinearSegmentedColormap.from_list("cadence", [p.style.grid, p.style.accent]) \
        .with_extremes(bad=p.style.bg)
    ax.imshow(grid, aspect="auto", cmap=cmap, interpolation="nearest", vmin=0,
              vmax=max(f.completed_per_day) or 1)
    ax.yaxis.grid(False)
    ax.spines["bottom"].set_visible(False)
    ax.set_yticks([0, 2, 4, 6], [WEEKDAYS[i] for i in (0, 2, 4, 6)])
    starts = [((d - first_monday).days // 7, d.strftime("%b")) for d in f.days if d.day == 1]
    ax.set_xticks([c for c, _ in starts], [m for _, m in starts])
    p.margins["left"] = 30.0


def draw_completed_per_week(p: Panel, f: Figures) -> str:
    """Weekly counts, the rolling 4-week average, the baseline and the target."""
    title = "Tasks completed per week"
    ax = p.axes()
    weeks = f.weeks
    if f.completed_total == 0 and all(not w.rolling_average for w in weeks):
        p.show_empty(ax, "No tasks completed in this range")
        return title
    xs = range(len(weeks))
    full = bars(ax, xs, [0 if w.partial else w.count for w in weeks], width=0.7,
                color=p.style.accent, label="Completed")
    boxes = full
    if any(w.partial for w in weeks):
        part = bars(ax, xs, [w.count if w.partial else 0 for w in weeks], width=0.7,
                    color=p.style.accent, alpha=0.4, label="Part of a week")
        boxes = [pb if w.partial else fb for fb, pb, w in zip(full, part, weeks, strict=True)]
    for w, box in zip(weeks, boxes, strict=True):
        partial = f" ({w.days_in_range} of 7 days in the range)" if w.partial else ""
        avg = "" if w.rolling_average is None else \
            f"; 4-week average {number_text(w.rolling_average)}"
        p.hits.append(Hit(ax, (box[0], box[1], 0, max(w.count, 0.3)),
                          f"{w.week}, from {day_label(w.monday)}: "
                          f"{w.count} completed{partial}{avg}"))
    rolling = [(i, w.rolling_average) for i, w in enumerate(weeks)
               if w.rolling_average is not None]
    if rolling:
        ax.plot([i for i, _ in rolling], [v for _, v in rolling], color=p.style.trend,
                marker="o", markersize=3, linewidth=1.6, label="4-week average")
    if f.baseline.per_week is not None and f.target_per_week is not None:
        ax.axhline(f.baseline.per_week, color=p.style.muted, linestyle=":", linewidth=1.2,
                   label=f"Baseline {number_text(f.baseline.per_week)}")
        ax.axhline(f.target_per_week, color=p.style.good, linestyle="--", linewidth=1.2,
                   label=f"Target {number_text(f.target_per_week)}")
    p.legend_above(ax, 5)
    p.week_ticks(ax, [w.monday for w in weeks])
    ax.yaxis.set_major_locator(counts())
    ax.set_ylim(0, max([w.count for w in weeks] + [v for _, v in rolling] +
                       [f.target_per_week or 0, 1]) * 1.12)
    return title


# -- tracked time -------------------------------------------------------------------------------

def draw_tracked(p: Panel, f: Figures) -> str:
    """Tracked hours per day stacked by project (summed by week for long ranges)."""
    weekly = len(f.days) > WEEKLY_AFTER_DAYS
    title = "Time tracked per week" if weekly else "Time tracked per day"
    ax = p.axes()
    if f.tracked_total == 0:
        p.show_empty(ax, "No time tracked in this range")
        return title
    slots = by_week(f.days, f.tracked_per_day)[0] if weekly else list(f.days)
    bottom = [0.0] * len(slots)
    for stack in f.project_stacks:
        values = by_week(f.days, stack.seconds)[1] if weekly else list(stack.seconds)
        hours = [v / 3600 for v in values]
        boxes = bars(ax, range(len(slots)), hours, bottoms=bottom, width=0.75,
                     color=stack.color, label=short(stack.label))
        kind = "" if stack.key in ("", OTHER_KEY) else "project"
        tail = " — click to show its tasks" if kind else ""
        for slot, box, v in zip(slots, boxes, values, strict=True):
            if v:
                p.hits.append(Hit(ax, box, f"{stack.label}, {when(slot, weekly)}: "
                                           f"{duration_text(v)}{tail}", kind, stack.key))
        bottom = [b + h for b, h in zip(bottom, hours, strict=True)]
    if weekly:
        p.week_ticks(ax, slots)
    else:
        p.day_ticks(ax, f.days)
    ax.set_ylim(0, max(bottom) * 1.08)
    hours_axis(ax)
    p.legend_above(ax, 5)
    return title


def draw_distribution(p: Panel, shares: Sequence[Share], *, title: str, kind: str,
                      donut: bool = False, top_n: int = 8) -> str:
    """Where the time went: horizontal bars (largest on top) or a donut, top N + other."""
    ax = p.axes()
    total = sum(s.seconds for s in shares)
    if total == 0:
        p.show_empty(ax, "No time tracked in this range")
        return title
    shown = list(shares[:top_n])
    if len({s.color for s in shown}) < len(shown):  # tags often keep the default grey
        shown = [s if s.key in ("", OTHER_KEY) else replace(s, color=PALETTE[i % len(PALETTE)])
                 for i, s in enumerate(shown)]
    rest = sum(s.seconds for s in shares[top_n:])
    if rest:
        shown.append(Share(OTHER_KEY, "Other", rest, OTHER_COLOR))

    def hit(box: tuple[float, float, float, float], s: Share,
            artist: Artist | None = None) -> Hit:
        ref_kind = kind if kind in ("project", "tag") and s.key not in ("", OTHER_KEY) else ""
        text = f"{s.label}: {duration_text(s.seconds)} ({s.seconds / total:.0%})"
        if ref_kind:
            text += " — click to show its tasks"
        return Hit(ax, box, text, ref_kind, s.key, artist)

    if donut:
        ax.set_aspect("equal")
        ax.axis("off")
        p.margins.update(left=8.0, right=170.0, top=6.0, bottom=6.0)
        wedges, _ = ax.pie([s.seconds for s in shown], colors=[s.color for s in shown],
                           startangle=90, counterclock=False,
                           wedgeprops={"width": 0.38, "edgecolor": p.style.bg, "linewidth": 1.5})
        p.hits.extend(hit((0, 0, 0, 0), s, w) for w, s in zip(wedges, shown, strict=True))
        p.legend = [LegendItem(short(s.label), s.color) for s in shown]
        if p.legend_in_figure:
            ax.legend(wedges, [item.label for item in p.legend], loc="center left",
                      fontsize=p.font - 1, frameon=False, labelcolor=p.style.fg,
                      bbox_to_anchor=(1.05, 0.5))
        else:
            p.margins.update(left=8.0, right=8.0)
        ax.text(0, 0, duration_text(total), ha="center", va="center", color=p.style.fg,
                fontsize=p.font + 1)
        return title
    ordered = shown[::-1]  # barh draws bottom-up; the largest goes on top
    ys = range(len(ordered))
    drawn = ax.barh(ys, [s.seconds / 3600 for s in ordered], color=[s.color for s in ordered],
                    height=0.7)
    labels = [short(s.label) for s in ordered]
    ax.set_yticks(list(ys), labels)
    p.category_axis(ax, labels)
    top = max(s.seconds for s in ordered) / 3600
    shift = ScaledTranslation(3 / 72, 0, p.fig.dpi_scale_trans)  # 3 points right of the bar
    for y, bar, s in zip(ys, drawn, ordered, strict=True):
        p.hits.append(hit((0, max(bar.get_width(), top * 0.02), y - 0.35, y + 0.35), s))
        ax.text(bar.get_width(), y, duration_text(s.seconds), transform=ax.transData + shift,
                va="center", fontsize=p.font - 1, color=p.style.muted)
    ax.set_xlim(0, top * 1.25)
    return title


# -- plan versus actual, focus versus meetings, when -----------------------------------------

def draw_estimates(p: Panel, f: Figures) -> str:
    acc = "" if f.estimate_accuracy is None else f": {f.estimate_accuracy:.0%} accurate"
    title = f"Estimate vs actual{acc}"
    ax = p.axes()
    rows = [e for e in f.estimates if e.estimate_seconds or e.actual_seconds]
    if not rows:
        p.show_empty(ax, "No completed tasks with estimates or tracked time")
        return title
    rows = rows[::-1]
    ys = range(len(rows))
    ax.barh([y + 0.19 for y in ys], [(e.estimate_seconds or 0) / 3600 for e in rows],
            height=0.36, color=p.style.estimate, label="Estimate")
    ax.barh([y - 0.19 for y in ys], [e.actual_seconds / 3600 for e in rows],
            height=0.36, color=p.style.accent, label="Actual")
    top = max(max(e.estimate_seconds or 0, e.actual_seconds) for e in rows) / 3600
    for y, e in zip(ys, rows, strict=True):
        planned = "no estimate" if not e.estimate_seconds else \
            f"estimate {duration_text(e.estimate_seconds)}"
        p.hits.append(Hit(ax, (0, top, y - 0.45, y + 0.45),
                          f"{e.title}: {planned}, actual {duration_text(e.actual_seconds)}",
                          "task", e.task_id))
    labels = [short(e.title) for e in rows]
    ax.set_yticks(list(ys), labels)
    p.category_axis(ax, labels)
    ax.set_xlim(0, top * 1.05)
    p.legend_above(ax, 2)
    return title


def draw_focus(p: Panel, f: Figures) -> str:
    """Focus (tracked) time beside meeting (calendar) time, per day or per week."""
    weekly = len(f.days) > WEEKLY_AFTER_DAYS
    title = "Focus vs meetings per week" if weekly else "Focus vs meetings per day"
    ax = p.axes()
    if f.focus_total == 0 and f.meeting_total == 0:
        p.show_empty(ax, "No tracked or meeting time in this range")
        return title
    if weekly:
        slots, focus = by_week(f.days, f.focus_per_day)
        meetings = by_week(f.days, f.meeting_per_day)[1]
    else:
        slots, focus, meetings = list(f.days), list(f.focus_per_day), list(f.meeting_per_day)
    xs = range(len(slots))
    bars(ax, [x - 0.2 for x in xs], [v / 3600 for v in focus], width=0.4,
         color=p.style.accent, label="Focus (tracked)")
    bars(ax, [x + 0.2 for x in xs], [v / 3600 for v in meetings], width=0.4,
         color=p.style.second, label="Meetings (calendar)")
    top = max(*focus, *meetings) / 3600
    for x, slot, fv, mv in zip(xs, slots, focus, meetings, strict=True):
        p.hits.append(Hit(ax, (x - 0.45, x + 0.45, 0, top),
                          f"{when(slot, weekly)}: focus {duration_text(fv)}, "
                          f"meetings {duration_text(mv)}"))
    if weekly:
        p.week_ticks(ax, slots)
    else:
        p.day_ticks(ax, f.days)
    ax.set_ylim(0, top * 1.1)
    hours_axis(ax)
    p.legend_above(ax, 2)
    return title


def draw_heatmap(p: Panel, f: Figures) -> str:
    """Tracked hours by weekday and local hour of day, over the whole range."""
    title = "When you work: tracked hours by weekday and hour"
    ax = p.axes()
    ax.yaxis.grid(False)
    ax.spines["bottom"].set_visible(False)
    if f.tracked_total == 0:
        p.show_empty(ax, "No time tracked in this range")
        return title
    cmap = LinearSegmentedColormap.from_list("cadence", [p.style.bg, p.style.accent])
    hours = [[v / 3600 for v in row] for row in f.heatmap]
    image = ax.imshow(hours, aspect="auto", cmap=cmap, interpolation="nearest",
                      vmin=0, vmax=max(max(r) for r in hours) or 1)
    ax.set_yticks(range(7), WEEKDAYS)
    step = 3 if p.font >= 7 else 6
    ax.set_xticks(range(0, 24, step), [f"{h:02d}:00" for h in range(0, 24, step)])
    p.margins.update(left=30.0, right=52.0)
    cax = p.fig.add_axes((0.9, 0.1, 0.02, 0.8))

    def beside() -> Bbox:
        box = p.plot_box()
        width = p.fig.get_size_inches()[0] * 72.0
        return Bbox.from_bounds(box.x1 + 6.0 / width, box.y0, 7.0 / width, box.height)

    cax.set_axes_locator(lambda _ax, _renderer: beside())
    scale = p.fig.colorbar(image, cax=cax)
    fixed_labels(cax)
    scale.outline.set_visible(False)
    scale.ax.tick_params(colors=p.style.muted, labelsize=p.font - 1, length=0)
    scale.ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g} h")
    for d, row in enumerate(f.heatmap):
        for h, v in enumerate(row):
            p.hits.append(Hit(ax, (h - 0.5, h + 0.5, d - 0.5, d + 0.5),
                              f"{WEEKDAYS[d]} {h:02d}:00–{(h + 1) % 24:02d}:00: "
                              f"{duration_text(v)}"))
    return title


# -- one chart per figure -------------------------------------------------------------------

Drawer = Callable[[Panel, Figures], str]


def chart(draw: Drawer, f: Figures, style: ChartStyle, legend: bool) -> ChartFigure:
    fig = ChartFigure(style, "", legend=legend)
    fig.chart_title = draw(fig.panel, f)
    return fig


# ``legend``: draw the legend into the figure (for files); on screen the card shows it.

def completed_per_day_chart(f: Figures, style: ChartStyle, legend: bool = False) -> ChartFigure:
    return chart(draw_completed_per_day, f, style, legend)


def completed_per_week_chart(f: Figures, style: ChartStyle,
                             legend: bool = False) -> ChartFigure:
    return chart(draw_completed_per_week, f, style, legend)


def tracked_chart(f: Figures, style: ChartStyle, legend: bool = False) -> ChartFigure:
    return chart(draw_tracked, f, style, legend)


def estimates_chart(f: Figures, style: ChartStyle, legend: bool = False) -> ChartFigure:
    return chart(draw_estimates, f, style, legend)


def focus_chart(f: Figures, style: ChartStyle, legend: bool = False) -> ChartFigure:
    return chart(draw_focus, f, style, legend)


def heatmap_chart(f: Figures, style: ChartStyle, legend: bool = False) -> ChartFigure:
    return chart(draw_heatmap, f, style, legend)


DIMENSIONS = {"project": "Time by project", "tag": "Time by tag", "task": "Time by task"}


def distribution_chart(f: Figures, style: ChartStyle, dimension: str = "project", *,
                       donut: bool = False, legend: bool = False) -> ChartFigure:
    """Time by project, tag or task (top N + other) as bars or a donut."""
    shares = {"project": f.by_project, "tag": f.by_tag, "task": f.by_task}[dimension]
    fig = ChartFigure(style, DIMENSIONS[dimension], legend=legend)
    draw_distribution(fig.panel, shares, title=DIMENSIONS[dimension], kind=dimension,
                      donut=donut, top_n=f.query.top_n)
    return fig


CHARTS: dict[str, Callable[[Figures, ChartStyle, bool], ChartFigure]] = {
    "completed_day": completed_per_day_chart,
    "completed_week": completed_per_week_chart,
    "tracked": tracked_chart,
    "distribution": lambda f, style, legend: distribution_chart(f, style, legend=legend),
    "estimates": estimates_chart,
    "focus": focus_chart,
    "heatmap": heatmap_chart,
}


def build_all(f: Figures, style: ChartStyle, *, dimension: str = "project",
              donut: bool = False, legend: bool = False) -> dict[str, ChartFigure]:
    """Every dashboard chart by name ("distribution" follows the chosen dimension)."""
    out = {name: build(f, style, legend) for name, build in CHARTS.items()
           if name != "distribution"}
    out["distribution"] = distribution_chart(f, style, dimension, donut=donut, legend=legend)
    return out
