"""The command palette: listing, fuzzy filtering, keyboard and mouse, and its model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from app.ui.palette import SHORTCUT_ROLE, CommandModel, CommandPalette, fuzzy_match, plain_text

# Without an X server (the offscreen fallback) Qt warns that a popup cannot grab the
# keyboard or be raised; the behaviour under test does not depend on either.
pytestmark = pytest.mark.qt_log_ignore(
    "does not support grabbing the keyboard", "does not support raise"
)

SPEC = [
    ("&New task", "Ctrl+N"),
    ("Show &board", "Ctrl+2"),
    ("Show &list", "Ctrl+1"),
    ("&Undo", "Ctrl+Z"),
    ("&Redo", "Ctrl+Shift+Z"),
    ("Go to &Today", "Ctrl+T"),
    ("Mark task &done", "Ctrl+Return"),
    ("Save && close", ""),
    ("&Export backup…", ""),
]


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    win = QMainWindow()
    qtbot.addWidget(win)
    win.resize(900, 600)
    for text, key in SPEC:
        action = QAction(text, win)
        if key:
            action.setShortcut(QKeySequence(key))
        win.addAction(action)
    win.actions()[-1].setEnabled(False)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def palette(window, qtbot):  # type: ignore[no-untyped-def]
    dialog = CommandPalette(window.actions(), window)
    dialog.open_palette()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()


def action(window: QMainWindow, text: str) -> QAction:
    return next(a for a in window.actions() if plain_text(a.text()) == text)


def rows(palette: CommandPalette) -> list[str]:
    model = palette.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_lists_every_enabled_action_with_its_shortcut(palette: CommandPalette) -> None:
    assert rows(palette) == [
        "New task", "Show board", "Show list", "Undo", "Redo", "Go to Today", "Mark task done",
        "Save & close",
    ]  # fmt: skip
    shortcut = palette.model.index(0, 0).data(SHORTCUT_ROLE)
    assert shortcut == QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)
    assert palette.isVisible()
    assert palette.input.hasFocus() or not palette.isActiveWindow()


def test_typing_filters_best_match_first(palette: CommandPalette, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(palette.input, "sh")
    assert rows(palette)[:2] == ["Show list", "Show board"]  # equal scores: shorter first
    assert "Undo" not in rows(palette)
    palette.input.clear()
    qtbot.keyClicks(palette.input, "TASK")
    assert rows(palette) == ["New task", "Mark task done"]
    palette.input.clear()
    qtbot.keyClicks(palette.input, "gtt")  # a scattered subsequence still matches
    assert rows(palette) == ["Go to Today"]
    palette.input.clear()
    qtbot.keyClicks(palette.input, "zzz")
    assert rows(palette) == []
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)  # nothing to run: stays open
    assert palette.isVisible()


def test_enter_triggers_the_highlighted_action_and_closes(palette, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(palette.input, "redo")
    with qtbot.waitSignal(action(window, "Redo").triggered):
        qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert not palette.isVisible()


def test_up_and_down_choose_the_row(palette, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(palette.input, "show")
    assert palette.current_action() is action(window, "Show list")
    qtbot.keyClick(palette.input, Qt.Key.Key_Down)
    assert palette.current_action() is action(window, "Show board")
    qtbot.keyClick(palette.input, Qt.Key.Key_Down)  # single steps wrap around
    assert palette.current_action() is action(window, "Show list")
    qtbot.keyClick(palette.input, Qt.Key.Key_Up)
    assert palette.current_action() is action(window, "Show board")
    qtbot.keyClick(palette.input, Qt.Key.Key_PageUp)  # page steps stop at the ends
    assert palette.current_action() is action(window, "Show list")
    qtbot.keyClick(palette.input, Qt.Key.Key_PageDown)
    with qtbot.waitSignal(action(window, "Show board").triggered):
        qtbot.keyClick(palette.input, Qt.Key.Key_Enter)


def test_escape_closes_without_running_anything(palette, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(action(window, "New task").triggered):
        qtbot.keyClick(palette.input, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_click_runs_a_command(palette, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    rect = palette.list.visualRect(palette.model.index(3, 0))
    with qtbot.waitSignal(action(window, "Undo").triggered):
        qtbot.mouseClick(palette.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_reopening_starts_fresh_and_sees_enabled_changes(palette, window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(palette.input, "undo")
    palette.close()
    action(window, "Undo").setEnabled(False)
    palette.open_palette()
    assert palette.input.text() == ""
    assert "Undo" not in rows(palette)
    centre = palette.geometry().center() - window.geometry().center()
    assert abs(centre.x()) <= 2 and abs(centre.y()) <= 2


def test_fuzzy_match_ranks_substrings_and_word_starts_first() -> None:
    assert fuzzy_match("", "Anything") == (0, ())
    assert fuzzy_match("xyz", "New task") is None
    prefix, middle = fuzzy_match("new", "New task"), fuzzy_match("task", "New task")
    assert prefix is not None and middle is not None and prefix[0] > middle[0]
    assert middle[1] == (4, 5, 6, 7)
    initials = fuzzy_match("nt", "New task")
    scattered = fuzzy_match("nt", "Cancel the timer")
    assert initials is not None and scattered is not None and initials[0] > scattered[0]
    assert initials[1] == (0, 4)
    assert plain_text("Save && &close") == "Save & close"


def test_command_model_passes_the_model_tester(window, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CommandModel()
    model.set_actions(window.actions())
    model.set_query("o")
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() > 0
