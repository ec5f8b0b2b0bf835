"""What may be dropped on the calendar: tasks (to time-block them) and .ics files."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from app.ui.calendar_paint import MIME_TASK, MIME_TASKS

ICS_SUFFIXES = (".ics", ".ical", ".ifb")


def dropped_task_ids(data: QMimeData) -> list[str]:
    """Task ids from a board drag (one id) or a list drag (one id per line)."""
    for fmt in (MIME_TASK, MIME_TASKS):
        if data.hasFormat(fmt):
            raw = bytes(data.data(fmt).data()).decode("utf-8", "replace")
            return [line.strip() for line in raw.splitlines() if line.strip()]
    return []


def dropped_files(data: QMimeData) -> list[str]:
    """Local calendar files among dropped URLs."""
    if not data.hasUrls():
        return []
    return [url.toLocalFile() for url in data.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(ICS_SUFFIXES)]


def wants_drop(data: QMimeData) -> bool:
    return bool(dropped_task_ids(data) or dropped_files(data))


def task_mime(*task_ids: str) -> QMimeData:
    """What the list/board put on a drag (also used by tests)."""
    data = QMimeData()
    if len(task_ids) == 1:
        data.setData(MIME_TASK, task_ids[0].encode())
    else:
        data.setData(MIME_TASKS, "\n".join(task_ids).encode())
    return data
