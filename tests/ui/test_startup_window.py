"""The fast start-up (first page, then services attached) and pages beside the task views."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app import paths
from app.errors import StoreError
from app.services import task_query as tq
from app.services.facade import Services
from app.services.first_page import INBOX_REF, read_first_page
from app.services.sample import ensure_sample_project
from app.services.tasks import TaskFields
from app.ui import startup
from app.ui.actions import COMMANDS
from app.ui.app import SHOWN_MARKER, run_gui
from app.ui.main_window import MainWindow
from app.ui.startup import INBOX_TITLE, ServicesOpener
from app.ui.task_tree_model import TITLE
from app.ui.window_build import MENUS

ROOT = Path(__file__).resolve().parents[2]


def titles(window: Any) -> list[str]:
    model = window.model
    return [model.index(r, TITLE, QModelIndex()).data() for r in range(model.rowCount())]


def ready_store(services: Services) -> list[str]:
    """Inbox tasks (one with a subtask) in a store past its first run; top-level titles."""
    names = ["Call Sam", "Pay rent", "Water plants"]
    for name in names:
        task = services.tasks.create(TaskFields(title=name))
    services.tasks.create(TaskFields(title="Buy soil", parent_id=task.id))
    assert not ensure_sample_project(services)  # has data: marks the first run done
    return names


def test_first_page_paints_before_the_services_then_attach_completes(
        qtbot: Any, services: Services) -> None:
    names = ready_store(services)
    page = read_first_page(services.store.path, INBOX_REF, services.clock)
    assert page is not None
    window = MainWindow(clock=services.clock)
    qtbot.addWidget(window)
    window.show_first_page(page, INBOX_TITLE)
    window.show()
    qtbot.waitExposed(window)
    assert titles(window) == names and window.view_title.text() == "Inbox"
    assert not window.is_attached and not window.list_complete
    assert set(window.tasks) == {t.id for t in page.tasks}
    assert not window.list_action.isEnabled() and not window.board_action.isEnabled()
    assert window.splitter.widget(0).objectName() == "sidebar_placeholder"
    assert "loading" in window.count_label.text()
    with qtbot.waitSignal(window.ready):
        window.attach(services)
    assert window.worker.wait_idle(10)
    assert window.list_complete and window.current_view == tq.INBOX
    assert titles(window) == names  # the whole Inbox, its first page already shown
    assert window.splitter.widget(0) is window.sidebar
    assert window.splitter.widget(2) is window.editor
    assert window.board_action.isEnabled() and window.stack.indexOf(window.board) == 1
    menus = [a.text().lstrip("&") for a in window.menuBar().actions()]
    assert menus == list(MENUS)
    assert window.actions_by_name["undo"] in window.toolbar.actions()
    assert window.count_label.text() == "4 tasks"
    window.close()
    assert window.worker.bugs == []


def test_the_frame_menus_are_the_ones_the_commands_fill() -> None:
    assert list(MENUS) == list(dict.fromkeys(c.menu for c in COMMANDS))
    assert tq.INBOX.title == INBOX_TITLE


def test_the_opener_attaches_services_opened_in_the_background(
        qtbot: Any, services: Services) -> None:
    ready_store(services)
    folder = services.store.path.parent
    services.close()
    window = MainWindow()
    qtbot.addWidget(window)
    installed: list[MainWindow] = []
    opener = ServicesOpener(window, folder, installed.append)
    with qtbot.waitSignal(opener.opened, timeout=30_000):
        opener.start()
    try:
        assert window.is_attached and installed == [window]
        assert window.worker.wait_idle(10)
        assert window.list_complete and len(window.tasks) == 4
    finally:
        window.close()
        opener.wait()
        assert opener.services is not None
        opener.services.close()


def test_a_store_error_while_opening_is_shown_and_reported(qtbot: Any, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    paths.database_path(folder).write_bytes(b"this is not a database" * 100)
    window = MainWindow()
    qtbot.addWidget(window)
    seen: list[str] = []
    _answer_modal_later(seen)
    opener = ServicesOpener(window, folder, lambda _w: None)
    with qtbot.waitSignal(opener.failed, timeout=30_000) as failed:
        opener.start()
    assert seen and "damaged" in seen[0]
    assert "damaged" in str(failed.args[0])
    assert not window.is_attached and opener.services is None
    window.close()


def test_a_window_closed_while_opening_is_left_alone(qtbot: Any, services: Services) -> None:
    ready_store(services)
    folder = services.store.path.parent
    services.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    opener = ServicesOpener(window, folder, lambda _w: None)
    opener.start()
    window.close()
    opener.wait()
    qtbot.waitUntil(lambda: opener.services is not None, timeout=10_000)
    assert not window.is_attached  # nothing built on a closed window
    opener.services.close()


def test_pages_hide_the_task_header_quick_add_and_editor(window: Any, qtbot: Any) -> None:
    page = QLabel("Timesheet goes here")
    action = window.add_view("Timesheet", page, "Ctrl+Shift+T")
    for part in (window.header, window.search_box, window.quick_add, window.editor):
        assert part.isVisible()
    action.trigger()
    assert window.stack.currentWidget() is page and action.isChecked()
    for part in (window.header, window.view_title, window.search_box, window.quick_add,
                 window.editor):
        assert not part.isVisible()
    assert window.windowTitle().startswith("Timesheet")
    window.toggle_board()  # back to a task view: the board
    assert window.board_visible()
    for part in (window.header, window.search_box, window.quick_add, window.editor):
        assert part.isVisible()
    assert window.windowTitle().startswith("Inbox") and not action.isChecked()
    action.trigger()
    window.show_view(tq.TODAY)  # a sidebar view brings the last task page back
    assert window.worker.wait_idle(10)
    assert window.board_visible() and window.editor.isVisible()
    assert window.view_title.text() == "Today"


def test_first_paint_modules_import_no_sqlalchemy() -> None:
    code = ("import sys, app.ui.app, app.ui.main_window, app.ui.startup, "
            "app.services.first_page; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'app.services.facade', "
            "'app.ui.editor', 'app.ui.sidebar', 'app.ui.board') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_the_whole_fast_start_in_a_process(services: Services) -> None:
    names = ready_store(services)
    folder = services.store.path.parent
    services.close()
    env = dict(os.environ, CADENCE_EXIT_AFTER_SHOWN="1")
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(folder)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith(SHOWN_MARKER))
    fields = dict(f.split("=") for f in line.split()[2:])
    first = float(line.split()[1])
    assert fields["rows"] == str(len(names)) and fields["tasks"] == "4"
    assert 0 < first <= float(fields["ready"]) <= float(fields["complete"])


def _answer_modal_later(seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)


def test_run_gui_shows_a_store_error_that_comes_after_the_first_page(
        qapp: Any, services: Services, monkeypatch: Any) -> None:
    ready_store(services)
    folder = services.store.path.parent
    services.close()

    def locked(data_dir: Path, clock: Any) -> Services:
        raise StoreError("The database is locked by another program; nothing was saved.")

    monkeypatch.setattr(startup, "open_services", locked)
    seen: list[str] = []
    _answer_modal_later(seen)
    assert run_gui(folder, ["cadence"]) == 2
    assert seen and "locked" in seen[0]


def test_run_gui_lets_a_bug_while_opening_surface(
        qapp: Any, services: Services, monkeypatch: Any) -> None:
    ready_store(services)
    folder = services.store.path.parent
    services.close()

    def broken(data_dir: Path, clock: Any) -> Services:
        raise RuntimeError("a bug")

    monkeypatch.setattr(startup, "open_services", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        run_gui(folder, ["cadence"])


def test_after_a_failed_start_no_quit_is_left_pending(qapp: Any, services: Services,
                                                     monkeypatch: Any, tmp_path: Path) -> None:
    test_run_gui_lets_a_bug_while_opening_surface(qapp, services, monkeypatch)
    QApplication.processEvents()  # what the test harness does between tests
    # The next start (here: a corrupt store) still runs its message box's event loop.
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    paths.database_path(corrupt).write_bytes(b"this is not a database" * 100)
    seen: list[str] = []
    _answer_modal_later(seen)
    assert run_gui(corrupt, ["cadence"]) == 2
    assert seen and "damaged" in seen[0]
