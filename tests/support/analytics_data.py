"""Bulk-generated planner data for analytics tests, benchmarks and dashboard screenshots."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from app.models import Project, Tag, Task, TaskTag, TimeEntry, new_id
from app.models.calendar import Calendar, Event, Occurrence
from app.models.db import Store

PROJECTS = (
    ("Client Atlas", "#5b8def"), ("Website relaunch", "#e5484d"), ("Hiring", "#30a46c"),
    ("Research", "#8e4ec6"), ("Operations", "#f76b15"), ("Writing", "#12a594"),
    ("Admin", "#d6409f"), ("Learning", "#ffb224"), ("Side project", "#0091ff"),
    ("Support", "#7c6f64"),
)
TAGS = ("deep", "email", "call", "review", "planning", "bug", "design", "errand")
WORDS = ("Draft", "Review", "Fix", "Plan", "Write", "Call", "Prepare", "Update", "Ship", "Check")
THINGS = ("proposal", "invoice", "roadmap", "onboarding doc", "release notes", "budget",
          "interview", "landing page", "test plan", "quarterly report", "API sketch")


def stamp(now: datetime) -> dict[str, Any]:
    return {"created_at": now, "updated_at": now, "deleted_at": None}


def entry_row(task_id: str | None, start: datetime, end: datetime | None, *,
              tz: str = "Europe/Berlin", source: str = "timer") -> dict[str, Any]:
    return {"id": new_id(), "task_id": task_id, "start_at": start, "end_at": end, "tz": tz,
            "note": "", "source": source, "billable": False, **stamp(start)}


def insert_entries(store: Store, rows: list[dict[str, Any]]) -> None:
    if rows:
        with store.engine.begin() as conn:
            conn.execute(insert(TimeEntry), rows)


def add_calendar(store: Store, name: str = "Work", *, visible: bool = True) -> str:
    ident = new_id()
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(insert(Calendar), [{
            "id": ident, "name": name, "color": "#3b82c4", "tz": None, "visible": visible,
            "read_only": False, "position": 1.0, **stamp(now)}])
    return ident


def event_rows(calendar_id: str, start: datetime, end: datetime, *, summary: str = "Meeting",
               status: str = "confirmed", all_day: bool = False,
               floating: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event and its one occurrence (floating: start/end given as wall-clock UTC)."""
    ident = new_id()
    s, e = int(start.timestamp()), int(end.timestamp())
    event = {
        "id": ident, "calendar_id": calendar_id, "uid": ident + "@test", "recurrence_id": None,
        "this_and_future": False, "summary": summary, "description": "", "location": "",
        "all_day": all_day, "floating": floating, "tzid": None if floating else "Europe/Berlin",
        "start_utc": None if all_day else start, "end_utc": None if all_day else end,
        "start_date": start.date() if all_day else None,
        "end_date": end.date() if all_day else None, "rrule": None, "rdate": None,
        "exdate": None, "status": status, "sequence": 0, "task_id": None, "raw_ics": "",
        "content_hash": "", **stamp(start)}
    occ = {"event_id": ident, "start": s, "end": e, "span": e - s, "all_day": all_day,
           "floating": floating, "recurrence_key": None}
    return event, occ


