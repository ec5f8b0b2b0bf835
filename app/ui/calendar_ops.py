"""What calendar gestures do: dialogs, the recurring-edit question, service calls on the worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from app.errors import UserFacingError
from app.services.calendar_dto import CalendarDTO, EventDTO, EventFields
from app.services.facade import Services
from app.ui import calendar_jobs as jobs
from app.ui.calendar_dialogs import EventDialog, ask_scope
from app.ui.calendar_layout import Item
from app.ui.calendar_view import CalendarWidget
from app.ui.worker import DbWorker

Bound = datetime | date


class Host(Protocol):
    services: Services
    worker: DbWorker

    def show_message(self, text: str, timeout_ms: int = 6000) -> None: ...


class CalendarOps(QObject):
    """Turns the calendar view's gestures into service calls and reloads after them.

    Signals:
        changed(): a write finished and a reload was asked for (tests wait on it).
        dialog_opened(object): an event dialog is open (tests fill it in).
    """

    changed = Signal()
    dialog_opened = Signal(object)

    def __init__(self, host: Host, view: CalendarWidget) -> None:
        super().__init__(view)
        self.host = host
        self.view = view
        self.services = host.services
        view.now_fn = self.services.clock.now
        view.page_requested.connect(self.load)
        view.new_event_requested.connect(self.new_event)
        view.create_requested.connect(self.create)
        view.edit_requested.connect(self.edit)
        view.move_requested.connect(self.move)
        view.delete_requested.connect(self.delete)
        view.tasks_dropped.connect(self.drop_tasks)
        view.visibility_requested.connect(self.set_visible)

    # -- loading ---------------------------------------------------------------------------
    def load(self, mode: str, anchor: object, tz: str) -> None:
        self.host.worker.run(jobs.load_page, self.services, mode, anchor, tz, write=False,
                             key="calendar-page", on_done=self.view.show_page,
                             on_error=self._error)
        self.host.worker.run(jobs.all_calendars, self.services, write=False,
                             key="calendar-list", on_done=self.view.set_calendars)

    def reload(self) -> None:
        self.view.reload()

    def _after_write(self, _result: object = None) -> None:
        self.reload()
        refresh = getattr(self.host, "refresh", None)
        if callable(refresh):
            refresh()  # the task list shows block-linked state too
        self.changed.emit()

    def _error(self, error: UserFacingError) -> None:
        self.host.show_message(str(error))
        self.reload()

    def _run(self, fn: Any, *args: Any) -> None:
        self.host.worker.run(fn, self.services, *args, on_done=self._after_write,
                             on_error=self._error)

    # -- creating --------------------------------------------------------------------------
    def new_event(self) -> None:
        now = self.services.clock.now().astimezone(ZoneInfo(self.view.tz))
        day = self.view.anchor if self.view.page is None or self.view.mode != "day" else (
            self.view.page.first)
        if day == now.date() or self.view.page is None:
            start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        else:
            start = datetime.combine(day, datetime.min.time(), now.tzinfo).replace(hour=9)
        self.create(start, start + timedelta(hours=1))

    def create(self, start: object, end: object) -> None:
        if not isinstance(start, date) or not isinstance(end, date):
            return
        self.host.worker.run(jobs.writable_calendars, self.services, write=False,
                             on_done=partial(self._open_new, start, end), on_error=self._error)

    def _open_new(self, start: Bound, end: Bound, calendars: list[CalendarDTO]) -> None:
        dialog = EventDialog(self.view, calendars=calendars, home_zone=self.view.tz,
                             start=start, end=end)
        dialog.finished.connect(partial(self._on_new_finished, dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_new_finished(self, dialog: EventDialog, result: int) -> None:
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            fields = dialog.choice().fields
            self._run(jobs.create_event, replace(fields, clear_rrule=False))

    # -- editing ---------------------------------------------------------------------------
    def edit(self, item: object) -> None:
        if not isinstance(item, Item):
            return
        if item.task is not None:
            self._show_task(item.task.id)
            return
        assert item.occ is not None
        self.host.worker.run(jobs.event_for_edit, self.services, item.occ.event_id, write=False,
                             on_done=partial(self._open_edit, item), on_error=self._error)

    def _show_task(self, task_id: str) -> None:
        select = getattr(self.host, "on_current_task_changed", None)
        focus = getattr(self.host, "focus_editor", None)
        if callable(select) and callable(focus):
            select(task_id)
            focus()

    def _open_edit(self, item: Item, loaded: tuple[EventDTO, list[CalendarDTO]]) -> None:
        event, calendars = loaded
        start, end = _own_times(item, event)
        dialog = EventDialog(self.view, calendars=calendars, home_zone=self.view.tz,
                             start=start, end=end, event=event, read_only=event.read_only)
        dialog.finished.connect(partial(self._on_edit_finished, item, dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_edit_finished(self, item: Item, dialog: EventDialog, result: int) -> None:
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted or dialog.read_only:
            return
        choice = dialog.choice()
        if choice.delete:
            self.delete(item)
            return
        if _is_instance(item):
            ask_scope(self.view, "change", partial(self._apply_edit, item, choice.fields))
        else:
            self._apply_edit(item, choice.fields, "all")

    def _apply_edit(self, item: Item, fields: EventFields, scope: str) -> None:
        assert item.occ is not None
        if scope == "this":  # one instance cannot have a rule of its own
            fields = replace(fields, rrule=None, clear_rrule=False)
        instance = item.occ.instance if _is_instance(item) else None
        self._run(jobs.update_event, item.occ.event_id, fields, instance, scope)

    # -- moving, deleting, dropping ----------------------------------------------------------
    def move(self, item: object, start: object, end: object) -> None:
        if not isinstance(item, Item) or item.occ is None or item.occ.read_only:
            return
        assert isinstance(start, datetime) and isinstance(end, datetime)
        new_start, new_end = _for_service(item, start, end)
        if _is_instance(item):
            ask_scope(self.view, "move", partial(self._apply_move, item, new_start, new_end))
        else:
            self._apply_move(item, new_start, new_end, "all")

    def _apply_move(self, item: Item, start: Bound, end: Bound, scope: str) -> None:
        assert item.occ is not None
        instance = item.occ.instance if _is_instance(item) else None
        self._run(jobs.move_event, item.occ.event_id, start, end, instance, scope)

    def delete(self, item: object) -> None:
        if not isinstance(item, Item) or item.occ is None:
            return
        if item.occ.read_only:
            self.host.show_message("This calendar is a read-only subscription.")
            return
        if _is_instance(item):
            ask_scope(self.view, "delete", partial(self._ask_task_then_delete, item))
        else:
            self._ask_task_then_delete(item, "all")

    def _ask_task_then_delete(self, item: Item, scope: str) -> None:
        assert item.occ is not None
        if not item.occ.task_id:
            self._apply_delete(item, scope, False)
            return
        box = QMessageBox(self.view)
        box.setObjectName("delete_block_dialog")
        box.setWindowTitle("Delete time block")
        box.setText(f"“{item.title}” is a time block for a task. Delete the task too?")
        keep = box.addButton("Keep the task", QMessageBox.ButtonRole.AcceptRole)
        both = box.addButton("Delete the task too", QMessageBox.ButtonRole.DestructiveRole)
        keep.setObjectName("keep_task")
        both.setObjectName("delete_task_too")
        box.addButton(QMessageBox.StandardButton.Cancel)

        def finished() -> None:
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked in (keep, both):
                self._apply_delete(item, scope, clicked is both)

        box.finished.connect(finished)
        box.open()

    def _apply_delete(self, item: Item, scope: str, with_task: bool) -> None:
        assert item.occ is not None
        instance = item.occ.instance if _is_instance(item) else None
        self.view.selected = None
        self._run(jobs.delete_event, item.occ.event_id, instance, scope, with_task)

    def drop_tasks(self, task_ids: list[str], start: object) -> None:
        if task_ids and isinstance(start, datetime):
            self._run(jobs.block_tasks, list(task_ids), start)

    def set_visible(self, calendar_id: str, visible: bool) -> None:
        self._run(jobs.set_visible, calendar_id, visible)


def _is_instance(item: Item) -> bool:
    return item.occ is not None and item.occ.recurring and item.occ.instance is not None


def _own_times(item: Item, event: EventDTO) -> tuple[Bound, Bound]:
    """The instance's start/end as the dialog shows them: in the event's own zone."""
    assert item.occ is not None
    occ = item.occ
    if event.all_day or occ.all_day:
        return occ.start, occ.end
    if event.floating:
        return occ.start, occ.end
    tz = ZoneInfo(event.tzid or "UTC")
    assert isinstance(occ.start, datetime) and isinstance(occ.end, datetime)
    return occ.start.astimezone(tz), occ.end.astimezone(tz)


def _for_service(item: Item, start: datetime, end: datetime) -> tuple[Bound, Bound]:
    """View times (aware, display zone) in the form the event keeps: dates, wall or aware."""
    assert item.occ is not None
    if item.occ.all_day:
        return start.date(), max(end.date(), start.date() + timedelta(days=1))
    if item.occ.floating:
        return start.replace(tzinfo=None), end.replace(tzinfo=None)
    return start, end
