"""The About dialog: name, version, licence, data folder and the versions a bug report needs."""

from __future__ import annotations

import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_ID, APP_NAME, __version__, paths

LICENCE = "MIT"
SUMMARY = (
    "A local-first planner: tasks, calendar, time tracking and reminders "
    "in one file on your computer."
)
ICON_PX = 64


def system_details(data_dir: Path) -> str:
    """Plain-text facts for a bug report (also what 'Copy details' puts on the clipboard)."""
    py = ".".join(str(n) for n in sys.version_info[:3])
    platform = QGuiApplication.platformName() or "no GUI"
    where = "bundle" if paths.is_frozen() else "Python package"
    return "\n".join(
        [
            f"{APP_NAME} {__version__} ({APP_ID}, {where})",
            f"Python {py}, Qt {qVersion()}, PySide6 {PySide6.__version__}",
            f"System: {sys.platform}, Qt platform {platform}",
            f"Data folder: {data_dir}",
        ]
    )


class AboutDialog(QDialog):
    """Who made this, which version, where the data lives; a button copies the details."""

    def __init__(self, parent: QWidget | None = None, data_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.data_dir = data_dir or paths.default_data_dir()
        self.details = system_details(self.data_dir)

        icon = QLabel()
        icon_file = paths.resource("icons", "cadence.svg")
        if icon_file.is_file():
            icon.setPixmap(QIcon(str(icon_file)).pixmap(ICON_PX, ICON_PX))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        title = QLabel(f"<h2>{APP_NAME}</h2>")
        self.version_label = _label("about_version", f"Version {__version__}")
        summary = _label("about_summary", SUMMARY)
        summary.setWordWrap(True)
        self.licence_label = _label("about_licence", f"Licence: {LICENCE}")
        self.data_label = _label("about_data_dir", f"Data folder: {self.data_dir}")
        self.details_label = _label("about_details", self.details.split("\n", 2)[1])
        for label in (self.data_label, self.details_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        text = QVBoxLayout()
        for widget in (
            title,
            self.version_label,
            summary,
            self.licence_label,
            self.data_label,
            self.details_label,
        ):
            text.addWidget(widget)
        body = QHBoxLayout()
        body.addWidget(icon)
        body.addLayout(text, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("about_copy")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.on_copy_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def on_copy_button_clicked(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.details)
        self.copy_button.setText("Copied")


def _label(name: str, text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def show_about(parent: QWidget | None, data_dir: Path | None = None) -> AboutDialog:
    """Open the About dialog window-modally (without blocking) and return it."""
    dialog = AboutDialog(parent, data_dir)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