def insert_events(store: Store, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    if pairs:
        with store.engine.begin() as conn:
            conn.execute(insert(Event), [p[0] for p in pairs])
            conn.execute(insert(Occurrence), [p[1] for p in pairs])


@dataclass
class Generated:
    projects: list[str]
    tags: list[str]
    completed: int
    entries: int
    events: int


def _task_row(rng: random.Random, project_id: str | None, created: datetime) -> dict[str, Any]:
    ident = new_id()
    return {
        "id": ident, "ics_uid": ident + "@cadence", "project_id": project_id, "parent_id": None,
        "title": f"{rng.choice(WORDS)} {rng.choice(THINGS)}", "notes": "", "status": "todo",
        "priority": rng.choice((1, 2, 3, 4, 4, 4)), "due_date": None, "due_at": None,
        "due_tz": None, "scheduled_date": None, "estimate_minutes": None, "recurrence": None,
        "recur_from_completion": False, "position": 0.0, "completed_at": None,
        **stamp(created)}


def _entries(rng: random.Random, tasks: list[dict[str, Any]], total: int,
             tz: ZoneInfo) -> list[dict[str, Any]]:
    """About `total` entries: each completed task gets its share, adding up to its estimate
    times 0.7-1.6 (the usual optimism), on its completion day and the days before; each
    day's entries are laid end to end from about 08:30, squeezed into at most 10 hours."""
    per_task = total / max(len(tasks), 1)
    load: dict[date, list[tuple[str, float]]] = {}
    for row in tasks:
        k = max(1, int(per_task) + (rng.random() < per_task % 1))
        minutes = (row["estimate_minutes"] or rng.choice((20, 40, 60))) * rng.uniform(0.7, 1.6)
        done = row["completed_at"].astimezone(tz).date()
        for j in range(k):
            day = done - timedelta(days=min(j, rng.choice((0, 0, 1, 2, 3))))
            while day.weekday() >= 5 and day != done:  # weekend work only on the day it ships
                day -= timedelta(days=1)
            load.setdefault(day, []).append((row["id"], minutes / k))
    rows: list[dict[str, Any]] = []
    for day in sorted(load):
        items = load[day]
        rng.shuffle(items)
        squeeze = min(1.0, 600.0 / sum(m for _, m in items))
        cursor = datetime.combine(day, time(8), tzinfo=tz) + timedelta(minutes=rng.randint(0, 60))
        for task_id, minutes in items:
            end = cursor + timedelta(minutes=max(minutes * squeeze, 1.0))
            rows.append(entry_row(task_id, cursor.astimezone(UTC), end.astimezone(UTC)))
            cursor = end + timedelta(minutes=rng.choice((5, 10, 20, 45, 90)) * squeeze)
    return rows


def generate(store: Store, *, last_day: date, zone: str = "Europe/Berlin", days: int = 365,
             completed: int = 20_000, entries: int = 100_000, events: int = 10_000,
             seed: int = 7) -> Generated:
    """A year of work ending on last_day: completions growing ~20% over the year, tracked
    time on weekday working hours by project, meetings, estimates that run a little long."""
    rng = random.Random(seed)
    tz = ZoneInfo(zone)
    first_day = last_day - timedelta(days=days - 1)
    made = datetime.combine(first_day, time(8), tzinfo=tz)
    projects = [{"id": new_id(), "name": n, "color": c, "parent_id": None,
                 "position": float(i), "archived": False, **stamp(made)}
                for i, (n, c) in enumerate(PROJECTS)]
    tags = [{"id": new_id(), "name": n, "color": "#8a8f98", **stamp(made)} for n in TAGS]
    weights = [0.26, 0.18, 0.1, 0.1, 0.09, 0.08, 0.07, 0.05, 0.04, 0.03]
    workdays = [first_day + timedelta(days=i) for i in range(days)
                if (first_day + timedelta(days=i)).weekday() < 5 or rng.random() < 0.08]

    def moment(day: date, lo: float, hi: float) -> datetime:
        hour = rng.uniform(lo, hi)
        local = datetime.combine(day, time()) + timedelta(hours=hour)
        return local.replace(tzinfo=tz).astimezone(UTC)

    task_rows: list[dict[str, Any]] = []
    growth = [1.0 + 0.25 * i / max(len(workdays) - 1, 1) for i in range(len(workdays))]
    total_w = sum(growth)
    for day, g in zip(workdays, growth, strict=True):
        n = int(completed * g / total_w + rng.random())
        for _ in range(n):
            project = rng.choices(projects + [None], weights=[*weights, 0.06])[0]  # type: ignore[list-item]
            row = _task_row(rng, project["id"] if project else None, moment(day, 7, 9))
            done = moment(day, 8.5, 19)
            row.update(status="done", completed_at=done)
            if rng.random() < 0.7:
                row["estimate_minutes"] = rng.choice((15, 30, 30, 45, 60, 60, 90, 120, 180))
            if rng.random() < 0.4:
                due = day + timedelta(days=rng.choice((-3, -1, 0, 0, 1, 2, 5)))
                row["due_date"] = due
            task_rows.append(row)
    open_rows = []
    for _ in range(max(40, completed // 100)):
        project = rng.choice(projects)
        row = _task_row(rng, project["id"], made)
        row["due_date"] = last_day + timedelta(days=rng.randint(-20, 30))
        open_rows.append(row)
    pairs = []
    for row in task_rows + open_rows:
        for tag in rng.sample(tags, rng.choice((0, 1, 1, 1, 2))):
            pairs.append({"task_id": row["id"], "tag_id": tag["id"]})

    entry_rows = _entries(rng, task_rows, entries, tz)
    cal = new_id()
    ev_pairs = []
    per_ev = max(1, events // max(len(workdays), 1))
    for day in workdays:
        for _ in range(per_ev):
            start = moment(day, 9, 17)
            start = start.replace(minute=(start.minute // 15) * 15, second=0, microsecond=0)
            ev_pairs.append(event_rows(cal, start, start + timedelta(
                minutes=rng.choice((15, 30, 30, 45, 60, 90)))))
    with store.engine.begin() as conn:
        conn.execute(insert(Project), projects)
        conn.execute(insert(Tag), tags)
        conn.execute(insert(Task), task_rows + open_rows)
        if pairs:
            conn.execute(insert(TaskTag), pairs)
        conn.execute(insert(TimeEntry), entry_rows)
        conn.execute(insert(Calendar), [{
            "id": cal, "name": "Work", "color": "#3b82c4", "tz": None, "visible": True,
            "read_only": False, "position": 1.0, **stamp(made)}])
        conn.execute(insert(Event), [p[0] for p in ev_pairs])
        conn.execute(insert(Occurrence), [p[1] for p in ev_pairs])
    return Generated([p["id"] for p in projects], [t["id"] for t in tags], len(task_rows),
                     len(entry_rows), len(ev_pairs))
