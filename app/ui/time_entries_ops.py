"""Manual-entry actions of the timesheet: dialogs in, service calls on the worker, messages out."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QDialog, QInputDialog

from app.errors import ConflictError, UserFacingError
from app.services.time_dto import RecentTask, TimeEntryDTO
from app.services.time_edits import EntryFields
from app.services.time_rules import local_instant
from app.ui.time_controller import TimeController
from app.ui.time_entry_dialog import EntryDialog, EntryRequest, SplitDialog

if TYPE_CHECKING:
    from app.ui.timesheet_view import TimesheetView


class EntryOps:
    """Each method is one user action; results come back through the controller's signals."""

    def __init__(self, view: TimesheetView, controller: TimeController) -> None:
        self.view = view
        self.controller = controller
        self.dialog: EntryDialog | None = None

    @property
    def _zone(self) -> ZoneInfo:
        return self.controller.services.clock.zone

    def _run(self, fn: object, *args: object, done: str) -> None:
        self.controller.worker.run(fn, *args, on_done=lambda _r: self._done(done),
                                   on_error=self._error)

    def _done(self, text: str) -> None:
        self.view.show_status(text)
        self.controller.entries_changed.emit()
        self.controller.refresh()

    def _error(self, error: UserFacingError) -> None:
        self.view.show_status(str(error))

    # -- add and edit ----------------------------------------------------------------------
    def add(self, day: date) -> None:
        self.controller.worker.run(self.controller.time.timer.task_choices, write=False,
                                   on_done=lambda choices: self._open_dialog(choices, None, day),
                                   on_error=self._error)

    def edit(self, entry: TimeEntryDTO | None) -> None:
        if entry is None:
            return
        self.controller.worker.run(self.controller.time.timer.task_choices, write=False,
                                   on_done=lambda choices: self._open_dialog(choices, entry, None),
                                   on_error=self._error)

    def _open_dialog(self, choices: list[RecentTask], entry: TimeEntryDTO | None,
                     day: date | None) -> None:
        clock = self.controller.services.clock
        now = clock.now()
        if day is not None and day != clock.today():
            now = local_instant(day, time(17, 0), self._zone, fold=0)
        dialog = EntryDialog(self._zone, choices, now, entry, self.view)
        dialog.save_requested.connect(self.save)
        self.dialog = dialog
        dialog.open()

    def save(self, req: EntryRequest) -> None:
        entries = self.controller.time.entries
        if req.entry_id is None:
            add = partial(entries.add, note=req.note, billable=req.billable, trim=req.trim)
            self.controller.worker.run(add, req.task_id, req.start, req.end,
                                       on_done=self._saved, on_error=self._save_failed)
            return
        original = self.dialog.entry if self.dialog is not None else None
        running = original is not None and original.end is None
        fields = EntryFields(task_id=req.task_id, start=req.start,
                             end=None if running else req.end, note=req.note,
                             billable=req.billable)
        self.controller.worker.run(partial(entries.edit, trim=req.trim), req.entry_id, fields,
                                   on_done=self._saved, on_error=self._save_failed)

    def _saved(self, entry: TimeEntryDTO) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        self._done(f"Saved the entry on “{entry.task_title}”.")

    def _save_failed(self, error: UserFacingError) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.failed(str(error), conflict=isinstance(error, ConflictError))
        else:
            self._error(error)

    # -- split, merge, move, delete --------------------------------------------------------
    def split(self, entry: TimeEntryDTO | None) -> None:
        if entry is None:
            return
        dialog = SplitDialog(entry, self._zone, self.controller.services.clock.now(), self.view)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.split_at(entry, dialog.value())

    def split_at(self, entry: TimeEntryDTO, at: datetime) -> None:
        self._run(self.controller.time.entries.split, entry.id, at, done="Split the entry.")

    def merge(self, entries: list[TimeEntryDTO]) -> None:
        if len(entries) == 2:
            self._run(self.controller.time.entries.merge, entries[0].id, entries[1].id,
                      done="Merged the two entries.")

    def move(self, entries: list[TimeEntryDTO]) -> None:
        if entries:
            self.controller.worker.run(self.controller.time.timer.task_choices, write=False,
                                       on_done=lambda c: self._ask_task(entries, c),
                                       on_error=self._error)

    def _ask_task(self, entries: list[TimeEntryDTO], choices: list[RecentTask]) -> None:
        labels = [c.title if not c.project else f"{c.title} · {c.project}" for c in choices]
        if not labels:
            self.view.show_status("There is no open task to move the entries to.")
            return
        label, ok = QInputDialog.getItem(self.view, "Move time entries",
                                         f"Move {len(entries)} entr"
                                         f"{'y' if len(entries) == 1 else 'ies'} to:",
                                         labels, 0, False)
        if ok and label in labels:
            self.move_to(entries, choices[labels.index(label)].id)

    def move_to(self, entries: list[TimeEntryDTO], task_id: str) -> None:
        self._run(self.controller.time.entries.move, [e.id for e in entries], task_id,
                  done="Moved.")

    def delete(self, entries: list[TimeEntryDTO]) -> None:
        if entries:
            n = len(entries)
            self._run(self.controller.time.entries.delete, [e.id for e in entries],
                      done=f"Deleted {n} entr{'y' if n == 1 else 'ies'} (Ctrl+Z brings "
                           f"{'it' if n == 1 else 'them'} back).")
