"""The Dashboard in the real main window: opening, range changes, hover, click-through, exports."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip

from app.services.task_query import View
from app.services.tasks import TaskFields
from app.ui import dashboard_jobs, theme
from app.ui.dashboard_integration import DashboardPage, install_dashboard
from tests.support.analytics_data import entry_row, insert_entries

BERLIN = ZoneInfo("Europe/Berlin")
ROOT = Path(__file__).resolve().parents[2]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=BERLIN)


@pytest.fixture
def seeded(services: Any) -> dict[str, Any]:
    """This week: 3 h on Work (Mon), 1 h on Home (Tue); an older entry in October."""
    work = services.projects.create("Work", color="#2f6fde")
    home = services.projects.create("Home", color="#e5484d")
    report = services.tasks.create(TaskFields(title="Report", project_id=work.id,
                                              estimate_minutes=120))
    garden = services.tasks.create(TaskFields(title="Garden", project_id=home.id))
    insert_entries(services.store, [entry_row(report.id, at(23, 9), at(23, 12)),
                                    entry_row(garden.id, at(24, 17), at(24, 18)),
                                    entry_row(garden.id, datetime(2026, 10, 5, 9, tzinfo=BERLIN),
                                              datetime(2026, 10, 5, 11, tzinfo=BERLIN))])
    saved = services.clock.fixed
    services.clock.fixed = datetime.combine(date(2026, 11, 23), time(13), tzinfo=BERLIN)
    services.tasks.complete(report.id)
    services.clock.fixed = saved
    return {"work": work, "home": home}


@pytest.fixture
def dashboard(qtbot: Any, window: Any, seeded: dict[str, Any]) -> Any:
    install_dashboard(window)
    window.resize(1400, 900)
    page = window.findChild(DashboardPage)
    action = next(a for a in window.command_actions() if a.text() == "Dashboard")
    assert action.shortcut().toString() == "Ctrl+Shift+D"
    with qtbot.waitSignal(page.dashboard_created, timeout=20000) as created:
        action.trigger()
    dash = created.args[0]
    qtbot.waitUntil(dash.is_painted, timeout=20000)
    assert window.worker.wait_idle(20)
    return dash


def canvas_point(card: Any, x: float, y: float) -> QPoint:
    """Widget coordinates of data point (x, y) on a card's chart."""
    canvas = card.canvas
    ax = card.figure.axes[0]
    px, py = ax.transData.transform((x, y))
    ratio = canvas.devicePixelRatioF()
    return QPoint(round(px / ratio), round(canvas.height() - py / ratio))


