"""The About dialog shows version, licence, data folder and runtime versions, and copies them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app import __version__
from app.ui.about import show_about


def test_about_dialog_shows_the_facts_and_copies_them(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = show_about(None, data_dir=tmp_path)
    try:
        qtbot.waitExposed(dialog)
        text = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
        assert text["about_version"] == f"Version {__version__}"
        assert text["about_licence"] == "Licence: MIT"
        assert str(tmp_path) in text["about_data_dir"]
        assert f"Qt {qVersion()}" in text["about_details"]
        copy = dialog.findChild(QPushButton, "about_copy")
        assert copy is not None
        copy.click()
        copied = QGuiApplication.clipboard().text()
        assert copied == dialog.details
        assert __version__ in copied and str(tmp_path) in copied
    finally:
        dialog.close()
