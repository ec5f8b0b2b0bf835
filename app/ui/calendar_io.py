"""ICS files and feeds from the window: import with progress and Cancel, export, subscribe,
and the background refresh of subscriptions (a timer set to the next due time)."""

from __future__ import annotations

import threading
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from app.errors import UserFacingError
from app.services.calendar_dto import CalendarDTO, ImportSummary, RefreshResult
from app.ui import calendar_jobs as jobs
from app.ui.calendar_dialogs import SubscribeDialog
from app.ui.calendar_ops import CalendarOps

MAX_WAIT_MS = 24 * 3600 * 1000
MIN_WAIT_MS = 5_000


class CalendarIO(QObject):
    """Signals:
        import_finished(list): the ImportSummary of every file (also after an error: []).
        refreshed(list): RefreshResults of a background or manual refresh.
    """

    import_finished = Signal(list)
    refreshed = Signal(list)
    _progress = Signal(int, int, int, int)  # emitted on the worker thread, queued to us

    def __init__(self, ops: CalendarOps, parent: QWidget) -> None:
        super().__init__(parent)
        self.ops = ops
        self.host = ops.host
        self.parent_widget = parent
        self.progress: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._paths: list[str] = []
        self._progress.connect(self.on_progress)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.refresh_due)
        ops.view.files_dropped.connect(self.import_files)

    # -- import ----------------------------------------------------------------------------
    def choose_import(self) -> QFileDialog:
        dialog = QFileDialog(self.parent_widget, "Import calendar files")
        dialog.setObjectName("import_dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(["Calendar files (*.ics *.ical *.ifb)", "All files (*)"])
        dialog.filesSelected.connect(self.import_files)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def import_files(self, paths: list[str], calendar: str | None = None) -> None:
        if not paths:
            return
        self._paths = list(paths)
        self._cancel.clear()
        progress = QProgressDialog("Reading…", "Cancel", 0, 0, self.parent_widget)
        progress.setObjectName("import_progress")
        progress.setWindowTitle("Importing calendar")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self._cancel.set)
        self.progress = progress
        self.host.worker.run(jobs.import_files, self.host.services, self._paths, calendar,
                             self._progress.emit, self._cancel.is_set,
                             on_done=self.on_imported, on_error=self.on_import_error)

    def on_progress(self, index: int, files: int, done: int, total: int) -> None:
        if self.progress is None:
            return
        name = Path(self._paths[index]).name if index < len(self._paths) else ""
        self.progress.setLabelText(f"Importing {name} ({index + 1} of {files})…")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def on_imported(self, summaries: list[ImportSummary]) -> None:
        self._close_progress()
        self.ops.reload()
        lines = [s.line() for s in summaries]
        self.host.show_message(lines[-1] if len(lines) == 1 else f"Imported {len(lines)} files.")
        box = QMessageBox(self.parent_widget)
        box.setObjectName("import_summary")
        box.setWindowTitle("Calendar import")
        box.setText("\n".join(lines))
        details = [p.text() for s in summaries for p in (*s.skipped, *s.warnings)]
        if details:
            box.setDetailedText("\n".join(details))
        box.finished.connect(box.deleteLater)
        box.open()
        self.import_finished.emit(summaries)

    def on_import_error(self, error: UserFacingError) -> None:
        self._close_progress()
        self.host.show_message(str(error))
        self.import_finished.emit([])

    # -- export ----------------------------------------------------------------------------
    def choose_export(self) -> None:
        self.host.worker.run(jobs.all_calendars, self.host.services, write=False,
                             on_done=self._ask_calendar)

    def _ask_calendar(self, calendars: list[CalendarDTO]) -> None:
        if not calendars:
            self.host.show_message("There is no calendar to export yet.")
            return
        names = [c.name for c in calendars]
        dialog = QInputDialog(self.parent_widget)
        dialog.setObjectName("export_choose_calendar")
        dialog.setWindowTitle("Export calendar")
        dialog.setLabelText("Calendar")
        dialog.setComboBoxItems(names)
        dialog.textValueSelected.connect(partial(self._ask_path, calendars))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _ask_path(self, calendars: list[CalendarDTO], name: str) -> None:
        cal = next(c for c in calendars if c.name == name)
        dialog = QFileDialog(self.parent_widget, "Export calendar", f"{cal.name}.ics")
        dialog.setObjectName("export_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("ics")
        dialog.setNameFilters(["Calendar files (*.ics)"])
        dialog.fileSelected.connect(partial(self.export_to, cal.id))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def export_to(self, calendar_id: str, path: str) -> None:
        self.host.worker.run(jobs.export_calendar, self.host.services, calendar_id, path,
                             write=False, on_done=self.host.show_message,
                             on_error=self.ops._error)  # noqa: SLF001 - shared error path

    def choose_task_export(self) -> QFileDialog | None:
        """Export the tasks selected in the list or board as VTODOs."""
        selected = getattr(self.host, "selected_ids", None)
        ids: list[str] = list(selected()) if callable(selected) else []
        if not ids:
            self.host.show_message("Select the tasks to export first.")
            return None
        dialog = QFileDialog(self.parent_widget, "Export tasks", "tasks.ics")
        dialog.setObjectName("export_tasks_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("ics")
        dialog.setNameFilters(["Calendar files (*.ics)"])
        dialog.fileSelected.connect(partial(self.export_tasks_to, ids))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def export_tasks_to(self, task_ids: list[str], path: str) -> None:
        self.host.worker.run(jobs.export_tasks, self.host.services, task_ids, path,
                             write=False, on_done=self.host.show_message,
                             on_error=self.ops._error)  # noqa: SLF001 - shared error path

    # -- subscriptions ---------------------------------------------------------------------
    def choose_subscribe(self) -> SubscribeDialog:
        dialog = SubscribeDialog(self.parent_widget)
        dialog.finished.connect(partial(self._on_subscribe_finished, dialog))
        dialog.open()
        return dialog

    def _on_subscribe_finished(self, dialog: SubscribeDialog, result: int) -> None:
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        url, name = dialog.url.text().strip(), dialog.name.text().strip()
        self.host.worker.run(jobs.subscribe, self.host.services, url, name or url,
                             on_done=self.on_subscribed, on_error=self.ops._error)  # noqa: SLF001

    def on_subscribed(self, result: RefreshResult) -> None:
        self._report([result])
        self.schedule()

    def refresh_now(self) -> None:
        self.host.worker.run(jobs.refresh_all, self.host.services, on_done=self.on_refreshed,
                             on_error=self.ops._error)  # noqa: SLF001

    def refresh_due(self) -> None:
        self.host.worker.run(jobs.refresh_subscriptions, self.host.services,
                             on_done=self.on_refreshed, on_error=self.on_refresh_error)

    def on_refreshed(self, results: list[RefreshResult]) -> None:
        self._report(results)
        self.schedule()

    def on_refresh_error(self, error: UserFacingError) -> None:
        self.host.show_message(str(error))
        self.schedule()

    def _report(self, results: list[RefreshResult]) -> None:
        if any(r.status != "unchanged" or r.error for r in results):
            self.ops.reload()
        failed = [r for r in results if r.error]
        if failed:
            self.host.show_message(f"{failed[0].name}: {failed[0].error}", 10_000)
        elif results:
            summary = results[-1].summary
            self.host.show_message(summary.line() if summary else f"{results[-1].name}: "
                                   "up to date")
        self.refreshed.emit(results)

    def schedule(self) -> None:
        """Ask when the next subscription is due and sleep until then (no polling)."""
        self.host.worker.run(jobs.next_refresh, self.host.services, write=False,
                             key="calendar-next-refresh", on_done=self.on_next_refresh)

    def on_next_refresh(self, due: datetime | None) -> None:
        self.timer.stop()
        if due is None:
            return
        wait = (due - self.host.services.clock.now()).total_seconds() * 1000
        self.timer.start(int(min(max(wait, MIN_WAIT_MS), MAX_WAIT_MS)))
