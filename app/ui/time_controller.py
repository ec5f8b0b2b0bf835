"""The time-tracking state of the running app; the timer widget and the tray only show it.

Every database call goes through the window's DbWorker. A one-second tick runs only while
a timer or a Pomodoro runs. Changes made by another process (``cadence timer start`` in a
terminal) are noticed through a file watcher on the database, not by polling.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.errors import UserFacingError
from app.services import time_settings
from app.services.capture import capture
from app.services.facade import Services
from app.services.idle import AwayPeriod
from app.services.pomodoro import PhaseChange, Pomodoro, PomodoroState
from app.services.time_dto import RecentTask, TimeEntryDTO, TimerStatus
from app.services.time_notify import NotifyError, notify
from app.services.time_rules import fmt_duration
from app.services.time_settings import TimeSettings
from app.services.time_tracking import TimeTracking

log = logging.getLogger(__name__)
NO_NOTIFY_ENV = "CADENCE_NO_NOTIFICATIONS"  # "1": never talk to the notification server
REFRESH_DEBOUNCE_MS = 250


class Worker(Protocol):
    def run(self, fn: Any, *args: Any, on_done: Any = None, on_error: Any = None,
            write: bool = True, key: str | None = None) -> int: ...


@dataclass(frozen=True)
class TimeState:
    status: TimerStatus
    recent: list[RecentTask]
    settings: TimeSettings


def load_state(tt: TimeTracking) -> TimeState:
    """Runs on the DB worker."""
    return TimeState(tt.timer.status(), tt.timer.recent_tasks(6), time_settings.load(tt.store))


def start_new_task(services: Services, tt: TimeTracking, text: str) -> TimerStatus:
    """Runs on the DB worker: quick-add a task from text, then time it."""
    task = capture(services, text, create_project=True)
    return tt.timer.start(task.id)


class TimeController(QObject):
    """Start/stop/switch, Pomodoro and idle handling for one window.

    Signals:
        status_changed(object): a fresh TimerStatus (after start, stop, or a refresh).
        tick(int): elapsed seconds, once a second while a timer runs.
        recent_changed(object): the recent tasks (list of RecentTask) changed.
        pomodoro_changed(object): the PomodoroState changed (also once a second while on).
        phase_changed(object): a PhaseChange happened (the tray shows it).
        message(str): one line for the status bar.
        entries_changed(): time entries changed (the timesheet reloads).
        notice_undelivered(str, str): a Pomodoro notice that no desktop server showed.
        settings_changed(object): the stored TimeSettings were loaded and differ.
        store_changed(): someone (this process or another) wrote to the database.
    """

    status_changed = Signal(object)
    tick = Signal(int)
    recent_changed = Signal(object)
    pomodoro_changed = Signal(object)
    phase_changed = Signal(object)
    message = Signal(str)
    entries_changed = Signal()
    notice_undelivered = Signal(str, str)
    settings_changed = Signal(object)
    store_changed = Signal()
    _notified = Signal(str, str, str)

    def __init__(self, services: Services, worker: Worker, parent: QObject | None = None,
                 *, watch: bool = True) -> None:
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.time = TimeTracking.of(services)
        self.status = TimerStatus(None, services.clock.now())
        self.recent: list[RecentTask] = []
        self.settings = TimeSettings()
        self.pomodoro = Pomodoro()
        self.notices: list[tuple[str, str, str]] = []  # (summary, body, "desktop"|error)
        self._loaded_at = time.monotonic()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.on_ticker_timeout)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self._notify_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-notify")
        self._notified.connect(self.on_notified)
        self._watcher: QFileSystemWatcher | None = None
        self._closed = False
        if watch:
            self._watch(services.store.path)

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._closed:
            return
        self.worker.run(load_state, self.time, write=False, key="time-state",
                        on_done=self.on_state_loaded, on_error=self.on_error)

    def on_state_loaded(self, state: TimeState) -> None:
        if state.settings != self.settings:
            self.settings = state.settings
            self.pomodoro.configure(state.settings.pomodoro)
            self.settings_changed.emit(state.settings)
        if state.recent != self.recent:
            self.recent = state.recent
            self.recent_changed.emit(state.recent)
        self._set_status(state.status)

    def elapsed(self) -> int:
        if self.status.entry is None:
            return 0
        return self.status.elapsed + int(time.monotonic() - self._loaded_at)

    @property
    def running(self) -> bool:
        return self.status.running

    # -- actions ---------------------------------------------------------------------------
    def _run(self, fn: Any, *args: Any, on_done: Any) -> None:
        if not self._closed:
            self.worker.run(fn, *args, on_done=on_done, on_error=self.on_error)

    def start(self, task_id: str) -> None:
        self._run(self.time.timer.start, task_id, on_done=self._after_write)

    def start_text(self, text: str) -> None:
        """Quick-add a task (creating its #project if needed) and time it."""
        self._run(start_new_task, self.services, self.time, text, on_done=self._after_write)

    def stop(self) -> None:
        if self.status.running:
            self._run(self.time.timer.stop, on_done=self._after_stop)

    def resolve_idle(self, action: str, period: AwayPeriod, other_task_id: str | None,
                     entry_id: str | None = None) -> None:
        resolve = partial(self.time.timer.resolve_idle, entry_id=entry_id)
        self._run(resolve, action, period.start, period.end, other_task_id,
                  on_done=self._after_write)

    def _after_write(self, status: TimerStatus) -> None:
        self._set_status(status)
        self.entries_changed.emit()
        self.refresh()  # recent tasks

    def _after_stop(self, entry: TimeEntryDTO | None) -> None:
        if entry is not None:
            self.message.emit(f"Stopped “{entry.task_title}” after "
                              f"{fmt_duration(entry.seconds(entry.end or entry.start))}.")
        self._set_status(TimerStatus(None, self.services.clock.now()))
        self.entries_changed.emit()
        self.refresh()

    def on_error(self, error: UserFacingError) -> None:
        self.message.emit(str(error))

    # -- Pomodoro --------------------------------------------------------------------------
    def pomodoro_start(self) -> None:
        self._phase(self.pomodoro.start(self._now()))

    def pomodoro_skip(self) -> None:
        self._phase(self.pomodoro.skip(self._now()))

    def pomodoro_stop(self) -> None:
        self._phase(self.pomodoro.stop(self._now()))

    def pomodoro_state(self) -> PomodoroState:
        return self.pomodoro.state

    def pomodoro_tick(self, now: datetime) -> None:
        for change in self.pomodoro.tick(now):
            self._phase(change)
        if self.pomodoro.active:
            self.pomodoro_changed.emit(self.pomodoro.state)

    def _phase(self, change: PhaseChange) -> None:
        self.phase_changed.emit(change)
        self.pomodoro_changed.emit(self.pomodoro.state)
        self.message.emit(f"{change.summary}. {change.body}".strip())
        self._send_notice(change.summary, change.body)
        self._sync_ticker()

    def _send_notice(self, summary: str, body: str) -> None:
        if os.environ.get(NO_NOTIFY_ENV) == "1":
            self._notified.emit(summary, body, "desktop notifications are off")
            return

        def job() -> None:
            try:
                notify(summary, body)
            except NotifyError as exc:
                self._notified.emit(summary, body, str(exc))
            else:
                self._notified.emit(summary, body, "")

        self._notify_pool.submit(job)

    def on_notified(self, summary: str, body: str, problem: str) -> None:
        self.notices.append((summary, body, problem or "desktop"))
        if problem:
            # Never silent: the tray (if any) shows it and the status bar says why.
            log.warning("Pomodoro notification not shown on the desktop: %s", problem)
            self.message.emit(f"{summary}. {body} (No desktop notification: {problem}.)")
            self.notice_undelivered.emit(summary, body)

    # -- ticking ---------------------------------------------------------------------------
    def on_ticker_timeout(self) -> None:
        if self.status.running:
            self.tick.emit(self.elapsed())
        if self.pomodoro.active:
            self.pomodoro_tick(self._now())
        self._sync_ticker()

    def _set_status(self, status: TimerStatus) -> None:
        old = self.status.entry
        self.status = status
        self._loaded_at = time.monotonic()
        if old != status.entry:
            self.status_changed.emit(status)
            if old is not None and status.entry is not None and old.id != status.entry.id:
                self.entries_changed.emit()
        self._sync_ticker()

    def _sync_ticker(self) -> None:
        busy = self.status.running or self.pomodoro.active
        if busy and not self._ticker.isActive():
            self._ticker.start()
        elif not busy and self._ticker.isActive():
            self._ticker.stop()

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def _now(self) -> datetime:
        return self.services.clock.now()

    # -- other processes -------------------------------------------------------------------
    def _watch(self, db_path: Path) -> None:
        self._watcher = QFileSystemWatcher(self)
        self._db_files = [db_path, db_path.with_name(db_path.name + "-wal")]
        self._watcher.addPath(str(db_path.parent))
        self._rewatch()
        self._watcher.fileChanged.connect(self.on_db_file_changed)
        self._watcher.directoryChanged.connect(self.on_db_file_changed)

    def _rewatch(self) -> None:
        assert self._watcher is not None
        watched = set(self._watcher.files())
        for path in self._db_files:
            if path.exists() and str(path) not in watched:
                self._watcher.addPath(str(path))

    def on_debounce_timeout(self) -> None:
        self.refresh()
        self.store_changed.emit()  # undo, redo, the CLI: the timesheet reloads if shown

    def save_settings(self, settings: TimeSettings) -> None:
        self._run(time_settings.save, self.services.store, settings, self.services.clock,
                  on_done=lambda _s: self.refresh())

    def on_db_file_changed(self, _path: str) -> None:
        if self._watcher is None:
            return
        self._rewatch()
        self._debounce.start()

    def shutdown(self) -> None:
        """Stop ticking and watching (the window is closing; its worker goes next)."""
        self._closed = True
        if self._watcher is not None:
            self._watcher.fileChanged.disconnect(self.on_db_file_changed)
            self._watcher.directoryChanged.disconnect(self.on_db_file_changed)
            self._watcher.deleteLater()
            self._watcher = None
        self._ticker.stop()
        self._debounce.stop()
        self._notify_pool.shutdown(wait=False, cancel_futures=True)
