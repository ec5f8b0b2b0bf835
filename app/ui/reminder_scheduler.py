"""When to wake: ONE precise single-shot QTimer armed for the next trigger in the database.

It is re-armed after every wake, after any write to the database (seen through a
QFileSystemWatcher on the WAL file, and PRAGMA data_version on a slow timer for file systems
without inotify), and after a clock jump or a resume from suspend, detected by comparing how
far the wall clock and the monotonic clock moved (QTimer counts monotonic time, which stops
while the machine sleeps). There is no polling loop: idle, the process wakes every 20 s.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal

from app.errors import UserFacingError
from app.services.reminder_watch import DataVersionWatch
from app.services.reminders import ReminderService, Wake
from app.ui.worker import DbWorker

log = logging.getLogger(__name__)

MAX_SLEEP_MS = 60 * 60 * 1000  # re-check at least hourly (caps QTimer's int range too)
WATCH_MS = 20_000  # drift + data_version safety net
DEBOUNCE_MS = 150  # coalesce a burst of commits into one re-plan
DRIFT_S = 2.0  # wall vs monotonic disagreement that means "the clock jumped / we slept"


class ReminderScheduler(QObject):
    """Drives ReminderService.wake() at the right moments, always through the DB worker.

    Signals:
        woke(object): the Wake of every wake-up (delivery, next instant, digest due).
        delivered(object): a Delivery with something in it (on the GUI thread).
        armed(object): the next wake instant (datetime) or None; for tests and the status.
        replanned(): a full or incremental re-plan finished.
    """

    woke = Signal(object)
    delivered = Signal(object)
    armed = Signal(object)
    replanned = Signal()

    def __init__(self, service: ReminderService, worker: DbWorker, db_path: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.worker = worker
        self.db_path = db_path
        self.next_at: datetime | None = None
        self.wakes = 0  # how many times the trigger timer fired (tests: no busy loop)
        self._armed_wall: datetime | None = None
        self._armed_mono = 0.0
        self._stopped = False
        self._watch = DataVersionWatch(db_path)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.on_timer_timeout)
        self._safety = QTimer(self)
        self._safety.setInterval(WATCH_MS)
        self._safety.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._safety.timeout.connect(self.on_safety_timeout)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self._files = QFileSystemWatcher(self)
        self._files.fileChanged.connect(self.on_files_file_changed)
        self._files.directoryChanged.connect(self.on_files_directory_changed)

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Plan the window (catching up on anything missed) and arm the timer."""
        self._watch_files()
        self._safety.start()
        self._run(self.service.wake, self._on_wake_done, write=True)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._safety.stop()
        self._debounce.stop()
        self._watch.close()

    def active(self) -> bool:
        return not self._stopped

    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else -1

    # -- arming ----------------------------------------------------------------------------
    def arm(self, next_at: datetime | None) -> None:
        self.next_at = next_at
        self._armed_wall = self.service.clock.now()
        self._armed_mono = time.monotonic()
        if next_at is None:
            self._timer.stop()
        else:
            delay = (next_at - self._armed_wall).total_seconds() * 1000.0
            # +1 ms so the timer never fires just before the trigger's instant
            self._timer.start(int(min(max(delay, 0.0) + 1, MAX_SLEEP_MS)))
        self.armed.emit(next_at)

    def wake_now(self) -> None:
        """Deliver whatever is due (after an action, a re-plan, a resume)."""
        self._run(self.service.wake, self._on_wake_done, write=True)

    def replan(self) -> None:
        """Plan the whole window again (settings saved, clock jump, time-zone change)."""
        self._run(self.service.replan, self._on_replanned, write=False)

    def data_changed(self) -> None:
        """Something wrote to the database: re-plan what changed, soon."""
        if not self._debounce.isActive():
            self._debounce.start()

    # -- slots -----------------------------------------------------------------------------
    def on_timer_timeout(self) -> None:
        self.wakes += 1
        if self._drifted():
            self.replan()
        self.wake_now()

    def on_safety_timeout(self) -> None:
        if self._drifted() or self.service.zone_changed():
            log.info("clock jump, resume or time-zone change: re-planning reminders")
            self.replan()
        self._run(self._watch.changed, self._on_version_checked, write=False)

    def on_debounce_timeout(self) -> None:
        self._run(self.service.replan_changes, self._on_replanned, write=False)

    def on_files_file_changed(self, _path: str) -> None:
        self._watch_files()
        self.data_changed()

    def on_files_directory_changed(self, _path: str) -> None:
        self._watch_files()

    # -- results (GUI thread) --------------------------------------------------------------
    def _on_wake_done(self, wake: Wake) -> None:
        self.woke.emit(wake)
        next_at = wake.next_at
        if not wake.delivery.empty:
            self.delivered.emit(wake.delivery)
        elif next_at is not None and next_at <= self.service.clock.now():
            # nothing was due after all, yet "due now" again: never spin on it
            log.warning("reminder wake found nothing due; backing off for a second")
            next_at = self.service.clock.now() + timedelta(seconds=1)
        self.arm(next_at)

    def _on_replanned(self, next_at: datetime | None) -> None:
        self.replanned.emit()
        if next_at is not None and next_at <= self.service.clock.now():
            self.wake_now()
        else:
            self.arm(next_at)

    def _on_version_checked(self, changed: bool) -> None:
        if changed:
            self.data_changed()

    def _on_error(self, error: UserFacingError) -> None:
        log.warning("reminder scheduling: %s", error)
        if self.active():
            # the store is busy or locked: try again at the next safety tick
            self._timer.start(WATCH_MS)

    # -- helpers ---------------------------------------------------------------------------
    def _run(self, fn: object, on_done: object, *, write: bool) -> None:
        if not self.active():
            return
        try:
            self.worker.run(fn, on_done=on_done, on_error=self._on_error,  # type: ignore[arg-type]
                            write=write)
        except RuntimeError:  # the window shut its worker down: the app is ending
            self.stop()

    def _drifted(self) -> bool:
        if self._armed_wall is None:
            return False
        wall = (self.service.clock.now() - self._armed_wall).total_seconds()
        mono = time.monotonic() - self._armed_mono
        if abs(wall - mono) <= DRIFT_S:
            return False
        self._armed_wall = self.service.clock.now()
        self._armed_mono = time.monotonic()
        return True

    def _watch_files(self) -> None:
        wal = Path(f"{self.db_path}-wal")
        wanted = [str(p) for p in (wal, self.db_path) if p.exists()]
        missing = [p for p in wanted if p not in self._files.files()]
        if missing:
            self._files.addPaths(missing)
        folder = str(self.db_path.parent)
        if os.path.isdir(folder) and folder not in self._files.directories():
            self._files.addPath(folder)
