"""The search box: the filter language, checked as you type, with the Save filter button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.services.filter_query import FilterError, parse_filter
from app.ui import theme
from app.ui.qt_helpers import named

DEBOUNCE_MS = 150


class SearchBar(QWidget):
    """A line edit whose text is a filter query; problems show in red beneath it.

    Queries are checked on the GUI thread (parsing is microseconds) and handed on after
    a short pause in typing; a malformed one keeps the last good results on screen.

    Signals:
        query_changed(object): a valid query (str), or None when the box was emptied.
        save_requested(): the "Save filter…" button was pressed.
    """

    query_changed = Signal(object)
    save_requested = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._active: str | None = None  # the query last handed on
        self.box = named(QLineEdit(), "search_box")
        self.box.setPlaceholderText("Search or filter:  p1  @tag  #project  due:today  "
                                    "overdue  is:done")
        self.box.setClearButtonEnabled(True)
        self.box.setMinimumWidth(260)
        self.error = named(QLabel(), "search_error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.save_button = named(QToolButton(), "save_filter_button")
        self.save_button.setText("Save filter…")
        self.save_button.setToolTip("Save this search as a filter in the sidebar (Ctrl+Shift+S)")
        self.save_button.setEnabled(False)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.box, 0, 0)
        grid.addWidget(self.save_button, 0, 1)
        grid.addWidget(self.error, 1, 0, 1, 2)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)
        self.box.textChanged.connect(self.on_box_text_changed)
        self.box.returnPressed.connect(self.run_now)
        self.save_button.clicked.connect(self.save_requested)
        self.apply_theme()

    def apply_theme(self) -> None:
        self.error.setStyleSheet(f"color: {theme.current().error.name()};")

    def text(self) -> str:
        return self.box.text().strip()

    def pending(self) -> bool:
        """True while a keystroke waits for the pause in typing."""
        return self._timer.isActive()

    def focus(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def reset(self) -> None:
        """Empty the box without announcing it (a sidebar view was chosen)."""
        self.box.blockSignals(True)
        self.box.clear()
        self.box.blockSignals(False)
        self._timer.stop()
        self._active = None
        self.error.hide()
        self.save_button.setEnabled(False)

    def on_box_text_changed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        self._timer.start()

    def run_now(self) -> None:
        """Check the text and announce it (what the pause in typing triggers)."""
        self._timer.stop()
        text = self.text()
        if not text:
            self.error.hide()
            if self._active is not None:
                self._active = None
                self.query_changed.emit(None)
            return
        try:
            parse_filter(text, today=self._today())
        except FilterError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self._active = text
        self.query_changed.emit(text)