def test_matplotlib_loads_only_when_the_dashboard_opens() -> None:
    code = ("import sys, app.ui.main_window, app.ui.dashboard_integration; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('matplotlib', 'numpy')))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_opens_on_this_week_with_numbers(dashboard: Any) -> None:
    f = dashboard.figures
    assert (f.query.first, f.query.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert dashboard.tiles["Completed"].value.text() == "1"
    assert dashboard.tiles["Tracked"].value.text() == "4 h"
    assert dashboard.review.text().startswith("You completed 1 task so far.")
    assert dashboard.cards["tracked"].title.text() == "Time tracked per day"
    assert "Work" in dashboard.cards["tracked"].legend.text()
    assert [dashboard.range_bar.project_combo.itemText(i)
            for i in range(dashboard.range_bar.project_combo.count())] == [
        "All projects", "Work", "Home"]


def test_range_change_recomputes_and_paints(qtbot: Any, window: Any, dashboard: Any) -> None:
    combo = dashboard.range_bar.range_combo
    with qtbot.waitSignal(dashboard.painted, timeout=20000) as painted:
        combo.setCurrentIndex(combo.findData("quarter"))
    assert painted.args[0] > 0
    f = dashboard.figures
    assert (f.query.first, f.query.last) == (date(2026, 10, 1), date(2026, 12, 31))
    assert f.tracked_total == 6 * 3600
    assert dashboard.tiles["Tracked"].value.text() == "6 h"
    assert dashboard.cards["tracked"].title.text() == "Time tracked per week"
    # A custom range the wrong way round is refused with one line; nothing is recomputed.
    with qtbot.waitSignal(dashboard.loaded, timeout=20000):
        combo.setCurrentIndex(combo.findData("custom"))
    dashboard.range_bar.set_dates(date(2026, 11, 10), date(2026, 11, 1))
    dashboard.range_bar.on_dates_edited()
    assert "before it starts" in dashboard.status.text()
    assert dashboard.figures.query.first == date(2026, 10, 1)
    with qtbot.waitSignal(dashboard.loaded, timeout=20000):
        dashboard.range_bar.set_dates(date(2026, 10, 1), date(2026, 10, 31))
        dashboard.range_bar.on_dates_edited()
    assert dashboard.figures.tracked_total == 2 * 3600
    assert window.worker.bugs == []


def test_revisits_come_from_the_cache_until_the_data_changes(
        qtbot: Any, window: Any, dashboard: Any, services: Any, seeded: dict[str, Any]) -> None:
    combo = dashboard.range_bar.range_combo
    for preset in ("year", "week"):
        with qtbot.waitSignal(dashboard.loaded, timeout=20000):
            combo.setCurrentIndex(combo.findData(preset))
    assert dashboard.status.text() == "Up to date"  # this week was shown on opening
    task = services.tasks.create(TaskFields(title="Fresh", project_id=seeded["home"].id))
    services.tasks.complete(task.id)
    with qtbot.waitSignal(dashboard.loaded, timeout=20000):
        combo.setCurrentIndex(combo.findData("year"))
    assert dashboard.status.text().startswith("Figures in")
    assert dashboard.figures.completed_total == 2
    assert dashboard.tiles["Completed"].value.text() == "2"


def test_project_filter(qtbot: Any, dashboard: Any, seeded: dict[str, Any]) -> None:
    combo = dashboard.range_bar.project_combo
    with qtbot.waitSignal(dashboard.loaded, timeout=20000):
        combo.setCurrentIndex(combo.findData(seeded["home"].id))
    assert dashboard.figures.tracked_total == 3600
    assert dashboard.figures.query.project_ids == (seeded["home"].id,)


def test_hover_reads_out_and_click_opens_the_project(qtbot: Any, window: Any,
                                                     dashboard: Any,
                                                     seeded: dict[str, Any]) -> None:
    card = dashboard.cards["distribution"]
    dashboard.scroll_area.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: "distribution" in dashboard._drawn, timeout=10000)
    work_bar = canvas_point(card, 1.0, 1.0)  # bars: Home at y=0, Work (largest) at y=1
    QTest.mouseMove(card.canvas, work_bar)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == "Work: 3 h (75%) — click to show its tasks"
    QTest.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=work_bar)
    assert window.current_view == View("project", seeded["work"].id, "Work")
    assert window.stack.currentWidget() is window.task_list
    assert window.worker.wait_idle(10)
    assert [t.title for t in window.tasks.values()] == []  # Report is done: not listed


def test_exports_and_theme(qtbot: Any, window: Any, dashboard: Any, tmp_path: Path) -> None:
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    dashboard.export_chart("heatmap", tmp_path / "heat.svg")
    dashboard.export_csv(tmp_path / "numbers")
    dashboard.export_pdf(tmp_path / "report.pdf")
    assert window.worker.wait_idle(20)
    assert "When you work" in (tmp_path / "heat.svg").read_text(encoding="utf-8")
    assert (tmp_path / "numbers.csv").read_text(encoding="utf-8").count("\n") > 50
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert any(m.startswith("Saved ") and m.endswith("report.pdf") for m in messages)
    dashboard.export_csv(tmp_path / "nowhere" / "numbers.csv")
    assert window.worker.wait_idle(20)
    assert "does not exist" in messages[-1]
    manager = theme.manager()
    assert manager is not None
    before = dashboard.cards["tracked"].figure
    manager.force(True)
    try:
        qtbot.waitUntil(lambda: dashboard.cards["tracked"].figure is not before, timeout=10000)
        assert dashboard.cards["tracked"].figure.get_facecolor()[:3] == pytest.approx(
            (0x1F / 255, 0x21 / 255, 0x25 / 255))
    finally:
        manager.force(False)
        assert window.worker.wait_idle(20)


