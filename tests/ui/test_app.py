"""run_gui start-up (store errors, benchmark hook), the sample project, theme, views, palette."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app import paths
from app.services.facade import Services
from app.services.sample import PROJECT_NAME, ensure_sample_project
from app.services.task_query import View
from app.ui import theme
from app.ui.app import SHOWN_MARKER, run_gui

ROOT = Path(__file__).resolve().parents[2]


def _close_modal_later(seen: list[str]) -> None:
    """Answer the start-up message box (it runs its own event loop)."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(20, close)


def test_run_gui_refuses_a_newer_store_with_a_message(qapp: Any, data_dir: Path) -> None:
    svc = Services.open(data_dir)
    svc.close()
    con = sqlite3.connect(paths.database_path(data_dir))
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    seen: list[str] = []
    _close_modal_later(seen)
    assert run_gui(data_dir, ["cadence"]) == 2
    assert seen and "newer Cadence" in seen[0]


def test_run_gui_refuses_a_corrupt_store_with_a_message(qapp: Any, data_dir: Path) -> None:
    paths.database_path(data_dir).write_bytes(b"this is not a database" * 100)
    seen: list[str] = []
    _close_modal_later(seen)
    assert run_gui(data_dir, ["cadence"]) == 2
    assert seen and "damaged" in seen[0]


def test_sample_project_on_first_run_only_and_stays_deleted(services: Any) -> None:
    assert ensure_sample_project(services)
    project = services.projects.by_name(PROJECT_NAME)
    assert project is not None
    tasks = services.tasks.reader.select()
    assert 6 <= len([t for t in tasks if t.parent_id is None]) <= 8
    assert any(t.recurrence for t in tasks)
    assert any(t.parent_id for t in tasks)
    assert any(t.tags and t.due_date == services.clock.today() for t in tasks)
    assert services.history.undo_label() is None  # not an undoable user action
    assert not ensure_sample_project(services)
    services.projects.delete(project.id)
    assert not ensure_sample_project(services)
    assert services.projects.by_name(PROJECT_NAME) is None


def test_no_sample_project_for_a_store_that_already_has_data(services: Any) -> None:
    services.projects.create("Mine")
    assert not ensure_sample_project(services)
    assert [p.name for p in services.projects.list()] == ["Mine"]


def test_exit_after_shown_hook_reports_start_time(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; from app.ui.app import run_gui; "
              "sys.exit(run_gui(Path(sys.argv[1]), sys.argv[:1]))")
    env = dict(os.environ, CADENCE_EXIT_AFTER_SHOWN="1")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "d")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith(SHOWN_MARKER))
    seconds = float(line.split()[1])
    assert 0 < seconds < 60
    assert "rows=6" in line  # the first run opens the sample project (6 top-level tasks)
    svc = Services.open(tmp_path / "d")
    try:
        assert svc.projects.by_name(PROJECT_NAME) is not None
    finally:
        svc.close()


def test_process_events_does_not_leak_none(qapp: Any) -> None:
    """PySide6 6.12 on Python 3.11 drops a reference to None per static void call."""
    before = sys.getrefcount(None)
    for _ in range(20_000):
        QApplication.processEvents()
    assert sys.getrefcount(None) > before - 1000


def test_dark_and_light_palettes_and_readable_priorities(qapp: Any) -> None:
    manager = theme.manager() or theme.ThemeManager(qapp)
    try:
        manager.force(True)
        dark = QApplication.palette().color(QPalette.ColorRole.Window)
        assert dark.lightness() < 80 and theme.current().dark
        for color in theme.current().priority.values():
            assert abs(color.lightness() - dark.lightness()) > 60
        manager.force(False)
        light = QApplication.palette().color(QPalette.ColorRole.Window)
        assert light.lightness() > 200 and not theme.current().dark
        for color in theme.current().priority.values():
            assert abs(color.lightness() - 255) > 60
    finally:
        manager.force(None)
    assert QApplication.style().name().lower() == "fusion"


def test_add_view_is_switchable_by_shortcut(window: Any, qtbot: Any) -> None:
    page = QLabel("Calendar goes here")
    action = window.add_view("Calendar", page, "Ctrl+Shift+C")
    assert action in window.command_actions()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.stack.currentWidget() is page and action.isChecked()
    assert not window.quick_add.isVisible()
    window.show_view(View("today", title="Today"))
    assert window.worker.wait_idle(10)
    assert window.stack.currentWidget() is window.task_list


def test_toolbar_widget_and_palette(window: Any, qtbot: Any,
                                    modal: Callable[[], Any]) -> None:
    label = QLabel("00:00")
    window.add_toolbar_widget(label)
    qtbot.waitUntil(label.isVisible)
    assert label.geometry().right() > window.width() // 2  # right of the spacer
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    from app.ui.palette import CommandPalette

    qtbot.waitUntil(lambda: any(isinstance(w, CommandPalette) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))


def test_importing_the_gui_entry_is_cheap() -> None:
    code = ("import sys, app.ui.app; "
            "print(sorted(m for m in ('PySide6', 'sqlalchemy', 'alembic', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_theme_follows_the_os_scheme_until_forced(qapp: Any) -> None:
    manager = theme.manager() or theme.ThemeManager(qapp)
    try:
        manager.on_hints_color_scheme_changed(Qt.ColorScheme.Dark)
        assert theme.current().dark
        manager.force(False)
        manager.on_hints_color_scheme_changed(Qt.ColorScheme.Dark)
        assert not theme.current().dark  # the user's choice wins over the OS
    finally:
        manager.force(None)
