"""Analytics service: every dashboard figure for a range of local days, computed in one read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Connection

from app.errors import ValidationError
from app.models.base import from_utc_text
from app.models.db import Store, translated_errors
from app.services import analytics_done as done_q
from app.services import analytics_sql as q
from app.services import analytics_text, analytics_tracked
from app.services.analytics_filter import TaskFilter, task_filter
from app.services.analytics_time import (
    Ints,
    LocalGrid,
    build_grid,
    local_midnight,
    split,
    union,
)
from app.services.analytics_types import (
    Baseline,
    EstimateFigure,
    Figures,
    StatsQuery,
    WeekFigure,
    iso_week,
)
from app.services.clock import Clock
from app.services.uow import read

BASELINE_KEY = "analytics.baseline_per_week"
TARGET_KEY = "analytics.target_percent"
DEFAULT_TARGET_PERCENT = 20.0
BASELINE_WEEKS = 4


def _instant(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _number(raw: str | None) -> float | None:
    """A stored setting as a number; a missing or damaged value counts as not set."""
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class AnalyticsService:
    """Figures for the dashboard and ``cadence stats``; settings for baseline and target."""

    def __init__(self, store: Store, clock: Clock,
                 memo: analytics_tracked.LookupMemo | None = None) -> None:
        self.store = store
        self.clock = clock
        self.memo = memo  # keeps task/tag/project lookups between calls, by data stamp

    # -- settings ------------------------------------------------------------------------
    def settings(self) -> tuple[float | None, float]:
        """(baseline set by the user per week or None for automatic, target percent)."""
        with read(self.store) as session:
            found = q.settings(session.connection(), (BASELINE_KEY, TARGET_KEY))
        target = _number(found.get(TARGET_KEY))
        return _number(found.get(BASELINE_KEY)), (
            DEFAULT_TARGET_PERCENT if target is None else target)

    def set_baseline(self, per_week: float | None) -> None:
        """A baseline of tasks per week (None: the first 4 full weeks with data)."""
        if per_week is not None and not 0 < per_week <= 10_000:
            raise ValidationError("A baseline must be more than 0 and at most 10,000 a week.")
        self._put(BASELINE_KEY, per_week)

    def set_target_percent(self, percent: float) -> None:
        """How far above the baseline the target lies (20 = +20%)."""
        if not -100 < percent <= 1000:
            raise ValidationError("The target must lie between -100% and +1000% of the baseline.")
        self._put(TARGET_KEY, percent)

    def _put(self, key: str, value: float | None) -> None:
        with translated_errors(), self.store.engine.begin() as conn:
            if value is None:
                conn.exec_driver_sql("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.exec_driver_sql(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, json.dumps(value)),
                )

    def stamp(self) -> tuple[object, ...]:
        """Equal stamps mean equal figures for the same query (the date and, while a timer
        runs, the minute are part of it): a cache key that costs well under a millisecond."""
        with read(self.store) as session:
            data = q.data_stamp(session.connection())
        running = data[7]
        moment = self.clock.now().replace(second=0, microsecond=0) if running else None
        return (*data, self.clock.today(), moment, self.clock.zone_key())

    # -- figures -------------------------------------------------------------------------
    def figures(self, query: StatsQuery, stamp: tuple[object, ...] | None = None) -> Figures:
        """Every figure of the dashboard for the query, in the clock's zone.

        ``stamp``: this service's ``stamp()`` read just before; with a memo, lookups read
        at the same stamp are reused.
        """
        zone, now, today = self.clock.zone, self.clock.now(), self.clock.today()
        set_baseline, target = self.settings()
        wide = _Completions.grid_for(query, zone)
        at = (query.first - wide.days[0]).days
        grid = wide.slice(at, at + (query.last - query.first).days + 1)
        ndays = len(grid.days)
        elapsed = min(max((today - query.first).days + 1, 0), ndays)
        lo, hi = _instant(grid.start), _instant(grid.end)
        with read(self.store) as session:
            conn = session.connection()
            flt = task_filter(conn, query.project_ids, query.tag_ids)
            found = (self.memo.get(conn, stamp) if self.memo is not None and stamp
                     else analytics_tracked.lookups(conn))
            done = done_q.completed(conn, wide, flt, found.index.odd_ids)
            comp = _Completions(wide, today, done)
            first = done_q.first_completion(conn, flt)
            first_day = None if first is None else from_utc_text(first).astimezone(zone).date()
            baseline = self._baseline(conn, flt, set_baseline, query.filtered, first_day, today)
            tracked = analytics_tracked.compute(conn, grid, now, self.clock.zone_key(), flt,
                                                query.top_n, found)
            meeting_days = _meetings(conn, grid)
            inside = (done.day >= at) & (done.day < at + ndays)
            keys = found.index.rowids_of(done.tasks[inside])
            outside = done_q.outside_time(conn, lo, hi, now, flt, keys, found.index)
            est = np.stack([keys, done.estimates[inside],
                            outside[keys] + tracked.started_by_task[keys]], axis=1)
            estimates = _top_estimates(conn, found, est, query.top_n)
            overdue = done_q.overdue(conn, now, today, flt)
        measured = (est[:, 1] > 0) & (est[:, 2] > 0)
        planned = int(est[measured, 1].sum())
        error = int(np.abs(est[measured, 2] - est[measured, 1]).sum())
        per_day, late_per_day = (v[at:at + ndays] for v in done.per_day(len(wide.days)))
        completed = tuple(int(n) for n in per_day)
        elapsed_done = sum(completed[:elapsed])
        figures = Figures(
            query=query,
            zone=self.clock.zone_key(),
            generated_at=now,
            days=grid.days,
            elapsed_days=elapsed,
            completed_per_day=completed,
            weeks=comp.weeks(query),
            baseline=baseline,
            target_percent=target,
            rate_per_week=elapsed_done / (elapsed / 7.0) if elapsed else None,
            prior_average=comp.prior_average(query.first, first_day),
            tracked_per_day=tracked.per_day,
            project_stacks=tracked.stacks,
            by_project=tracked.by_project,
            by_tag=tracked.by_tag,
            by_task=tracked.by_task,
            estimates=estimates,
            estimate_accuracy=max(0.0, 1.0 - error / planned) if planned else None,
            estimate_ratio=float(est[measured, 2].sum()) / planned if planned else None,
            estimated=int(measured.sum()),
            unestimated=int((est[:, 1] <= 0).sum()),
            untracked=int(((est[:, 1] > 0) & (est[:, 2] == 0)).sum()),
            focus_per_day=tuple(t - m for t, m in zip(
                tracked.per_day, tracked.meeting_source_per_day, strict=True)),
            meeting_per_day=meeting_days,
            heatmap=tracked.heatmap,
            overdue=overdue,
            completed_late=int(late_per_day.sum()),
            running=tracked.running,
            odd_days=tuple(grid.odd_days()),
        )
        return analytics_text.annotate(figures, tracked)

    def _baseline(self, conn: Connection, flt: TaskFilter, set_value: float | None,
                  filtered: bool, first_day: date | None, today: date) -> Baseline:
        """The set baseline (unfiltered views), else the first 4 full weeks of completions."""
        if set_value is not None and not filtered:
            return Baseline(set_value, "set")
        if first_day is None:
            return Baseline(None, "none")
        monday = first_day + timedelta(days=(7 - first_day.weekday()) % 7)
        end = monday + timedelta(weeks=BASELINE_WEEKS)
        if end > today:
            return Baseline(None, "none", monday)
        zone = self.clock.zone
        n = done_q.count_completed(conn, local_midnight(monday, zone),
                                   local_midnight(end, zone), flt)
        return Baseline(n / BASELINE_WEEKS, "auto", monday)


class _Completions:
    """Completed tasks per local day over the range plus the 4 weeks before it (for averages)."""

    @staticmethod
    def grid_for(query: StatsQuery, zone: ZoneInfo) -> LocalGrid:
        """The range widened to whole weeks and the 4 weeks before it."""
        first, last = query.first, query.last
        return build_grid(min(_monday(first) - timedelta(days=21), first - timedelta(days=28)),
                          _monday(last) + timedelta(days=6), zone)

    def __init__(self, wide: LocalGrid, today: date, done: done_q.Done) -> None:
        self.today = today
        self.first = wide.days[0]
        counts = done.per_day(len(wide.days))[0]
        self.by_day = {wide.days[int(i)]: int(counts[i]) for i in np.flatnonzero(counts)}

    def count(self, day: date) -> int:
        return self.by_day.get(day, 0)

    def window(self, end: date, days: int = 28) -> int:
        """Completions in the `days` days ending with `end` (inclusive)."""
        return sum(self.count(end - timedelta(days=i)) for i in range(days))

    def weeks(self, query: StatsQuery) -> tuple[WeekFigure, ...]:
        out: list[WeekFigure] = []
        monday = _monday(query.first)
        while monday <= query.last:
            inside = [monday + timedelta(days=i) for i in range(7)
                      if query.first <= monday + timedelta(days=i) <= query.last]
            end = min(monday + timedelta(days=6), self.today)
            rolling = self.window(end) / 4.0 if end >= monday else None
            out.append(WeekFigure(iso_week(monday), monday, sum(self.count(d) for d in inside),
                                  len(inside), rolling))
            monday += timedelta(days=7)
        return tuple(out)

    def prior_average(self, first: date, first_done: date | None) -> float | None:
        """Completions per week in the 4 weeks before the range; None if history is shorter."""
        if first_done is None or first_done > first - timedelta(days=28):
            return None
        return self.window(first - timedelta(days=1)) / 4.0


def _meetings(conn: Connection, grid: LocalGrid) -> tuple[int, ...]:
    """Seconds per local day spent in calendar events (overlapping events counted once)."""
    wall_lo = int(datetime.combine(grid.days[0], datetime.min.time(), UTC).timestamp())
    wall_hi = wall_lo + 86400 * len(grid.days)
    rows = q.meetings(conn, grid.start, grid.end, wall_lo, wall_hi)
    starts, ends = rows[:, 0].copy(), rows[:, 1].copy()
    floating = rows[:, 2] == 1
    if floating.any():
        starts[floating] = _wall_to_epoch(grid, starts[floating], wall_lo)
        ends[floating] = _wall_to_epoch(grid, ends[floating], wall_lo)
    s, e = union(starts, ends)
    return tuple(int(v) for v in split(s, e, grid.day_bounds)[0])


def _wall_to_epoch(grid: LocalGrid, wall: Ints, wall_lo: int) -> Ints:
    """Wall-clock times in the user's zone (stored as if UTC) to real epoch seconds."""
    slot = np.clip((wall - wall_lo) // 3600, 0, len(grid.hour_bounds) - 2)
    inside = wall - (wall_lo + slot * 3600)
    bounds = grid.hour_bounds
    return np.minimum(bounds[slot] + inside, bounds[slot + 1])


def _top_estimates(conn: Connection, found: analytics_tracked.Lookups, est: Ints,
                   n: int) -> tuple[EstimateFigure, ...]:
    """The n completed tasks with the most planned or tracked time."""
    effort = np.maximum(est[:, 1], est[:, 2])
    order = np.lexsort((-est[:, 2], -effort))  # most effort, then most tracked, then first done
    order = order[effort[order] > 0][:n]
    ids = found.index.ids_of([int(est[i, 0]) for i in order])
    titles = q.task_titles(conn, ids)
    names = {p.id: p.name for p in found.projects.values()}
    out = []
    for i, ident in zip(order, ids, strict=True):
        title, project_id = titles[ident]
        estimate = int(est[i, 1])
        out.append(EstimateFigure(ident, title, names.get(project_id or ""),
                                  estimate if estimate > 0 else None, int(est[i, 2])))
    return tuple(out)
