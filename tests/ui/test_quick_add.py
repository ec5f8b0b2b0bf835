"""The quick-add bar: highlighting, preview, errors, submitting and single-line editing."""

from __future__ import annotations

import time
from datetime import date
from datetime import time as clock_time

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QGuiApplication, QTextLayout

from app.ui.quick_add import (
    KIND_COLORS,
    NO_TITLE,
    PLACEHOLDER,
    QuickAddBar,
    flatten,
    utf16_offsets,
)
from app.ui.theme import palette_for

PHRASE = "Pay rent tomorrow 9am #Home @bills p1 every month ~15m"
SATURDAY = date(2026, 11, 28)


@pytest.fixture
def bar(qtbot):  # type: ignore[no-untyped-def]
    widget = QuickAddBar()
    qtbot.addWidget(widget)
    widget.set_today(SATURDAY, clock_time(11, 0))
    widget.resize(700, 80)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def formats(bar: QuickAddBar) -> list[QTextLayout.FormatRange]:
    layout = bar.edit.document().firstBlock().layout()
    return sorted(layout.formats(), key=lambda r: r.start)


def highlighted(bar: QuickAddBar) -> dict[str, QColor]:
    text = bar.text()
    return {text[r.start : r.start + r.length]: r.format.foreground().color() for r in formats(bar)}


def test_recognised_parts_are_highlighted_by_kind(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(bar.edit, PHRASE)
    colors = highlighted(bar)
    assert list(colors) == ["tomorrow", "9am", "#Home", "@bills", "p1", "every month", "~15m"]
    assert colors["tomorrow"] == colors["9am"]  # date and time share a colour
    kinds = [colors[part] for part in ("tomorrow", "#Home", "@bills", "p1", "every month", "~15m")]
    assert len({c.name() for c in kinds}) == 6
    assert all(r.format.background().color().alpha() < 255 for r in formats(bar))


def test_quoted_words_stay_plain(bar: QuickAddBar) -> None:
    bar.set_text('Watch "next monday" film tomorrow')
    assert list(highlighted(bar)) == ["tomorrow"]
    assert bar.parsed().title == "Watch next monday film"


def test_highlighting_counts_in_utf16_after_emoji(bar: QuickAddBar) -> None:
    bar.set_text("\U0001f389 party #Home")
    assert utf16_offsets(bar.text()) is not None
    ranges = formats(bar)
    assert [(r.start, r.length) for r in ranges] == [(9, 5)]  # "#Home" in UTF-16 units


def test_preview_line_lists_what_was_recognised(bar: QuickAddBar) -> None:
    bar.set_text(PHRASE)
    assert bar.preview_label.text() == (
        "Due Sun 29 Nov 09:00 \u00b7 #Home \u00b7 @bills \u00b7 P1 \u00b7 every month \u00b7 15 min"
    )
    assert bar.error_label.text() == ""
    bar.set_text("Standup every! 2 weeks ~1h30m")
    assert bar.preview_label.text().endswith("every 2 weeks after completion \u00b7 1 h 30 min")


def test_impossible_date_is_reported_in_red(bar: QuickAddBar) -> None:
    bar.set_text("Dinner feb 30")
    assert bar.error_label.text() == 'No such date: "feb 30"'
    assert bar.error_label.palette().windowText().color().name() != (
        bar.preview_label.palette().windowText().color().name()
    )
    bar.set_text("Dinner feb 28")
    assert bar.error_label.text() == ""


def test_enter_submits_the_raw_text(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(bar.edit, PHRASE)
    with qtbot.waitSignal(bar.submitted) as blocker:
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert blocker.args == [PHRASE]
    assert bar.text() == PHRASE  # kept until the owner stored it and calls clear()
    assert bar.edit.document().blockCount() == 1


def test_plus_button_submits(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    bar.set_text("Water plants")
    with qtbot.waitSignal(bar.submitted) as blocker:
        qtbot.mouseClick(bar.add_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["Water plants"]


@pytest.mark.parametrize("text", ["", "   ", "tomorrow 9am #Home"])
def test_a_task_without_a_title_is_refused(bar: QuickAddBar, qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    bar.set_text(text)
    with qtbot.assertNotEmitted(bar.submitted):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Enter)
    assert bar.error_label.text() == NO_TITLE
    qtbot.keyClicks(bar.edit, "x")
    assert bar.error_label.text() == ""  # typing again clears the message


def test_escape_clears(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(bar.edit, "Dinner feb 30")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert bar.text() == ""
    assert bar.error_label.text() == ""
    assert bar.preview_label.text() == ""


def test_shift_enter_and_pasted_lines_stay_on_one_line(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(bar.edit, "Buy")
    with qtbot.waitSignal(bar.submitted):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QGuiApplication.clipboard().setText(" milk\n  and\r\nbread\ttoday")
    bar.edit.paste()
    assert bar.text() == "Buy milk and bread today"
    assert bar.edit.document().blockCount() == 1
    mime = QMimeData()
    mime.setText("\nsoon")
    bar.edit.insertFromMimeData(mime)  # the path drag-and-drop of text takes
    assert bar.text() == "Buy milk and bread today soon"
    assert flatten("a\u2028b") == "a b"


def test_api_clear_focus_text_and_placeholder(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert bar.edit.placeholderText() == PLACEHOLDER
    bar.set_text("Something")
    bar.show_error("Could not save: disk full")
    bar.clear()
    assert bar.text() == ""
    assert bar.error_label.text() == ""
    bar.activateWindow()
    bar.focus_input()
    qtbot.waitUntil(bar.edit.hasFocus)
    assert bar.edit.height() == bar.add_button.height()


def test_set_today_reparses(bar: QuickAddBar) -> None:
    bar.set_text("Call mom tomorrow")
    assert bar.preview_label.text() == "Due Sun 29 Nov"
    bar.set_today(date(2026, 12, 31))
    assert bar.preview_label.text() == "Due Fri 1 Jan 2027"


def test_each_keystroke_reparses_quickly(bar: QuickAddBar, qtbot) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    qtbot.keyClicks(bar.edit, PHRASE)
    per_key = (time.perf_counter() - started) / len(PHRASE)
    print(f"\nquick add: {per_key * 1000:.2f} ms per keystroke (parse, highlight, preview)")
    assert bar.parsed().priority == 1


def test_highlight_colours_follow_a_dark_palette(bar: QuickAddBar) -> None:
    bar.set_text("Call mom tomorrow #Family")
    light = highlighted(bar)["#Family"]
    bar.setPalette(palette_for(True))
    dark = highlighted(bar)["#Family"]
    assert dark.name() == KIND_COLORS["project"][1]
    assert dark.lightnessF() > light.lightnessF()