def test_hidden_charts_follow_in_the_background_and_on_scrolling(qtbot: Any,
                                                                 dashboard: Any) -> None:
    hidden = [n for n in dashboard.cards if n not in dashboard.visible_cards()]
    assert "heatmap" in hidden
    gen = dashboard._gen
    # Drawn on the worker while the user looks at the top, not before the visible ones.
    qtbot.waitUntil(lambda: all(dashboard.cards[n].canvas.rendered is not None
                                and dashboard.cards[n].gen == gen for n in hidden),
                    timeout=20000)
    dashboard.scroll_area.verticalScrollBar().setValue(10_000)
    qtbot.waitUntil(lambda: "heatmap" in dashboard._drawn, timeout=10000)
    card = dashboard.cards["heatmap"]
    assert card.canvas.fits() and card.title.text().startswith("When you work")
    assert dashboard.is_painted()


def test_likely_next_ranges_are_prepared_while_the_user_looks(
        qtbot: Any, window: Any, dashboard: Any, services: Any, seeded: dict[str, Any]) -> None:
    qtbot.waitUntil(lambda: not dashboard._warm_timer.isActive() and dashboard.later.idle,
                    timeout=20000)
    combo = dashboard.range_bar.range_combo
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        combo.setCurrentIndex(combo.findData("year"))
    assert dashboard.status.text() == "Up to date"  # figures and charts were ready
    assert dashboard.drawn == ()  # every visible chart came drawn from the cache
    assert dashboard.figures.tracked_total == 6 * 3600
    # New data makes the prepared figures stale: they are computed again, not shown.
    task = services.tasks.create(TaskFields(title="Fresh", project_id=seeded["home"].id))
    services.tasks.complete(task.id)
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        combo.setCurrentIndex(combo.findData("quarter"))
    assert dashboard.status.text().startswith("Figures in")
    assert dashboard.figures.completed_total == 2
    assert window.worker.bugs == []


def test_charts_are_redrawn_for_a_new_width(qtbot: Any, window: Any, dashboard: Any) -> None:
    card = dashboard.cards["completed_week"]
    before = card.canvas.rendered
    window.resize(1150, 900)
    qtbot.waitUntil(lambda: card.canvas.width() != before.width, timeout=5000)
    qtbot.waitUntil(lambda: all(dashboard.cards[n].canvas.fits()
                                for n in dashboard.visible_cards()), timeout=20000)
    assert card.canvas.rendered.width == card.canvas.width()
    assert card.canvas.rendered.figure is before.figure  # the same chart, drawn again
    assert window.worker.bugs == []


def test_donut_slices_read_out_on_hover(qtbot: Any, dashboard: Any) -> None:
    card = dashboard.cards["distribution"]
    dashboard.scroll_area.ensureWidgetVisible(card)
    with qtbot.waitSignal(dashboard.painted, timeout=20000):
        dashboard.shape_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "distribution" in dashboard._drawn, timeout=10000)
    wedge = card.figure.hits[0].artist
    middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
    radius = wedge.r - wedge.width / 2
    point = canvas_point(card, wedge.center[0] + radius * math.cos(middle),
                         wedge.center[1] + radius * math.sin(middle))
    QTest.mouseMove(card.canvas, point)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == "Work: 3 h (75%) — click to show its tasks"


def test_numbers_come_first_while_matplotlib_loads(qtbot: Any, window: Any,
                                                   seeded: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """On the first opening the figures do not wait for matplotlib: the numbers show, then
    the visible charts one by one, then the hidden ones and the likely next ranges."""
    loading = threading.Event()
    monkeypatch.setattr(dashboard_jobs, "_imported", loading)
    install_dashboard(window)
    window.resize(1400, 900)
    page = window.findChild(DashboardPage)
    with qtbot.waitSignal(page.dashboard_created, timeout=20000) as created:
        window.show_page(page)
    dash = created.args[0]
    qtbot.waitUntil(lambda: dash.figures is not None, timeout=20000)
    assert dash.tiles["Tracked"].value.text() == "4 h"
    assert all(card.canvas.rendered is None for card in dash.cards.values())
    assert not dash.is_painted()
    with qtbot.waitSignal(dash.painted, timeout=20000):
        loading.set()
    qtbot.waitUntil(lambda: all(c.canvas.rendered is not None for c in dash.cards.values()),
                    timeout=20000)
    qtbot.waitUntil(lambda: not dash._warm_timer.isActive() and dash.later.idle,
                    timeout=20000)
    combo = dash.range_bar.range_combo
    with qtbot.waitSignal(dash.painted, timeout=20000):
        combo.setCurrentIndex(combo.findData("quarter"))
    assert dash.status.text() == "Up to date" and dash.drawn == ()
    assert window.worker.bugs == []
