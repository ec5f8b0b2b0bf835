"""The one-page PDF report: key numbers, the review, six charts and the footnotes on A4."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from matplotlib.figure import Figure

from app.services.analytics_text import kpis
from app.services.analytics_types import Figures
from app.ui.chart_kit import ChartStyle, Panel
from app.ui.charts import (
    draw_completed_per_week,
    draw_distribution,
    draw_estimates,
    draw_focus,
    draw_heatmap,
    draw_tracked,
)

A4 = (8.27, 11.69)
MARGIN = 0.06


def _range_text(f: Figures) -> str:
    a, b = f.query.first, f.query.last
    first = f"{a.day} {a.strftime('%b')}" + ("" if a.year == b.year else f" {a.year}")
    return f"{first} – {b.day} {b.strftime('%b')} {b.year}"


def report_figure(f: Figures, scope: str = "") -> Figure:
    """An A4 page for the range (light colours: it is meant to be printed)."""
    style = ChartStyle(dark=False)
    fig = Figure(figsize=A4, dpi=100, facecolor=style.bg)
    left, width = MARGIN, 1 - 2 * MARGIN
    fig.text(left, 0.965, "Cadence report", fontsize=16, fontweight="bold", color=style.fg)
    sub = f"{_range_text(f)} · {f.zone}" + (f" · {scope}" if scope else "")
    fig.text(left, 0.945, sub, fontsize=9, color=style.muted)
    for i, (caption, big, detail) in enumerate(kpis(f)):
        x = left + i * width / 5
        fig.text(x, 0.918, caption.upper(), fontsize=6.5, color=style.muted)
        fig.text(x, 0.895, big, fontsize=14, fontweight="bold", color=style.fg)
        for j, line in enumerate(textwrap.wrap(detail, 30)[:2]):
            fig.text(x, 0.880 - j * 0.011, line, fontsize=6, color=style.muted)
    review = "\n".join(textwrap.wrap(f.review, 118)[:5])
    fig.text(left, 0.850, review, fontsize=7.5, color=style.fg, va="top", linespacing=1.5)
    cells: list[Callable[[Panel], str]] = [
        lambda p: draw_completed_per_week(p, f),
        lambda p: draw_tracked(p, f),
        lambda p: draw_distribution(p, f.by_project, title="Time by project", kind="project",
                                    top_n=f.query.top_n),
        lambda p: draw_estimates(p, f),
        lambda p: draw_focus(p, f),
        lambda p: draw_heatmap(p, f),
    ]
    top, bottom, gap = 0.765, 0.135, 0.03
    row_h = (top - bottom - 2 * gap) / 3
    col_w = (width - 0.04) / 2
    for k, draw in enumerate(cells):
        row, col = divmod(k, 2)
        x = left + col * (col_w + 0.04)
        y = top - (row + 1) * row_h - row * gap
        panel = Panel(fig, style, (x, y, col_w, row_h - 0.018), font=6.0, legend_in_figure=True)
        panel.margins.update(left=30.0, bottom=16.0)
        title = draw(panel)
        fig.text(x, y + row_h - 0.01, title, fontsize=8, fontweight="bold", color=style.fg)
    notes = [line for note in f.footnotes for line in textwrap.wrap("· " + note, 150)]
    fig.text(left, 0.115, "\n".join(notes[:10]), fontsize=6, color=style.muted, va="top",
             linespacing=1.4)
    fig.text(left, 0.02, f"Generated {f.generated_at:%Y-%m-%d %H:%M} UTC by Cadence",
             fontsize=5.5, color=style.muted)
    return fig
