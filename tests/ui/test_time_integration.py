"""Time tracking inside the real main window: toolbar, Timesheet view, commands, selection."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.services.tasks import TaskFields
from app.services.time_tracking import TimeTracking
from app.ui import time_integration
from app.ui.time_integration import TimeIntegration, install_time_tracking


@pytest.fixture
def integ(window: Any) -> TimeIntegration:
    install_time_tracking(window)
    install_time_tracking(window)  # a second call changes nothing
    found = time_integration.of(window)
    assert found is not None
    assert window.worker.wait_idle(10)
    return found


@pytest.fixture
def task_ids(window: Any, services: Any) -> list[str]:
    ids = [services.tasks.create(TaskFields(title=t)).id for t in ("Plan", "Build")]
    window.refresh()
    assert window.worker.wait_idle(10)
    return ids


def running_task(services: Any) -> str | None:
    entry = TimeTracking.of(services).timer.status().entry
    return None if entry is None else entry.task_id


def test_installs_widget_view_and_commands(window, integ):
    assert window.findChildren(TimeIntegration) == [integ]
    assert integ.widget.isVisible()
    assert integ.timesheet_action.shortcut().toString() == "Ctrl+T"
    commands = {a.objectName(): a.shortcut().toString() for a in window.command_actions()}
    assert commands["action_start_timer"] == "Ctrl+Shift+T"
    assert commands["action_stop_timer"] == "Ctrl+Shift+X"
    assert "action_view_timesheet" in commands
    shortcuts = [a.shortcut().toString() for a in window.command_actions()
                 if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), "a shortcut is used twice"


def test_start_from_the_list_then_switch_from_the_board(window, integ, services, task_ids,
                                                        clock):
    plan, build = task_ids
    assert window.task_list.select_task(plan)
    integ.actions["start_timer"].trigger()
    assert window.worker.wait_idle(10)
    assert running_task(services) == plan
    assert integ.widget.title_label.text() == "Plan"
    clock.fixed = clock.fixed.replace(minute=20)
    window.toggle_board()
    assert window.worker.wait_idle(10)
    window.board.select_task(build)
    integ.actions["start_timer"].trigger()
    assert window.worker.wait_idle(10)
    assert running_task(services) == build
    integ.actions["stop_timer"].trigger()
    assert window.worker.wait_idle(10)
    assert running_task(services) is None
    assert not integ.actions["stop_timer"].isEnabled()


def test_start_from_the_editor_and_the_shortcut(qtbot, window, integ, services, task_ids):
    plan, build = task_ids
    assert window.task_list.select_task(build)
    window.focus_editor()
    qtbot.waitUntil(lambda: window.editor.isAncestorOf(QApplication.focusWidget()), timeout=3000)
    assert integ.selected_task() == build
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.worker.wait_idle(10)
    assert running_task(services) == build


def test_nothing_selected_says_so(window, integ, services):
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    integ.start_selected()
    assert any("Select a task first" in m for m in messages)
    assert running_task(services) is None


def test_context_menu_actions_on_the_task_views(window, integ):
    # The list and board have no menu of their own yet: right-click offers the timer.
    for widget in (window.task_list, window.board):
        assert isinstance(widget, QWidget)
        assert widget.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
        assert integ.actions["start_timer"] in widget.actions()
        assert integ.actions["stop_timer"] in widget.actions()


def test_timesheet_view_opens_with_ctrl_t(qtbot, window, integ, services, task_ids):
    TimeTracking.of(services).timer.start(task_ids[0])
    integ.controller.refresh()
    assert window.worker.wait_idle(10)
    with qtbot.waitSignal(integ.timesheet.loaded, timeout=5000):
        integ.timesheet_action.trigger()
    assert window.stack.currentWidget() is integ.timesheet
    assert integ.timesheet.model.rowCount() == 1
    assert integ.timesheet.model.entry(0).end is None


def test_programmatic_close_really_closes(window, integ):
    window.close()
    assert not window.isVisible()
    assert integ._down  # noqa: SLF001 - the controller and idle thread are stopped


def test_settings_dialog_changes_idle_threshold_and_pomodoro(qtbot, window, integ, services):
    from app.services import time_settings
    from app.ui.time_settings_dialog import TimeSettingsDialog

    assert integ.idle.watcher.threshold == 300  # five minutes by default
    integ.actions["time_settings"].trigger()
    dialog = window.findChild(TimeSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.idle.setValue(10)
    dialog.work.setValue(50)
    with qtbot.waitSignal(integ.controller.settings_changed, timeout=5000):
        dialog.save()
    assert integ.idle.watcher.threshold == 600
    assert integ.controller.pomodoro.config.work_minutes == 50
    assert time_settings.load(services.store).idle_minutes == 10
