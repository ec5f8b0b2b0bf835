"""Placing calendar items (no Qt): side-by-side columns for overlaps, lanes for all-day bars."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.services.calendar_dto import CalendarPage, OccurrenceDTO, to_local
from app.services.dto import TaskDTO

MODES = ("day", "week", "month", "agenda")
TASK_MINUTES = 30  # how tall a task with a due time is drawn


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to draw: an event occurrence or a task due in the range."""

    title: str
    color: str
    start: datetime  # aware, in the display zone
    end: datetime
    all_day: bool  # drawn in the all-day lane (dates, tasks without time, >= 24 h events)
    occ: OccurrenceDTO | None = None
    task: TaskDTO | None = None

    @property
    def is_task(self) -> bool:
        return self.task is not None

    @property
    def done(self) -> bool:
        if self.task is not None:
            return self.task.status in ("done", "cancelled")
        return self.occ is not None and self.occ.task_status in ("done", "cancelled")

    @property
    def cancelled(self) -> bool:
        return self.occ is not None and self.occ.status == "cancelled"

    @property
    def movable(self) -> bool:
        return self.occ is not None and not self.occ.read_only


def build_items(page: CalendarPage, zone: ZoneInfo, task_color: str) -> list[Item]:
    """Items in display-zone time, events first, then tasks (which draw on top)."""
    items: list[Item] = []
    for occ in page.occurrences:
        start, end = to_local(occ.start, zone), to_local(occ.end, zone)
        long = end - start >= timedelta(hours=24)
        items.append(Item(occ.title, occ.color, start, end, occ.all_day or long, occ=occ))
    for task in page.tasks:
        local = task.due_at.astimezone(zone) if task.due_at is not None else None
        if local is None:
            assert task.due_date is not None
            start = datetime.combine(task.due_date, time(), zone)
            items.append(Item(task.title, task_color, start, start + timedelta(days=1), True,
                              task=task))
        else:
            items.append(Item(task.title, task_color, local,
                              local + timedelta(minutes=TASK_MINUTES), False, task=task))
    return items


def range_for(mode: str, anchor: date, week_start: int = 0) -> tuple[date, int]:
    """(first day, number of days) a mode shows around ``anchor`` (week_start: 0 = Monday)."""
    if mode == "day":
        return anchor, 1
    if mode == "week":
        return anchor - timedelta(days=(anchor.weekday() - week_start) % 7), 7
    if mode == "month":
        first = anchor.replace(day=1)
        start = first - timedelta(days=(first.weekday() - week_start) % 7)
        return start, 42
    return anchor, 30  # agenda: the next 30 days


