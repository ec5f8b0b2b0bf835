"""The task editor panel: every field of one task, saved field by field with inline errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.dto import STATUS_LABELS, ProjectDTO, TaskDTO
from app.services.tasks import TaskFields
from app.ui import theme
from app.ui.editor_fields import (
    RECURRENCE_PRESETS,
    TagCompleter,
    ZoneCompleter,
    fields_for,
    preset_index,
    project_rows,
    stored_value,
)
from app.ui.formatting import (
    estimate_text,
    parse_clock,
    parse_day,
    parse_estimate,
    split_tags,
    tags_edit_text,
    time_text,
)
from app.ui.qt_helpers import named

FIELDS = ("title", "notes", "project", "status", "priority", "due", "scheduled", "estimate",
          "tags", "recurrence")


class TaskEditor(QWidget):
    """Shows one task; each finished edit (Enter, focus out, a choice) saves that field.

    Signals:
        save_requested(str, object, str): (task id, TaskFields, field key) to store.
        message(str): something for the status bar (an edit that could not be saved).
    """

    save_requested = Signal(str, object, str)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.today = date.today()
        self.zone_name = "UTC"
        self._task: TaskDTO | None = None
        self._loading = False
        self._sent: dict[str, Any] = {}
        self.errors: dict[str, QLabel] = {}
        # The window tells the editor how to name a parent task (from the loaded list).
        self.parent_title: Callable[[str], str | None] = lambda _id: None
        self._build()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        empty = QLabel("Select a task to see and edit its details.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setEnabled(False)
        self._stack.addWidget(empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        scroll.setWidget(page)
        self._stack.addWidget(scroll)
        box = QVBoxLayout(page)
        box.setContentsMargins(12, 10, 12, 10)
        self.title = named(QLineEdit(placeholderText="Task title"), "editor_title")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.editingFinished.connect(lambda: self.commit("title"))
        box.addWidget(self.title)
        box.addWidget(self._error("title"))
        self.notes = named(QPlainTextEdit(placeholderText="Notes"), "editor_notes")
        self.notes.setFixedHeight(96)
        self.notes.installEventFilter(self)
        box.addWidget(self.notes)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        box.addLayout(form)
        self._build_fields(form)
        self.footer = named(QLabel(), "editor_footer")
        self.footer.setWordWrap(True)
        box.addWidget(self.footer)
        box.addStretch(1)
        self.apply_theme()

    def _build_fields(self, form: QFormLayout) -> None:
        self.project = named(QComboBox(), "editor_project")
        self.project.activated.connect(lambda _i: self.commit("project"))
        form.addRow("Project", self._with_error("project", self.project))
        self.parent_label = named(QLabel(), "editor_parent")
        self.parent_label.setWordWrap(True)
        self.make_top_level = named(QPushButton("Make top-level"), "editor_make_top_level")
        self.make_top_level.clicked.connect(self.on_make_top_level_clicked)
        parent_row = QHBoxLayout()
        parent_row.addWidget(self.parent_label, 1)
        parent_row.addWidget(self.make_top_level)
        form.addRow("Parent", self._with_error("parent", parent_row))
        self.status = named(QComboBox(), "editor_status")
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.status.activated.connect(lambda _i: self.commit("status"))
        form.addRow("Status", self._with_error("status", self.status))
        self.priority = named(QComboBox(), "editor_priority")
        for p, label in theme.PRIORITY_NAMES.items():
            self.priority.addItem(label, p)
        self.priority.activated.connect(lambda _i: self.commit("priority"))
        form.addRow("Priority", self._with_error("priority", self.priority))
        self.due_date = self._line("editor_due_date", "due", "none — e.g. fri, dec 5")
        self.due_time = self._line("editor_due_time", "due", "no time")
        self.due_tz = self._line("editor_due_tz", "due", "local zone")
        self._zones = ZoneCompleter(self.due_tz)
        form.addRow("Due", self.due_date)
        time_row = QHBoxLayout()
        time_row.addWidget(self.due_time, 2)
        time_row.addWidget(self.due_tz, 3)
        form.addRow("Time", self._with_error("due", time_row))
        self.scheduled = self._line("editor_scheduled", "scheduled", "none")
        form.addRow("Scheduled", self._with_error("scheduled", self.scheduled))
        self.estimate = self._line("editor_estimate", "estimate", "minutes or h:mm")
        form.addRow("Estimate", self._with_error("estimate", self.estimate))
        self.tags = self._line("editor_tags", "tags", "comma, separated")
        self._tag_completer = TagCompleter(self.tags)
        form.addRow("Tags", self._with_error("tags", self.tags))
        self.repeat = named(QComboBox(), "editor_repeat")
        for label, _rule in RECURRENCE_PRESETS:
            self.repeat.addItem(label)
        self.repeat.activated.connect(self.on_repeat_activated)
        form.addRow("Repeat", self.repeat)
        self.rrule = self._line("editor_rrule", "recurrence", "RRULE, e.g. FREQ=WEEKLY;BYDAY=MO")
        form.addRow("Rule", self.rrule)
        self.from_completion = named(QCheckBox("Count from completion"), "editor_from_done")
        self.from_completion.clicked.connect(lambda _c: self.commit("recurrence"))
        form.addRow("", self._with_error("recurrence", self.from_completion))

    def _line(self, name: str, key: str, placeholder: str) -> QLineEdit:
        edit = named(QLineEdit(placeholderText=placeholder), name)
        edit.editingFinished.connect(lambda: self.commit(key))
        return edit

    def _error(self, key: str) -> QLabel:
        label = named(QLabel(), f"error_{key}")
        label.setWordWrap(True)
        label.hide()
        self.errors[key] = label
        return label

    def _with_error(self, key: str, field: QWidget | QHBoxLayout) -> QWidget:
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        if isinstance(field, QWidget):
            lay.addWidget(field)
        else:
            lay.addLayout(field)
        lay.addWidget(self._error(key))
        return holder

    def apply_theme(self) -> None:
        colors = theme.current()
        for label in self.errors.values():
            label.setStyleSheet(f"color: {colors.error.name()};")
        self.footer.setStyleSheet(f"color: {colors.muted.name()};")

    # -- data in ---------------------------------------------------------------------------
    def current_task(self) -> TaskDTO | None:
        return self._task

    def set_projects(self, projects: list[ProjectDTO]) -> None:
        self._loading = True
        try:
            self.project.clear()
            self.project.addItem("Inbox (no project)", None)
            for label, project in project_rows(projects):
                self.project.addItem(theme.dot_icon(QColor(project.color)), label, project.id)
            if self._task is not None:
                self._show("project", self._task)
        finally:
            self._loading = False

    def set_tag_names(self, names: list[str]) -> None:
        self._tag_completer.set_names(names)

    def set_task(self, task: TaskDTO | None) -> None:
        """Show another task (saving what was typed into the previous one first)."""
        if self._task is not None and (task is None or task.id != self._task.id):
            self.commit_all()
        self._task = task
        self._sent.clear()
        for label in self.errors.values():
            label.hide()
        self._stack.setCurrentIndex(0 if task is None else 1)
        if task is not None:
            for key in FIELDS:
                self._show(key, task)
            self._show_meta(task)

    def task_saved(self, task: TaskDTO) -> None:
        """A save finished: take the stored values, except in fields edited meanwhile."""
        old = self._task
        if old is None or old.id != task.id:
            return
        self._task = task
        for key in FIELDS:
            try:
                dirty = self._value_of(key) != stored_value(key, old)
            except ValueError:
                dirty = True
            if not dirty:
                self._show(key, task)
            if key in self._sent and self._sent[key] == stored_value(key, task):
                del self._sent[key]
        self._show_meta(task)

    def show_error(self, task_id: str, key: str, message: str) -> None:
        self._sent.pop(key, None)
        if self._task is not None and self._task.id == task_id and key in self.errors:
            self._set_error(key, message)
        else:
            self.message.emit(f"Not saved: {message}")

    def focus_title(self) -> None:
        if self._task is not None:
            self.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.title.selectAll()

    # -- saving ----------------------------------------------------------------------------
    def commit_all(self) -> None:
        for key in FIELDS:
            self.commit(key, quiet=False)

    def commit(self, key: str, *, quiet: bool = True) -> None:
        if self._task is None or self._loading:
            return
        try:
            value = self._value_of(key)
        except ValueError as exc:
            self._set_error(key, str(exc))
            if not quiet:
                self.message.emit(f"Not saved: {exc}")
            return
        self._set_error(key, None)
        if value == stored_value(key, self._task) or self._sent.get(key) == value:
            return
        self._sent[key] = value
        self.save_requested.emit(self._task.id, fields_for(key, value), key)

    def on_make_top_level_clicked(self) -> None:
        if self._task is not None and self._task.parent_id is not None:
            self.save_requested.emit(self._task.id, TaskFields(parent_id=None), "parent")

    def on_repeat_activated(self, index: int) -> None:
        rule = RECURRENCE_PRESETS[index][1]
        if rule is not None or index == 0:
            self.rrule.setText(rule or "")
            self.commit("recurrence")
        else:
            self.rrule.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self.commit("notes")
        return super().eventFilter(watched, event)

    def _set_error(self, key: str, message: str | None) -> None:
        label = self.errors.get(key)
        if label is None:
            return
        label.setText(message or "")
        label.setVisible(bool(message))

    # -- field values ----------------------------------------------------------------------
    def _value_of(self, key: str) -> Any:  # noqa: PLR0911
        if key == "title":
            return self.title.text()
        if key == "notes":
            return self.notes.toPlainText()
        if key == "project":
            return self.project.currentData()
        if key == "status":
            return self.status.currentData()
        if key == "priority":
            return self.priority.currentData()
        if key == "due":
            day = parse_day(self.due_date.text(), self.today)
            wall = parse_clock(self.due_time.text())
            if wall is not None and day is None:
                raise ValueError("A due time needs a due date.")
            zone = (self.due_tz.text().strip() or self.zone_name) if wall else None
            return day, wall, zone
        if key == "scheduled":
            return parse_day(self.scheduled.text(), self.today)
        if key == "estimate":
            return parse_estimate(self.estimate.text())
        if key == "tags":
            return split_tags(self.tags.text())
        rule = self.rrule.text().strip().upper().removeprefix("RRULE:") or None
        return rule, self.from_completion.isChecked() if rule else False

    def _show(self, key: str, task: TaskDTO) -> None:  # noqa: PLR0912
        self._loading = True
        try:
            if key == "title":
                self.title.setText(task.title)
                self.title.setCursorPosition(0)
            elif key == "notes":
                if self.notes.toPlainText() != task.notes:
                    self.notes.setPlainText(task.notes)
            elif key == "project":
                self.project.setCurrentIndex(max(0, self.project.findData(task.project_id)))
            elif key == "status":
                self.status.setCurrentIndex(max(0, self.status.findData(task.status)))
            elif key == "priority":
                self.priority.setCurrentIndex(max(0, self.priority.findData(task.priority)))
            elif key == "due":
                local = task.due_local()
                self.due_date.setText(task.due_date.isoformat() if task.due_date else "")
                self.due_time.setText(time_text(local.time() if local else None))
                self.due_tz.setText(task.due_tz or "" if local else "")
            elif key == "scheduled":
                self.scheduled.setText(task.scheduled_date.isoformat()
                                       if task.scheduled_date else "")
            elif key == "estimate":
                self.estimate.setText(estimate_text(task.estimate_minutes))
            elif key == "tags":
                self.tags.setText(tags_edit_text(task.tags))
            else:
                self.rrule.setText(task.recurrence or "")
                self.repeat.setCurrentIndex(preset_index(task.recurrence))
                self.from_completion.setChecked(task.recur_from_completion)
        finally:
            self._loading = False

    def _show_meta(self, task: TaskDTO) -> None:
        if task.parent_id is None:
            self.parent_label.setText("None (top-level)")
        else:
            title = self.parent_title(task.parent_id)
            self.parent_label.setText(f"Subtask of “{title}”" if title else "Subtask of a "
                                      "task not shown in this view")
        self.make_top_level.setEnabled(task.parent_id is not None)
        created = task.created.astimezone().strftime("%Y-%m-%d %H:%M")
        updated = task.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        extra = f" · {task.subtasks_done}/{task.subtasks_total} subtasks done" \
            if task.subtasks_total else ""
        self.footer.setText(f"Created {created} · updated {updated}{extra}")
