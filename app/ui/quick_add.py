"""The quick-add bar: one line of natural language, highlighted and previewed as you type."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.quickadd import ParsedTask, parse_quick_add
from app.ui import theme as app_theme
from app.ui.board_delegate import is_dark

PLACEHOLDER = "Add a task: Pay rent tomorrow 9am #Home @bills p1 every month ~15m"
NO_TITLE = "A task needs a title."
# Text colours per recognised kind (light, dark); quoted literals stay plain.
KIND_COLORS = {
    "date": ("#1a5fb4", "#8ab4f8"),
    "time": ("#1a5fb4", "#8ab4f8"),
    "project": ("#7e22ce", "#d0a8ff"),
    "tag": ("#0f766e", "#5eead4"),
    "recurrence": ("#a16207", "#fbbf24"),
    "estimate": ("#be185d", "#f9a8d4"),
}
_NEWLINES = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def flatten(text: str) -> str:
    """Pasted lines become one line: each line break (and the space around it) is a space."""
    return _NEWLINES.sub(" ", text).replace("\t", " ")


def utf16_offsets(text: str) -> list[int] | None:
    """Python index -> Qt (UTF-16) index, or None when they are the same (no astral chars)."""
    if text.isascii() or all(ord(ch) <= 0xFFFF for ch in text):
        return None
    offsets, position = [], 0
    for ch in text:
        offsets.append(position)
        position += 2 if ord(ch) > 0xFFFF else 1
    offsets.append(position)
    return offsets


def estimate_label(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


def preview_text(parsed: ParsedTask, text: str, today: date) -> str:
    """ "Due Sun 29 Nov 09:00 · #Home · @bills · P1 · every month · 15 min" """
    parts: list[str] = []
    if parsed.due_date is not None:
        day = parsed.due_date
        label = f"Due {day:%a} {day.day} {day:%b}"
        label += f" {day.year}" if day.year != today.year else ""
        parts.append(label + (f" {parsed.due_time:%H:%M}" if parsed.due_time else ""))
    elif parsed.due_time is not None:
        parts.append(f"Due {parsed.due_time:%H:%M}")
    if parsed.project:
        parts.append("#" + parsed.project)
    parts.extend("@" + tag for tag in parsed.tags)
    if parsed.priority is not None:
        parts.append(f"P{parsed.priority}")
    for span in parsed.spans:
        if span.kind == "recurrence":
            phrase = " ".join(text[span.start : span.end].lower().split())
            phrase = phrase.replace("every!", "every")
            if parsed.recurrence_from_completion and not phrase.startswith("after"):
                phrase += " after completion"
            parts.append(phrase)
    if parsed.estimate_minutes is not None:
        parts.append(estimate_label(parsed.estimate_minutes))
    return " \u00b7 ".join(parts)


class _Parser:
    """parse_quick_add with a one-entry cache: the highlighter and preview share a parse."""

    def __init__(self) -> None:
        self.today: date | None = None  # None: the system's local date at each parse
        self.now_time: time | None = None
        self._key: tuple[str, date, time | None] | None = None
        self._result: ParsedTask | None = None

    def reference(self) -> tuple[date, time | None]:
        if self.today is not None:
            return self.today, self.now_time
        now = datetime.now().astimezone()
        return now.date(), now.time().replace(second=0, microsecond=0)

    def parse(self, text: str) -> ParsedTask:
        today, now_time = self.reference()
        key = (text, today, now_time)
        if key != self._key or self._result is None:
            self._key = key
            self._result = parse_quick_add(text, today=today, now_time=now_time)
        return self._result


class QuickAddHighlighter(QSyntaxHighlighter):
    """Colours the recognised parts of the (single) line by kind."""

    def __init__(self, document: QTextDocument, parser: _Parser) -> None:
        super().__init__(document)
        self._parser = parser
        self._formats: dict[str, QTextCharFormat] = {}
        self.set_dark(False)

    def set_dark(self, dark: bool) -> None:
        self._formats = {}
        colors = {kind: QColor(pair[dark]) for kind, pair in KIND_COLORS.items()}
        for priority, color in app_theme.current().priority.items():
            colors[f"priority{priority}"] = QColor(color)
        for kind, color in colors.items():
            fmt = QTextCharFormat()
            fmt.setForeground(color)
            background = QColor(color)
            background.setAlphaF(0.22 if dark else 0.13)
            fmt.setBackground(background)
            self._formats[kind] = fmt
        self.rehighlight()

    def format_for(self, kind: str, parsed: ParsedTask) -> QTextCharFormat | None:
        if kind == "priority":
            kind = f"priority{parsed.priority}"
        return self._formats.get(kind)

    def highlightBlock(self, text: str) -> None:
        parsed = self._parser.parse(text)
        offsets = utf16_offsets(text)
        for span in parsed.spans:
            fmt = self.format_for(span.kind, parsed)
            if fmt is None:
                continue
            start, end = span.start, span.end
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            self.setFormat(start, end - start, fmt)


class QuickAddEdit(QPlainTextEdit):
    """A one-line plain text edit: no wrapping, Enter submits, pasted newlines flatten.

    Signals:
        submit_pressed(): Enter or Return.
        escape_pressed(): Escape.
    """

    submit_pressed = Signal()
    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setWordWrapMode(QTextOption.WrapMode.NoWrap)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(PLACEHOLDER)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_height()

    def _fit_height(self) -> None:
        line = QFontMetrics(self.font()).lineSpacing()
        margin = round(self.document().documentMargin())
        self.setFixedHeight(line + 2 * margin + 2 * self.frameWidth() + 4)

    def sizeHint(self) -> QSize:
        return QSize(QFontMetrics(self.font()).horizontalAdvance(PLACEHOLDER) + 24, self.height())

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_pressed.emit()
        elif e.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.insertPlainText(flatten(source.text()))

    def changeEvent(self, e: QEvent) -> None:
        super().changeEvent(e)
        if e.type() == QEvent.Type.FontChange:
            self._fit_height()


class QuickAddBar(QWidget):
    """Quick add: type a task in natural language and press Enter (or the + button).

    The bar keeps the text after ``submitted``: call ``clear()`` once the task is stored,
    so that a failed write loses nothing (``show_error`` shows why it failed).
    Parse problems such as an impossible date are shown but do not block submitting:
    the words then stay in the title.

    Signals:
        submitted(text): the raw text, when it has a title.
    """

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parser = _Parser()
        self.edit = QuickAddEdit()
        self.edit.setAccessibleName("Quick add")
        self.highlighter = QuickAddHighlighter(self.edit.document(), self._parser)
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setToolTip("Add the task (Enter)")
        self.add_button.setAccessibleName("Add task")
        self.add_button.setFixedSize(self.edit.height(), self.edit.height())
        self.preview_label = QLabel()
        self.preview_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.preview_label.setMinimumWidth(1)  # long previews are cut, never widen the window
        self.error_label = QLabel()
        self.error_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        for label in (self.preview_label, self.error_label):
            label.setMinimumHeight(QFontMetrics(label.font()).height())
            label.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button)
        status = QHBoxLayout()
        status.setContentsMargins(4, 0, 4, 0)
        status.setSpacing(12)
        status.addWidget(self.preview_label)
        status.addWidget(self.error_label)
        status.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addLayout(status)
        self.edit.textChanged.connect(self.on_edit_text_changed)
        self.edit.submit_pressed.connect(self.submit)
        self.edit.escape_pressed.connect(self.clear)
        self.add_button.clicked.connect(self.submit)
        self.setFocusProxy(self.edit)
        self._apply_theme()

    # -- public API --------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(flatten(text))
        self.edit.moveCursor(QTextCursor.MoveOperation.End)

    def clear(self) -> None:
        self.edit.clear()
        self.error_label.clear()

    def focus_input(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_today(self, today: date | None, now_time: time | None = None) -> None:
        """Pin the reference day (and time of day) for dates; None follows the system."""
        self._parser.today, self._parser.now_time = today, now_time
        self.highlighter.rehighlight()
        self.on_edit_text_changed()

    def show_error(self, message: str) -> None:
        """Show a problem in red under the input (e.g. why storing the task failed)."""
        self.error_label.setText(message)
        self.error_label.setToolTip(message)

    def parsed(self) -> ParsedTask:
        return self._parser.parse(self.text())

    def submit(self) -> None:
        text = self.text()
        if not text.strip() or not self.parsed().title:
            self.show_error(NO_TITLE)
            return
        self.submitted.emit(text)

    # -- internals ---------------------------------------------------------------------------
    def on_edit_text_changed(self) -> None:
        text = self.text()
        parsed = self._parser.parse(text)
        preview = preview_text(parsed, text, self._parser.reference()[0])
        self.preview_label.setText(preview)
        self.preview_label.setVisible(bool(preview))
        self.show_error("  ".join(parsed.errors))

    def _apply_theme(self) -> None:
        dark = is_dark(self.palette())
        self.highlighter.set_dark(dark)
        muted = QPalette(self.preview_label.palette())
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self.preview_label.setPalette(muted)
        red = QPalette(self.error_label.palette())
        red.setColor(QPalette.ColorRole.WindowText, app_theme.current().error)
        self.error_label.setPalette(red)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()