def step(mode: str, anchor: date, direction: int) -> date:
    """The anchor one page earlier (-1) or later (+1)."""
    if mode == "day":
        return anchor + timedelta(days=direction)
    if mode == "week":
        return anchor + timedelta(days=7 * direction)
    if mode == "month":
        month = anchor.month - 1 + direction
        return date(anchor.year + month // 12, month % 12 + 1, 1)
    return anchor + timedelta(days=30 * direction)


@dataclass(frozen=True, slots=True)
class Block:
    """A timed item in one day column: minutes from midnight, sub-column of its cluster."""

    item: Item
    day: int
    top: float
    bottom: float
    col: int
    cols: int
    clipped_top: bool = False
    clipped_bottom: bool = False
    span: int = 1  # columns it may stretch over (free ones to its right)


@dataclass(frozen=True, slots=True)
class Bar:
    """An all-day or multi-day item across columns ``first``..``last`` in lane ``lane``."""

    item: Item
    first: int
    last: int
    lane: int
    starts_before: bool = False
    ends_after: bool = False


@dataclass
class DaysLayout:
    days: list[date]
    blocks: list[Block] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lanes: int = 0


def columns(spans: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """(column, columns in its cluster) for each (start, end): overlapping items side by
    side, as narrow as the busiest moment of their cluster requires."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    out: list[tuple[int, int]] = [(0, 1)] * len(spans)
    cluster: list[int] = []
    ends: list[float] = []  # end of the last item in each column of the current cluster
    cluster_end = float("-inf")

    def close() -> None:
        for i in cluster:
            out[i] = (out[i][0], len(ends))

    for i in order:
        start, end = spans[i]
        end = max(end, start + 1e-6)
        if start >= cluster_end and cluster:
            close()
            cluster, ends = [], []
        col = next((c for c, e in enumerate(ends) if e <= start), len(ends))
        if col == len(ends):
            ends.append(end)
        else:
            ends[col] = end
        out[i] = (col, 0)
        cluster.append(i)
        cluster_end = max(cluster_end, end)
    if cluster:
        close()
    return out


def widths(spans: list[tuple[float, float]], placed: list[tuple[int, int]]) -> list[int]:
    """How many columns each item may use: its own plus free neighbours to the right."""
    out = [1] * len(spans)
    by_col: dict[tuple[int, int], list[int]] = {}
    for i, (col, cols) in enumerate(placed):
        by_col.setdefault((cols, col), []).append(i)
    for i, (col, cols) in enumerate(placed):
        start, end = spans[i]
        for nxt in range(col + 1, cols):
            others = by_col.get((cols, nxt), [])
            if any(spans[j][0] < end and start < spans[j][1] for j in others):
                break
            out[i] += 1
    return out


def lanes(spans: list[tuple[int, int]]) -> list[int]:
    """A lane per (first, last) column span so that no two bars in one lane overlap."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -(spans[i][1] - spans[i][0])))
    lane_end: list[int] = []
    out = [0] * len(spans)
    for i in order:
        first, last = spans[i]
        lane = next((n for n, e in enumerate(lane_end) if e < first), len(lane_end))
        if lane == len(lane_end):
            lane_end.append(last)
        else:
            lane_end[lane] = last
        out[i] = lane
    return out


def layout_days(items: list[Item], first: date, days: int) -> DaysLayout:
    """Blocks for the time grid (split at midnight) and bars for the all-day lane."""
    out = DaysLayout([first + timedelta(days=i) for i in range(days)])
    bar_items: list[tuple[Item, int, int, bool, bool]] = []
    per_day: list[list[tuple[Item, float, float, bool, bool]]] = [[] for _ in range(days)]
    for item in items:
        if item.all_day:
            s = item.start.date() - first
            e = (item.end - timedelta(microseconds=1)).date() - first if item.end > item.start \
                else item.start.date() - first
            lo, hi = max(s.days, 0), min(e.days, days - 1)
            if lo <= hi:
                bar_items.append((item, lo, hi, s.days < 0, e.days > days - 1))
            continue
        first_day, last_day = item.start.date(), item.end.date()
        if item.end.time() == time() and last_day > first_day:
            last_day -= timedelta(days=1)  # ends at midnight: nothing on the next day
        for d in range(max((first_day - first).days, 0), min((last_day - first).days + 1, days)):
            day = out.days[d]
            top = _wall(item.start) if first_day == day else 0.0
            bottom = _wall(item.end) if item.end.date() == day else 1440.0
            per_day[d].append((item, top, bottom, first_day < day, last_day > day))
    for d, entries in enumerate(per_day):
        spans = [(t, max(b, t + 15)) for _, t, b, _, _ in entries]
        placed = columns(spans)
        wide = widths(spans, placed)
        for (item, top, bottom, clip_t, clip_b), (col, cols), span in zip(
                entries, placed, wide, strict=True):
            out.blocks.append(Block(item, d, top, bottom, col, cols, clip_t, clip_b, span))
    lane_of = lanes([(lo, hi) for _, lo, hi, _, _ in bar_items])
    for (item, lo, hi, before, after), lane in zip(bar_items, lane_of, strict=True):
        out.bars.append(Bar(item, lo, hi, lane, before, after))
    out.lanes = max(lane_of, default=-1) + 1
    return out


def _wall(value: datetime) -> float:
    """Minutes since midnight on the wall clock (a DST day still draws 24 hours)."""
    return value.hour * 60 + value.minute + value.second / 60


def snap(minutes: float, step_minutes: int = 15) -> int:
    return int(round(minutes / step_minutes) * step_minutes)
