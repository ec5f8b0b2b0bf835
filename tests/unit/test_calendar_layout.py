"""Placing items on the grid (pure functions): columns for overlaps, lanes, page ranges."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.ui.calendar_layout import Item, columns, lanes, layout_days, range_for, snap, step

BERLIN = ZoneInfo("Europe/Berlin")


def item(title: str, start: datetime, end: datetime, all_day: bool = False) -> Item:
    return Item(title, "#3b82c4", start, end, all_day)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 30, hour, minute, tzinfo=BERLIN) + timedelta(days=day)


def test_overlapping_items_share_the_width_of_their_cluster_only() -> None:
    spans = [(540, 600), (570, 660), (600, 630), (700, 760), (705, 720), (900, 960)]
    assert columns(spans) == [(0, 2), (1, 2), (0, 2), (0, 2), (1, 2), (0, 1)]
    assert columns([(0, 60), (0, 60), (0, 60)]) == [(0, 3), (1, 3), (2, 3)]
    assert columns([]) == []


def test_lanes_pack_bars_without_overlap() -> None:
    # (0, 0) takes lane 1 first; (1, 3) then fits after it in the same lane.
    assert lanes([(0, 2), (1, 3), (3, 4), (0, 0), (5, 6)]) == [0, 1, 0, 1, 0]


def test_layout_splits_overnight_events_and_keeps_all_day_bars() -> None:
    items = [item("Night", at(0, 22), at(1, 2)), item("Trip", at(2, 0), at(5, 0), True),
             item("Before", at(-3, 0), at(1, 0), True), item("Ends at midnight", at(3, 20),
                                                             at(4, 0))]
    out = layout_days(items, date(2026, 11, 30), 7)
    night = [(b.day, b.top, b.bottom, b.clipped_top, b.clipped_bottom) for b in out.blocks
             if b.item.title == "Night"]
    assert night == [(0, 1320, 1440, False, True), (1, 0, 120, True, False)]
    late = [(b.day, b.bottom) for b in out.blocks if b.item.title == "Ends at midnight"]
    assert late == [(3, 1440)]
    bars = {b.item.title: (b.first, b.last, b.starts_before) for b in out.bars}
    assert bars == {"Trip": (2, 4, False), "Before": (0, 0, True)}
    assert out.lanes == 1


def test_wall_clock_minutes_on_a_dst_day() -> None:
    day = datetime(2026, 10, 25, tzinfo=BERLIN)  # 25 hours long in Berlin
    out = layout_days([item("Evening", day.replace(hour=18), day.replace(hour=19))],
                      date(2026, 10, 25), 1)
    assert (out.blocks[0].top, out.blocks[0].bottom) == (18 * 60, 19 * 60)


def test_page_ranges_and_steps() -> None:
    wed = date(2026, 12, 2)
    assert range_for("day", wed) == (wed, 1)
    assert range_for("week", wed) == (date(2026, 11, 30), 7)
    assert range_for("month", wed) == (date(2026, 11, 30), 42)
    assert range_for("week", wed, week_start=6) == (date(2026, 11, 29), 7)
    assert step("month", date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert step("month", date(2026, 1, 15), -1) == date(2025, 12, 1)
    assert step("week", wed, -1) == date(2026, 11, 25)
    assert (snap(52), snap(53), snap(7, 30)) == (45, 60, 0)


def test_items_stretch_into_free_columns_to_their_right() -> None:
    from app.ui.calendar_layout import widths

    # A long item, one short item beside it, and a later item that has the row to itself
    # except for the long one: three columns at the busiest moment.
    spans = [(0, 300), (0, 60), (0, 60), (120, 180)]
    placed = columns(spans)
    assert placed == [(0, 3), (1, 3), (2, 3), (1, 3)]
    assert widths(spans, placed) == [1, 1, 1, 2]
