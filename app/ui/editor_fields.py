"""Helpers for the editor's fields: recurrence presets, project rows, tag and zone completion."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from app.services.dto import ProjectDTO, TaskDTO
from app.services.tasks import TaskFields

CUSTOM = "custom"
RECURRENCE_PRESETS: tuple[tuple[str, str | None], ...] = (
    ("Does not repeat", None),
    ("Daily", "FREQ=DAILY"),
    ("Weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("Weekly", "FREQ=WEEKLY"),
    ("Monthly", "FREQ=MONTHLY"),
    ("Yearly", "FREQ=YEARLY"),
    ("Custom rule…", None),
)
_CUSTOM_INDEX = len(RECURRENCE_PRESETS) - 1


def preset_index(rule: str | None) -> int:
    """The preset a stored rule matches; the last ("Custom rule…") when none does."""
    if not rule:
        return 0
    for i, (_label, preset) in enumerate(RECURRENCE_PRESETS):
        if preset == rule:
            return i
    return _CUSTOM_INDEX


def project_rows(projects: list[ProjectDTO]) -> list[tuple[str, ProjectDTO]]:
    """Projects in tree order, labels indented by depth (for a flat combo box)."""
    known = {p.id for p in projects}
    by_parent: dict[str | None, list[ProjectDTO]] = {}
    for p in projects:
        by_parent.setdefault(p.parent_id if p.parent_id in known else None, []).append(p)
    out: list[tuple[str, ProjectDTO]] = []
    stack: list[tuple[ProjectDTO, int]] = [(p, 0) for p in reversed(by_parent.get(None, []))]
    while stack:
        project, depth = stack.pop()
        out.append(("    " * depth + project.name, project))
        stack.extend((c, depth + 1) for c in reversed(by_parent.get(project.id, [])))
    return out


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, keeping the ones before it."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self._names = QStringListModel(self)
        self.setModel(self._names)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setWidget(edit)
        self._edit = edit
        self.activated.connect(self.on_activated)
        edit.textEdited.connect(self.on_text_edited)

    def set_names(self, names: list[str]) -> None:
        self._names.setStringList(sorted(names, key=str.lower))

    def on_text_edited(self, text: str) -> None:
        prefix = text.rsplit(",", 1)[-1].strip().lstrip("@")
        popup = self.popup()
        if not prefix:
            if popup is not None:
                popup.hide()
            return
        self.setCompletionPrefix(prefix)
        if self.completionCount():
            self.complete()
        elif popup is not None:
            popup.hide()

    def on_activated(self, name: str) -> None:
        head = self._edit.text().rsplit(",", 1)
        kept = head[0] + ", " if len(head) == 2 else ""
        self._edit.setText(f"{kept}{name}")


class ZoneCompleter(QCompleter):
    """IANA zone names, loaded on first focus (listing them reads the tz database)."""

    def __init__(self, edit: QLineEdit) -> None:
        super().__init__(edit)
        self._zones = QStringListModel(self)
        self.setModel(self._zones)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self._loaded = False
        edit.setCompleter(self)
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._loaded and event.type() == QEvent.Type.FocusIn:
            from zoneinfo import available_timezones

            self._zones.setStringList(sorted(available_timezones()))
            self._loaded = True
        return super().eventFilter(watched, event)


def stored_value(key: str, task: TaskDTO) -> Any:  # noqa: PLR0911
    """A task field in the form the editor compares its widgets with."""
    if key in ("title", "notes", "status", "priority"):
        return getattr(task, key)
    if key == "project":
        return task.project_id
    if key == "due":
        local = task.due_local()
        return task.due_date, local.time() if local else None, task.due_tz if local else None
    if key == "scheduled":
        return task.scheduled_date
    if key == "estimate":
        return task.estimate_minutes
    if key == "tags":
        return tuple(task.tags)
    return task.recurrence, task.recur_from_completion if task.recurrence else False


def fields_for(key: str, value: Any) -> TaskFields:  # noqa: PLR0911
    """The TaskFields that store one editor field's value."""
    if key in ("title", "notes", "status", "priority"):
        return TaskFields(**{key: value})
    if key == "project":
        return TaskFields(project_id=value)
    if key == "due":
        day, wall, zone = value
        return TaskFields(due_date=day, due_time=wall, due_tz=zone)
    if key == "scheduled":
        return TaskFields(scheduled_date=value)
    if key == "estimate":
        return TaskFields(estimate_minutes=value)
    if key == "tags":
        return TaskFields(tags=value)
    rule, from_completion = value
    return TaskFields(recurrence=rule, recur_from_completion=from_completion)
