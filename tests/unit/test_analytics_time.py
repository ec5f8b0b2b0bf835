"""Local-time grids, interval splitting and SQL local dates against slow obvious versions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationError
from app.services.analytics_sql import TaskIndex, hex_prefix
from app.services.analytics_time import (
    build_grid,
    split,
    union,
)
from app.services.analytics_types import iso_week, preset_range

BERLIN = ZoneInfo("Europe/Berlin")
# 19 March - 8 April 2026 holds Europe's and America's spring clock changes.
FIRST, LAST = date(2026, 3, 6), date(2026, 4, 8)


def naive_hours(zone: ZoneInfo, first: date, intervals: list[tuple[int, int]],
                ndays: int) -> dict[tuple[int, int], int]:
    """Seconds per (day index, local hour), walking every interval second by second-block."""
    out: dict[tuple[int, int], int] = {}
    for s, e in intervals:
        at = s
        while at < e:
            moment = datetime.fromtimestamp(at, UTC).astimezone(zone)
            nxt = min(e, (at // 60 + 1) * 60)  # minute steps; test times are whole minutes
            day = (moment.date() - first).days
            if 0 <= day < ndays:
                key = (day, moment.hour)
                out[key] = out.get(key, 0) + (nxt - at)
            at = nxt
    return out


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/New_York", "Asia/Kolkata",
                                       "Australia/Lord_Howe"])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_split_matches_a_minute_by_minute_walk(zone_name: str, data: st.DataObject) -> None:
    zone = ZoneInfo(zone_name)
    grid = build_grid(FIRST, LAST, zone)
    lo, hi = grid.start - 86400, grid.end + 86400
    starts = data.draw(st.lists(st.integers(lo // 60, hi // 60), min_size=1, max_size=6))
    lengths = data.draw(st.lists(st.integers(1, 60 * 30), min_size=len(starts),
                                 max_size=len(starts)))
    intervals = [(s * 60, (s + n) * 60) for s, n in zip(starts, lengths, strict=True)]
    s = np.array([i[0] for i in intervals], dtype=np.int64)
    e = np.array([i[1] for i in intervals], dtype=np.int64)
    got = split(s, e, grid.hour_bounds).reshape(len(grid.days), 24)
    want = naive_hours(zone, FIRST, intervals, len(grid.days))
    assert {(d, h): int(v) for (d, h), v in np.ndenumerate(got) if v} == want
    days = split(s, e, grid.day_bounds)[0]
    assert days.sum() == got.sum() and (days == got.sum(axis=1)).all()


def test_grid_days_follow_the_clock_changes() -> None:
    grid = build_grid(date(2026, 3, 28), date(2026, 3, 30), BERLIN)
    assert list(grid.day_lengths()) == [86400, 82800, 86400]
    hours = np.diff(grid.hour_bounds[24:48])
    assert list(hours[:4]) == [3600, 3600, 0, 3600]
    fall = build_grid(date(2026, 10, 25), date(2026, 10, 25), BERLIN)
    assert list(np.diff(fall.hour_bounds)[:4]) == [3600, 3600, 7200, 3600]
    assert fall.odd_days() == [(date(2026, 10, 25), 25.0)]
    assert build_grid(date(2026, 1, 2), date(2026, 1, 1), BERLIN).days == ()


def test_split_groups_and_clipping() -> None:
    bounds = np.array([0, 10, 20, 30], dtype=np.int64)
    s = np.array([-5, 5, 12, 25, 40], dtype=np.int64)
    e = np.array([3, 25, 14, 50, 45], dtype=np.int64)
    g = np.array([0, 1, 1, 0, 1], dtype=np.int64)
    out = split(s, e, bounds, g, 2)
    assert out.tolist() == [[3, 0, 5], [5, 12, 5]]
    assert split(s[:0], e[:0], bounds).tolist() == [[0, 0, 0]]


def test_union_merges_overlaps_once() -> None:
    s = np.array([10, 0, 5, 40, 50], dtype=np.int64)
    e = np.array([20, 8, 12, 45, 50], dtype=np.int64)
    us, ue = union(s, e)
    assert us.tolist() == [0, 40] and ue.tolist() == [20, 45]


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/Santiago", "UTC",
                                       "Pacific/Chatham"])
def test_local_days_of_instants_agree_with_zoneinfo(zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    grid = build_grid(date(2026, 1, 1), date(2026, 12, 31), zone)
    moments = []
    moment = datetime(2026, 1, 1, tzinfo=zone).astimezone(UTC)  # steps in real time
    while moment.astimezone(zone).year == 2026:
        moments.append(moment)
        moment += timedelta(minutes=97)
    got = grid.days_of(np.array([int(m.timestamp()) for m in moments], dtype=np.int64))
    for m, i in zip(moments, got, strict=True):
        assert grid.days[i] == m.astimezone(zone).date(), m.isoformat()


def test_presets() -> None:
    saturday = date(2026, 11, 28)
    assert preset_range("week", saturday) == (date(2026, 11, 23), date(2026, 11, 29))
    assert preset_range("4weeks", saturday) == (date(2026, 11, 2), date(2026, 11, 29))
    assert preset_range("quarter", saturday) == (date(2026, 10, 1), date(2026, 12, 31))
    assert preset_range("quarter", date(2026, 2, 3)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert preset_range("year", saturday) == (date(2026, 1, 1), date(2026, 12, 31))
    assert iso_week(date(2026, 11, 28)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    with pytest.raises(ValidationError, match="Unknown range"):
        preset_range("decade", saturday)


def test_task_ids_are_found_by_number_or_by_text_with_the_same_answer() -> None:
    ids = np.array([b"0" * 31 + b"1", b"f" * 32, b"a" * 16 + b"0" * 16], dtype="S32")
    order = np.argsort(ids)
    keys, hexed = hex_prefix(ids)
    assert hexed.all() and keys[1] == np.uint64(2**64 - 1)
    by_text = TaskIndex(ids[order], np.array([5, 6, 7])[order], np.zeros(3, dtype=np.int64),
                        np.ones(3, dtype=bool), False)
    by_key = TaskIndex(ids[np.argsort(keys)], np.array([5, 6, 7])[np.argsort(keys)],
                       np.zeros(3, dtype=np.int64), np.ones(3, dtype=bool), False,
                       np.sort(keys))
    wanted = np.array([b"f" * 32, b" " * 32, b"a" * 16 + b"0" * 16, b"a" * 16 + b"1" * 16],
                      dtype="S32")
    assert by_text.rowids_of(wanted).tolist() == [6, 0, 7, 0]
    assert by_key.rowids_of(wanted).tolist() == [6, 0, 7, 0]  # same prefix, other id: no match
