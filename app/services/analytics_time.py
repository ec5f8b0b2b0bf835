"""Local-time grids (days and hours in the user's zone, DST-aware) and interval splitting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]

HOURS = 24


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day starts (for a zone that skips midnight: the first instant after)."""
    return datetime.combine(day, time(), tzinfo=zone)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(frozen=True)
class LocalGrid:
    """Every local day of a range and its 24 wall-clock hours as UTC epoch boundaries.

    Hour ``h`` of a day is the time whose local clock reads ``h:xx``. On the day clocks
    spring forward the skipped hour has zero length (a 23-hour day); on the day they fall
    back the repeated hour lasts two hours (a 25-hour day). So every day has exactly 24
    slots and the slot boundaries still add up to real elapsed time.
    """

    zone: ZoneInfo
    days: tuple[date, ...]
    hour_bounds: Ints  # len(days) * 24 + 1 epochs, non-decreasing

    @property
    def start(self) -> int:
        return int(self.hour_bounds[0])

    @property
    def end(self) -> int:
        return int(self.hour_bounds[-1])

    @property
    def day_bounds(self) -> Ints:
        return self.hour_bounds[::HOURS]

    def weekdays(self) -> Ints:
        return np.fromiter((d.weekday() for d in self.days), dtype=np.int64, count=len(self.days))

    def day_lengths(self) -> Ints:
        return np.diff(self.day_bounds)

    def odd_days(self) -> list[tuple[date, float]]:
        """Days that are not 24 hours long (clock changes), with their length in hours."""
        lengths = self.day_lengths()
        return [(self.days[i], float(lengths[i]) / 3600.0)
                for i in np.flatnonzero(lengths != 86400)]

    def slice(self, first: int, stop: int) -> LocalGrid:
        """The days first..stop-1 of this grid as a grid of their own."""
        return LocalGrid(self.zone, self.days[first:stop],
                         self.hour_bounds[first * HOURS:stop * HOURS + 1])

    def days_of(self, epochs: Ints) -> Ints:
        """Index of the local day holding each instant (all inside the grid)."""
        return (np.searchsorted(self.day_bounds, epochs, side="right") - 1).astype(np.int64)

    def day_index(self, moment: datetime) -> int:
        """Index of the local day containing moment (clamped to the grid)."""
        pos = int(np.searchsorted(self.day_bounds, epoch(moment), side="right")) - 1
        return min(max(pos, 0), len(self.days) - 1)


def build_grid(first: date, last: date, zone: ZoneInfo) -> LocalGrid:
    """The grid of local days first..last (inclusive); empty if last < first."""
    n = (last - first).days + 1
    if n <= 0:
        return LocalGrid(zone, (), np.zeros(1, dtype=np.int64))
    days = tuple(first + timedelta(days=i) for i in range(n))
    bounds = np.empty(n * HOURS + 1, dtype=np.int64)
    step = np.arange(HOURS, dtype=np.int64) * 3600
    start = local_midnight(first, zone)
    for i, day in enumerate(days):
        following = local_midnight(day + timedelta(days=1), zone)
        s, e = epoch(start), epoch(following)
        if e - s == 86400 and start.utcoffset() == following.utcoffset():
            bounds[i * HOURS:(i + 1) * HOURS] = s + step
        else:  # a clock change (or an offset change at midnight): localise hour by hour
            bounds[i * HOURS:(i + 1) * HOURS] = [
                epoch(datetime.combine(day, time(h), tzinfo=zone)) for h in range(HOURS)
            ]
        start = following
    bounds[-1] = epoch(start)
    np.maximum.accumulate(bounds, out=bounds)
    return LocalGrid(zone, days, bounds)


def split(
    starts: Ints, ends: Ints, bounds: Ints, groups: Ints | None = None, ngroups: int = 1
) -> Ints:
    """Seconds of the intervals [starts, ends) falling in each slot of bounds, per group.

    Returns an array of shape (ngroups, len(bounds) - 1). Intervals are clipped to the
    bounds; an interval crossing slot boundaries is split exactly at them. Vectorised:
    partial first/last slots by weighted bincount, whole slots in between by a
    difference array (+1 where coverage starts, -1 where it stops) and a cumulative sum.
    """
    nslots = len(bounds) - 1
    out = np.zeros((ngroups, max(nslots, 0)), dtype=np.int64)
    if nslots <= 0 or len(starts) == 0:
        return out
    s = np.clip(starts, bounds[0], bounds[-1])
    e = np.clip(ends, bounds[0], bounds[-1])
    keep = e > s
    g = np.zeros(len(s), dtype=np.int64) if groups is None else groups
    s, e, g = s[keep], e[keep], g[keep]
    i0 = np.searchsorted(bounds, s, side="right") - 1  # slot holding the first second
    i1 = np.searchsorted(bounds, e, side="left") - 1  # slot holding the last second
    size = ngroups * nslots
    same = i0 == i1
    flat = g * nslots
    acc = np.zeros(size, dtype=np.float64)
    acc += np.bincount(flat[same] + i0[same], weights=(e - s)[same], minlength=size)
    multi = ~same
    if multi.any():
        a0, a1, fm = i0[multi], i1[multi], flat[multi]
        acc += np.bincount(fm + a0, weights=bounds[a0 + 1] - s[multi], minlength=size)
        acc += np.bincount(fm + a1, weights=e[multi] - bounds[a1], minlength=size)
        width = nslots + 1
        cover = np.bincount(g[multi] * width + a0 + 1, minlength=ngroups * width)
        cover -= np.bincount(g[multi] * width + a1, minlength=ngroups * width)
        counts = np.cumsum(cover.reshape(ngroups, width), axis=1)[:, :nslots]
        acc += (counts * np.diff(bounds)).reshape(size)
    out[:] = np.rint(acc).astype(np.int64).reshape(ngroups, nslots)
    return out


def union(starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    """Merge overlapping intervals, so that time in two events at once counts once."""
    keep = ends > starts
    s, e = starts[keep], ends[keep]
    if len(s) == 0:
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    fresh = np.empty(len(s), dtype=bool)
    fresh[0] = True
    fresh[1:] = s[1:] > reach[:-1]
    first = np.flatnonzero(fresh)
    last = np.append(first[1:], len(s)) - 1
    return s[first], reach[last]
