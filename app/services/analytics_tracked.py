"""Tracked time figures from the raw entry matrix: per day, per project, tag and task, heatmap."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection

from app.services import analytics_sql as q
from app.services.analytics_filter import TaskFilter
from app.services.analytics_time import Ints, LocalGrid, split
from app.services.analytics_types import NO_KEY, OTHER_KEY, Share, Stack

NO_PROJECT_COLOR = "#8a8f98"
OTHER_COLOR = "#b0b4ba"


@dataclass(frozen=True)
class Tracked:
    per_day: tuple[int, ...]
    meeting_source_per_day: tuple[int, ...]  # entries tracked as "meeting"
    stacks: tuple[Stack, ...]
    by_project: tuple[Share, ...]
    by_tag: tuple[Share, ...]
    by_task: tuple[Share, ...]
    heatmap: tuple[tuple[int, ...], ...]
    running: bool
    zones: tuple[str, ...]  # other zones entries of the range were recorded in
    multi_tagged: bool
    started_by_task: Ints  # per task rowid: seconds of its entries starting in the range


def fold(shares: list[Share], n: int, label: str = "Other") -> list[Share]:
    """The n largest shares, the rest summed into one "Other" share."""
    ranked = sorted(shares, key=lambda s: (-s.seconds, s.label.lower()))
    if len(ranked) <= n:
        return ranked
    rest = sum(s.seconds for s in ranked[n:])
    return [*ranked[:n], Share(OTHER_KEY, label, rest, OTHER_COLOR)]


def _ints(values: Ints) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


def _lookup(keys: Ints, values: Ints, size: int, fill: int = 0) -> Ints:
    table = np.full(size, fill, dtype=np.int64)
    table[keys] = values
    return table


def allowed_tasks(index: q.TaskIndex, pairs: Ints, projects: dict[int, q.Named],
                  tags: dict[int, q.Named], flt: TaskFilter) -> Ints:
    """0/1 per task rowid (index 0 = no task): live and passing the project/tag filter."""
    size = int(max(index.rowids.max(initial=0), pairs[:, 0].max(initial=0))) + 1
    ok = _lookup(index.rowids, index.live.astype(np.int64), size)
    ok[0] = 0 if flt.active else 1
    if flt.project_ids:
        wanted = [r for r, p in projects.items() if p.id in set(flt.project_ids)]
        ok &= _lookup(index.rowids, np.isin(index.projects, wanted).astype(np.int64), size)
    if flt.tag_ids:
        wanted = [r for r, g in tags.items() if g.id in set(flt.tag_ids)]
        tagged = np.unique(pairs[np.isin(pairs[:, 1], wanted), 0])
        ok &= _lookup(tagged, np.ones(len(tagged), dtype=np.int64), size)
    return ok


@dataclass(frozen=True)
class Lookups:
    """Tasks, tags and projects as arrays and dicts, read once per computation."""

    index: q.TaskIndex
    pairs: Ints  # (task number, tag rowid)
    projects: dict[int, q.Named]
    tags: dict[int, q.Named]


def lookups(conn: Connection) -> Lookups:
    projects, tags = q.projects(conn), q.tags(conn)
    index = q.task_index(conn, projects, q.odd_ids(conn))
    return Lookups(index, q.tag_pairs(conn, index, tags), projects, tags)


class LookupMemo:
    """The last lookups and the data stamp they were read at: a range change with
    unchanged data reuses them (~25 ms a year of data). Safe to share between threads."""

    def __init__(self) -> None:
        self._held: tuple[tuple[object, ...], Lookups] | None = None
        self._lock = threading.Lock()

    def get(self, conn: Connection, stamp: tuple[object, ...]) -> Lookups:
        with self._lock:
            held = self._held
        if held is not None and held[0] == stamp:
            return held[1]
        found = lookups(conn)
        with self._lock:
            self._held = (stamp, found)
        return found


def compute(conn: Connection, grid: LocalGrid, now: datetime, zone: str,
            flt: TaskFilter, top_n: int, found: Lookups) -> Tracked:
    """All tracked-time figures of the range (entries of deleted tasks are left out)."""
    lo, hi = datetime.fromtimestamp(grid.start, UTC), datetime.fromtimestamp(grid.end, UTC)
    index, pairs, projects, tags = found.index, found.pairs, found.projects, found.tags
    raw = q.entries(conn, lo, hi, now, index.odd_ids)
    flags = q.entry_flags(conn, lo, hi, now, zone, index.odd_ids)
    ok = allowed_tasks(index, pairs, projects, tags, flt)
    task_rid = index.rowids_of(raw.tasks)
    keep = ok[task_rid] == 1
    starts, ends, task_rid, running = raw.starts[keep], raw.ends[keep], task_rid[keep], \
        raw.running[keep]
    met = flags.meetings
    meet_ok = ok[index.rowids_of(met.tasks)] == 1
    project_of = _lookup(index.rowids, index.projects, len(ok))

    ndays = len(grid.days)
    hours = split(starts, ends, grid.hour_bounds).reshape(ndays, 24)
    heat = np.zeros((7, 24), dtype=np.int64)
    np.add.at(heat, grid.weekdays(), hours)
    meeting_days = split(met.starts[meet_ok], met.ends[meet_ok], grid.day_bounds)[0]

    p_keys, p_inv = np.unique(project_of[task_rid], return_inverse=True)
    p_days = split(starts, ends, grid.day_bounds, p_inv.astype(np.int64), len(p_keys))
    by_project = _projects(p_keys, p_days.sum(axis=1), projects)
    clipped = np.maximum(np.minimum(ends, grid.end) - np.maximum(starts, grid.start), 0)
    t_keys, t_inv = np.unique(task_rid, return_inverse=True)
    t_totals = np.rint(np.bincount(t_inv, weights=clipped, minlength=len(t_keys)))
    t_totals = t_totals.astype(np.int64)
    inside = starts >= grid.start  # whole entries starting in the range: estimate vs actual
    started = np.rint(np.bincount(t_inv[inside], weights=(ends - starts)[inside],
                                  minlength=len(t_keys))).astype(np.int64)
    by_tag, multi = _tags(pairs, tags, t_keys, t_totals)
    return Tracked(
        per_day=_ints(hours.sum(axis=1)),
        meeting_source_per_day=_ints(meeting_days),
        stacks=_stacks(by_project, p_keys, p_days, projects, top_n),
        by_project=tuple(by_project),
        by_tag=tuple(by_tag),
        by_task=tuple(_tasks(conn, index, t_keys, t_totals, projects, top_n)),
        heatmap=tuple(_ints(row) for row in heat),
        running=bool(clipped[running].sum() > 0),
        zones=tuple(flags.zones),
        multi_tagged=multi,
        started_by_task=_lookup(t_keys, started, len(ok)),
    )


def _projects(p_keys: Ints, totals: Ints, projects: dict[int, q.Named]) -> list[Share]:
    out: list[Share] = []
    for rid, seconds in zip(p_keys, totals, strict=True):
        named = projects.get(int(rid))
        if seconds <= 0:
            continue
        if named is None:
            out.append(Share(NO_KEY, "No project", int(seconds), NO_PROJECT_COLOR))
        else:
            out.append(Share(named.id, named.name, int(seconds), named.color))
    out.sort(key=lambda s: (-s.seconds, s.label.lower()))
    return out


def _stacks(by_project: list[Share], p_keys: Ints, p_days: Ints,
            projects: dict[int, q.Named], top_n: int) -> tuple[Stack, ...]:
    """One layer per top project (largest at the bottom) and one for all the others."""
    row_of = {("" if int(r) not in projects else projects[int(r)].id): i
              for i, r in enumerate(p_keys)}
    top = by_project[:top_n]
    layers = [Stack(s.key, s.label, s.color, _ints(p_days[row_of[s.key]])) for s in top]
    rest = [row_of[s.key] for s in by_project[top_n:]]
    if rest:
        layers.append(Stack(OTHER_KEY, "Other", OTHER_COLOR, _ints(p_days[rest].sum(axis=0))))
    return tuple(layers)


def _tags(pairs: Ints, tags: dict[int, q.Named], t_keys: Ints,
          t_totals: Ints) -> tuple[list[Share], bool]:
    """Seconds per tag (a task with several tags counts toward each) and "No tag"."""
    if len(t_keys) == 0:
        return [], False
    pos = np.searchsorted(t_keys, pairs[:, 0])
    pos = np.minimum(pos, len(t_keys) - 1)
    hit = (t_keys[pos] == pairs[:, 0]) & (pairs[:, 0] != 0)
    pos, tag_rid = pos[hit], pairs[hit, 1]
    seconds = t_totals[pos]
    g_keys, g_inv = np.unique(tag_rid, return_inverse=True)
    g_totals = np.bincount(g_inv, weights=seconds, minlength=len(g_keys)).astype(np.int64)
    shares = [Share(tags[int(r)].id, tags[int(r)].name, int(s), tags[int(r)].color)
              for r, s in zip(g_keys, g_totals, strict=True) if s > 0 and int(r) in tags]
    tagged_tasks, per_task = np.unique(pos, return_counts=True)
    untagged = int(t_totals.sum() - t_totals[tagged_tasks].sum())
    if untagged > 0:
        shares.append(Share(NO_KEY, "No tag", untagged, NO_PROJECT_COLOR))
    shares.sort(key=lambda s: (-s.seconds, s.label.lower()))
    multi = bool(((per_task > 1) & (t_totals[tagged_tasks] > 0)).any())
    return shares, multi


def _tasks(conn: Connection, index: q.TaskIndex, t_keys: Ints, t_totals: Ints,
           projects: dict[int, q.Named], top_n: int) -> list[Share]:
    order = np.argsort(-t_totals, kind="stable")
    order = order[t_totals[order] > 0]
    top = [int(t_keys[i]) for i in order[:top_n]]
    named = [r for r in top if r != 0]
    ids = dict(zip(named, index.ids_of(named), strict=True))
    titles = q.task_titles(conn, list(ids.values()))
    colors = {p.id: p.color for p in projects.values()}
    shares: list[Share] = []
    for i in order[:top_n]:
        rid = int(t_keys[i])
        if rid == 0:
            shares.append(Share(NO_KEY, "No task", int(t_totals[i]), NO_PROJECT_COLOR))
            continue
        title, project_id = titles[ids[rid]]
        color = colors.get(project_id or "", NO_PROJECT_COLOR)
        shares.append(Share(ids[rid], title, int(t_totals[i]), color))
    rest = int(t_totals[order[top_n:]].sum())
    if rest > 0:
        shares.append(Share(OTHER_KEY, "Other tasks", rest, OTHER_COLOR))
    return shares
