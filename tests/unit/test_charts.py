"""Chart builders checked through their artists (bar heights, labels, hit texts), not pixels."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.image import AxesImage

from app.services.analytics_types import (
    Baseline,
    EstimateFigure,
    Figures,
    Share,
    Stack,
    StatsQuery,
    WeekFigure,
)
from app.ui import charts
from app.ui.chart_kit import ChartFigure, ChartStyle
from app.ui.charts_report import report_figure
from app.ui.dashboard_jobs import export_chart, export_csv, export_pdf, one_chart
from app.ui.dashboard_render import render

LIGHT, DARK = ChartStyle(False), ChartStyle(True)
MONDAY = date(2026, 11, 23)
DAYS = tuple(MONDAY + timedelta(days=i) for i in range(7))
H = 3600


def figures(**changes: object) -> Figures:
    """One week of made-up figures (Monday 23 - Sunday 29 November 2026)."""
    base = Figures(
        query=StatsQuery(DAYS[0], DAYS[-1]), zone="Europe/Berlin",
        generated_at=datetime(2026, 11, 28, 10, tzinfo=UTC), days=DAYS, elapsed_days=6,
        completed_per_day=(2, 0, 3, 1, 4, 0, 0),
        weeks=(WeekFigure("2026-W48", MONDAY, 10, 7, 9.5),),
        baseline=Baseline(8.0, "set"), target_percent=25.0, rate_per_week=11.7,
        prior_average=9.0, tracked_per_day=(3 * H, 0, H, 0, 2 * H, 0, 0),
        project_stacks=(Stack("p1", "Alpha", "#112233", (2 * H, 0, H, 0, 0, 0, 0)),
                        Stack("p2", "Beta", "#445566", (H, 0, 0, 0, 2 * H, 0, 0))),
        by_project=(Share("p1", "Alpha", 3 * H, "#112233"), Share("p2", "Beta", 3 * H,
                                                                  "#445566")),
        by_tag=(Share("t1", "deep", 4 * H, "#8a8f98"), Share("t2", "mail", H, "#8a8f98"),
                Share("", "No tag", H, "#8a8f98")),
        by_task=(Share("k1", "Write the proposal", 4 * H, "#112233"),),
        estimates=(EstimateFigure("k1", "Write the proposal", "Alpha", 3 * H, 4 * H),
                   EstimateFigure("k2", "Call", None, None, H)),
        estimate_accuracy=0.75, estimate_ratio=4 / 3, estimated=1, unestimated=1, untracked=0,
        focus_per_day=(3 * H, 0, H, 0, 2 * H, 0, 0), meeting_per_day=(H, H // 2, 0, 0, 0, 0, 0),
        heatmap=tuple(tuple(H if (d, h) == (0, 9) else 0 for h in range(24)) for d in range(7)),
        overdue=2, completed_late=1, running=False, footnotes=("A note.",),
        review="You completed 10 tasks.")
    return replace(base, **changes)  # type: ignore[arg-type]


def bar_heights(ax: Axes) -> list[list[float]]:
    """Heights of the bars of each PolyCollection (one collection per series)."""
    out = []
    for coll in ax.collections:
        if isinstance(coll, PolyCollection):
            out.append([round(p.vertices[:, 1].max() - p.vertices[:, 1].min(), 6)
                        for p in coll.get_paths()])
    return out


def labels(ax: Axes, axis: str = "x") -> list[str]:
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks]


def main_axes(fig: ChartFigure) -> Axes:
    return fig.axes[0]


def test_completed_per_day_bars_and_labels() -> None:
    fig = charts.completed_per_day_chart(figures(), LIGHT)
    ax = main_axes(fig)
    assert bar_heights(ax) == [[2, 3, 1, 4]]  # zero days draw no bar
    assert labels(ax)[:2] == ["Mon\n23", "Tue\n24"]
    assert fig.hit_at(ax, 2.0, 1.0).text == "Wed 25 Nov: 3 tasks completed"  # type: ignore[union-attr]
    assert fig.hit_at(ax, 2.0, 5.0) is None
    assert fig.chart_title == "Tasks completed per day"


def test_completed_per_week_has_average_baseline_and_target() -> None:
    fig = charts.completed_per_week_chart(figures(), LIGHT)
    ax = main_axes(fig)
    assert bar_heights(ax) == [[10]]
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}  # type: ignore[arg-type]
    assert lines["4-week average"] == [9.5]
    assert lines["Baseline 8"] == [8.0, 8.0]
    assert lines["Target 10"] == [10.0, 10.0]
    assert [(i.label, i.kind) for i in fig.legend_items] == [
        ("Completed", "box"), ("4-week average", "line"), ("Baseline 8", "dotted"),
        ("Target 10", "dashed")]
    assert ax.get_legend() is None  # on screen the card draws the legend
    with_legend = charts.completed_per_week_chart(figures(), LIGHT, legend=True)
    assert [t.get_text() for t in main_axes(with_legend).get_legend().get_texts()][0] == \
        "Completed"


def test_partial_weeks_are_drawn_faint_and_say_so() -> None:
    weeks = (WeekFigure("2026-W47", MONDAY - timedelta(days=7), 4, 3, 8.0),
             WeekFigure("2026-W48", MONDAY, 10, 7, 9.5))
    fig = charts.completed_per_week_chart(figures(weeks=weeks), LIGHT)
    colls = [c for c in main_axes(fig).collections if isinstance(c, PolyCollection)]
    assert [c.get_alpha() for c in colls] == [1.0, 0.4]
    assert bar_heights(main_axes(fig)) == [[10], [4]]
    assert "(3 of 7 days in the range)" in fig.hits[0].text


def test_tracked_time_is_stacked_by_project_and_clickable() -> None:
    fig = charts.tracked_chart(figures(), LIGHT)
    ax = main_axes(fig)
    assert bar_heights(ax) == [[2, 1], [1, 2]]  # hours; zero days skipped
    colls = [c for c in ax.collections if isinstance(c, PolyCollection)]
    beta_monday = colls[1].get_paths()[0].vertices[:, 1]
    assert (beta_monday.min(), beta_monday.max()) == (2.0, 3.0)  # stacked on Alpha
    hit = fig.hit_at(ax, 0.0, 2.5)
    assert hit is not None and (hit.kind, hit.ref) == ("project", "p2")
    assert hit.text.startswith("Beta, Mon 23 Nov: 1 h")
    assert ax.yaxis.get_major_formatter()(2, 0) == "2 h"


def test_long_ranges_sum_by_week_and_show_a_calendar() -> None:
    days = tuple(date(2026, 1, 1) + timedelta(days=i) for i in range(120))
    per_day = tuple(H if d.weekday() < 5 else 0 for d in days)
    f = figures(days=days, elapsed_days=100, completed_per_day=tuple(1 for _ in days),
                tracked_per_day=per_day, focus_per_day=per_day, meeting_per_day=(0,) * 120,
                project_stacks=(Stack("p1", "Alpha", "#112233", per_day),))
    tracked = charts.tracked_chart(f, LIGHT)
    assert tracked.chart_title == "Time tracked per week"
    heights = bar_heights(main_axes(tracked))[0]
    assert heights[0] == 2 and heights[1] == 5  # Thu 1 + Fri 2 Jan, then a full week
    calendar = charts.completed_per_day_chart(f, LIGHT)
    image = next(a for a in main_axes(calendar).get_children() if isinstance(a, AxesImage))
    grid = image.get_array()
    assert grid.shape == (7, 18)  # 120 days from a Thursday span 18 weeks
    assert grid[3, 0] == 1 and math.isnan(grid[0, 0])  # Thu 1 Jan; Mon 29 Dec is outside
    assert grid[4, 14] == 1  # Fri 10 Apr, the 100th day: today
    assert math.isnan(grid[5, 14])  # Sat 11 Apr, after today: blank, not zero
    assert labels(main_axes(calendar))[:2] == ["Jan", "Feb"]


def test_distribution_bars_largest_on_top_with_palette_for_grey_tags() -> None:
    fig = charts.distribution_chart(figures(), LIGHT, "tag")
    ax = main_axes(fig)
    assert labels(ax, "y") == ["No tag", "mail", "deep"]
    widths = [round(p.get_width(), 3) for p in ax.patches]
    assert widths == [1.0, 1.0, 4.0]
    colors = {p.get_facecolor() for p in ax.patches}
    assert len(colors) == 3  # the tags' shared default grey replaced by distinct colours
    hit = fig.hit_at(ax, 0.5, 2.0)
    assert hit is not None and (hit.kind, hit.ref) == ("tag", "t1")
    assert hit.text == "deep: 4 h (67%) — click to show its tasks"
    no_tag = fig.hit_at(ax, 0.5, 0.0)
    assert no_tag is not None and no_tag.kind == ""  # "No tag" is not a view to open


def test_distribution_folds_the_rest_into_other_and_draws_a_donut() -> None:
    many = tuple(Share(f"p{i}", f"Project {i}", (10 - i) * H, f"#0000{i}0") for i in range(10))
    f = figures(by_project=many, query=StatsQuery(DAYS[0], DAYS[-1], top_n=3))
    bars = charts.distribution_chart(f, LIGHT, "project")
    assert labels(main_axes(bars), "y") == ["Other", "Project 2", "Project 1", "Project 0"]
    assert round(main_axes(bars).patches[0].get_width(), 3) == 28.0  # 7+6+...+1
    donut = charts.distribution_chart(f, DARK, "project", donut=True)
    wedges = main_axes(donut).patches
    assert len(wedges) == 4
    assert [i.label for i in donut.legend_items][-1] == "Other"
    assert donut.hits[0].artist is wedges[0]


def test_estimates_and_focus_charts() -> None:
    fig = charts.estimates_chart(figures(), LIGHT)
    ax = main_axes(fig)
    assert fig.chart_title == "Estimate vs actual: 75% accurate"
    assert labels(ax, "y") == ["Call", "Write the proposal"]
    assert sorted(round(p.get_width(), 3) for p in ax.patches) == [0.0, 1.0, 3.0, 4.0]
    hit = fig.hit_at(ax, 1.0, 1.0)
    assert hit is not None and hit.text == "Write the proposal: estimate 3 h, actual 4 h"
    focus = charts.focus_chart(figures(), DARK)
    assert bar_heights(main_axes(focus)) == [[3, 1, 2], [1, 0.5]]
    assert focus.hits[1].text == "Tue 24 Nov: focus 0 min, meetings 30 min"


def test_heatmap_cells() -> None:
    fig = charts.heatmap_chart(figures(), LIGHT)
    ax = main_axes(fig)
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    assert image.get_array()[0, 9] == 1.0 and image.get_array().sum() == 1.0
    assert labels(ax, "y") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert fig.hit_at(ax, 9.2, 0.1).text == "Mon 09:00–10:00: 1 h"  # type: ignore[union-attr]
    assert len(fig.axes) == 2  # the colour scale


def test_empty_states_say_so_instead_of_drawing_nothing() -> None:
    empty = figures(completed_per_day=(0,) * 7, weeks=(WeekFigure("2026-W48", MONDAY, 0, 7,
                                                                  None),),
                    tracked_per_day=(0,) * 7, project_stacks=(), by_project=(), by_tag=(),
                    by_task=(), estimates=(), focus_per_day=(0,) * 7, meeting_per_day=(0,) * 7,
                    heatmap=tuple((0,) * 24 for _ in range(7)), estimate_accuracy=None)
    for name, fig in charts.build_all(empty, LIGHT).items():
        texts = [t.get_text() for t in main_axes(fig).texts]
        assert fig.empty, name
        assert texts and texts[0].startswith("No "), (name, texts)
        assert fig.hits == []


@pytest.mark.parametrize("style", [LIGHT, DARK])
def test_every_chart_draws(style: ChartStyle) -> None:
    for fig in charts.build_all(figures(), style).values():
        assert fig.get_facecolor()[:3] == pytest.approx(
            tuple(int(style.bg[i:i + 2], 16) / 255 for i in (1, 3, 5)))
        FigureCanvasAgg(fig).draw()


def test_exports_write_files(tmp_path: Path) -> None:
    f = figures()
    png = export_chart(f, "tracked", tmp_path / "tracked", False, "project", False)
    assert png.suffix == ".png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = export_chart(f, "heatmap", tmp_path / "heat.svg", True, "project", False)
    assert "When you work" in svg.read_text(encoding="utf-8")
    pdf = export_pdf(f, tmp_path / "report.pdf", "Work")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    csv = export_csv(f, tmp_path / "numbers.csv")
    assert csv.read_text(encoding="utf-8").startswith("figure,date,key,label,value,unit\n")
    with pytest.raises(Exception, match="does not exist"):
        export_csv(f, tmp_path / "missing" / "n.csv")


def test_report_page_holds_numbers_review_charts_and_notes() -> None:
    page = report_figure(figures(), "Work")
    texts = [t.get_text() for t in page.texts]
    assert "Cadence report" in texts
    assert any("23 Nov – 29 Nov 2026 · Europe/Berlin · Work" in t for t in texts)
    assert "You completed 10 tasks." in texts
    assert any("A note." in t for t in texts)
    assert len([ax for ax in page.axes if ax.get_label() != "<colorbar>"]) >= 6
    assert tuple(page.get_size_inches()) == (8.27, 11.69)


@pytest.mark.parametrize(("name", "donut"), [("tracked", False), ("heatmap", False),
                                             ("distribution", False), ("distribution", True)])
def test_drawn_charts_answer_hover_as_the_figure_would(name: str, donut: bool) -> None:
    """The GUI answers hover and clicks from the boxes recorded when the worker drew the
    chart: they must match what matplotlib itself finds under each pixel."""
    fig = one_chart(figures(), name, False, "tag", donut)
    drawn = render(name, fig, 480, 250, 1.0)
    assert drawn.pixel_size == (480, 250) and len(drawn.rgba) == 480 * 250 * 4
    assert drawn.title == fig.chart_title and list(drawn.legend) == fig.legend_items
    assert len({drawn.rgba[i:i + 4] for i in range(0, len(drawn.rgba), 4 * 97)}) > 3
    found = 0
    for x in range(0, 480, 6):
        for y in range(0, 250, 5):
            px, py = x + 0.5, 250 - (y + 0.5)  # device pixels, origin bottom left
            want: set[str | None] = {None}
            for ax in reversed(fig.axes):
                if ax.bbox.contains(px, py):
                    dx, dy = ax.transData.inverted().transform((px, py))
                    box = fig.hit_at(ax, dx, dy)
                    # Within a line's width of a slice's border matplotlib's answer is
                    # fuzzy: there either neighbour (or nothing, at the rims) will do.
                    near = [{h.text for h in fig.hits if h.artist is not None and h.ax is ax
                             and h.artist.contains_point((px, py), radius=r)}
                            for r in (-3.0, 3.0)]
                    fuzzy = (near[0] | near[1]) - (near[0] & near[1])
                    want = ({box.text} if box is not None else
                            (near[0] & near[1]) | fuzzy | ({None} if fuzzy else set())
                            or {None})
                    break
            got = drawn.hit_at(x + 0.5, y + 0.5)
            assert (got.text if got else None) in want, (x, y)
            found += got is not None
    assert found > 20


def test_drawn_chart_scales_with_the_device_pixel_ratio() -> None:
    drawn = render("focus", one_chart(figures(), "focus", True, "project", False),
                   300, 200, 2.0)
    assert drawn.pixel_size == (600, 400) and drawn.fits(300, 200, 2.0)
    assert not drawn.fits(301, 200, 2.0)
    hit = drawn.hit_at(75, 150)  # logical pixels: the same answer at any ratio
    again = render("focus", one_chart(figures(), "focus", True, "project", False),
                   300, 200, 1.0).hit_at(75, 150)
    assert hit is not None and again is not None and hit.text == again.text
