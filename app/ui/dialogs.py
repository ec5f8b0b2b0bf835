"""Window-modal questions opened without a nested event loop; answers arrive by callback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


def ask_text(parent: QWidget, title: str, label: str, text: str,
             on_accept: Callable[[str], None]) -> QInputDialog:
    """Ask for one line of text; on_accept gets it (stripped) unless cancelled or empty."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("ask_text")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(text)
    dialog.resize(360, dialog.sizeHint().height())

    def accepted(value: str) -> None:
        if value.strip():
            on_accept(value.strip())

    dialog.textValueSelected.connect(accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def confirm(parent: QWidget, title: str, text: str, yes_text: str,
            on_yes: Callable[[], None], *, informative: str = "") -> QMessageBox:
    """A yes/cancel question; Cancel is the default so Enter never destroys anything."""
    box = QMessageBox(parent)
    box.setObjectName("confirm")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


def choose_color(parent: QWidget, initial: str, on_color: Callable[[str], None]) -> QColorDialog:
    dialog = QColorDialog(QColor(initial), parent)
    dialog.setObjectName("choose_color")
    dialog.setWindowTitle("Project colour")

    def selected(color: QColor) -> None:
        if color.isValid():
            on_color(color.name())

    dialog.colorSelected.connect(selected)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def show_bug(parent: QWidget, message: str) -> QMessageBox:
    """An unexpected error: say so plainly, non-blocking; the traceback is in the log."""
    box = QMessageBox(parent)
    box.setObjectName("bug")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Cadence: unexpected error")
    box.setText("Something went wrong inside Cadence. Your data was not changed by the failed "
                "action.")
    box.setDetailedText(message)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def show_startup_error(message: str) -> None:
    """The store cannot be opened: explain and let run_gui exit with status 2."""
    box = QMessageBox()
    box.setObjectName("startup_error")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Cadence cannot open its data")
    box.setText(message)
    box.setInformativeText("Nothing was changed. Close other programs using the file, or start "
                           "Cadence with --data-dir pointing at another folder.")
    box.exec()
