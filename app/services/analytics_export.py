"""The figures as plain data: a JSON document (``cadence stats --json``) and a tidy CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from app.errors import StoreError
from app.services.analytics_types import Figures, Share

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _by_name(shares: tuple[Share, ...]) -> dict[str, int]:
    """name -> seconds (two projects with one name are added together)."""
    out: dict[str, int] = {}
    for s in shares:
        out[s.label] = out.get(s.label, 0) + s.seconds
    return out


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def to_json(f: Figures) -> dict[str, Any]:
    """Every figure of the dashboard; durations in seconds, dates ISO 8601."""
    return {
        "from": f.query.first.isoformat(),
        "to": f.query.last.isoformat(),
        "zone": f.zone,
        "generated_at": f.generated_at.isoformat(),
        "filters": {"project_ids": list(f.query.project_ids), "tag_ids": list(f.query.tag_ids)},
        "completed_tasks": f.completed_total,
        "completed_per_day": [{"date": d.isoformat(), "count": n}
                              for d, n in zip(f.days, f.completed_per_day, strict=True)],
        "completed_per_week": [
            {"week": w.week, "count": w.count, "days_in_range": w.days_in_range,
             "rolling_average": _round(w.rolling_average)} for w in f.weeks],
        "rate_per_week": _round(f.rate_per_week),
        "baseline_per_week": _round(f.baseline.per_week),
        "baseline_source": f.baseline.source,
        "target_percent": f.target_percent,
        "target_per_week": _round(f.target_per_week),
        "progress": _round(f.progress),
        "tracked_seconds": f.tracked_total,
        "tracked_per_day": [{"date": d.isoformat(), "seconds": s}
                            for d, s in zip(f.days, f.tracked_per_day, strict=True)],
        "by_project": _by_name(f.by_project),
        "by_tag": _by_name(f.by_tag),
        "by_task": [{"id": s.key, "title": s.label, "seconds": s.seconds} for s in f.by_task],
        "estimate_accuracy": _round(f.estimate_accuracy),
        "estimate_ratio": _round(f.estimate_ratio),
        "estimated_tasks": f.estimated,
        "unestimated_tasks": f.unestimated,
        "estimates": [{"id": e.task_id, "title": e.title, "project": e.project,
                       "estimate_seconds": e.estimate_seconds, "actual_seconds": e.actual_seconds}
                      for e in f.estimates],
        "focus_seconds": f.focus_total,
        "meeting_seconds": f.meeting_total,
        "focus_per_day": list(f.focus_per_day),
        "meeting_per_day": list(f.meeting_per_day),
        "heatmap": {day: list(row) for day, row in zip(WEEKDAYS, f.heatmap, strict=True)},
        "overdue": f.overdue,
        "completed_late": f.completed_late,
        "running_timer_included": f.running,
        "review": f.review,
        "footnotes": list(f.footnotes),
    }


CSV_HEADER = ("figure", "date", "key", "label", "value", "unit")


def csv_rows(f: Figures) -> list[tuple[str, ...]]:
    """One tidy row per number: easy to pivot in a spreadsheet."""
    rows: list[tuple[str, ...]] = []

    def add(figure: str, day: str, key: str, label: str, value: object, unit: str) -> None:
        rows.append((figure, day, key, label, "" if value is None else str(value), unit))

    for d, n, t, fo, m in zip(f.days, f.completed_per_day, f.tracked_per_day, f.focus_per_day,
                              f.meeting_per_day, strict=True):
        day = d.isoformat()
        add("completed", day, "", "", n, "tasks")
        add("tracked", day, "", "", t, "seconds")
        add("focus", day, "", "", fo, "seconds")
        add("meetings", day, "", "", m, "seconds")
    for stack in f.project_stacks:
        for d, s in zip(f.days, stack.seconds, strict=True):
            if s:
                add("tracked_by_project", d.isoformat(), stack.key, stack.label, s, "seconds")
    for w in f.weeks:
        add("completed_per_week", w.monday.isoformat(), w.week, "", w.count, "tasks")
        add("rolling_4_week_average", w.monday.isoformat(), w.week, "",
            _round(w.rolling_average), "tasks per week")
    for name, shares in (("project", f.by_project), ("tag", f.by_tag), ("task", f.by_task)):
        for share in shares:
            add(f"time_by_{name}", "", share.key, share.label, share.seconds, "seconds")
    for e in f.estimates:
        add("estimate", "", e.task_id, e.title, e.estimate_seconds, "seconds")
        add("actual", "", e.task_id, e.title, e.actual_seconds, "seconds")
    for day, row in zip(WEEKDAYS, f.heatmap, strict=True):
        for hour, s in enumerate(row):
            add("heatmap", "", f"{day} {hour:02d}", "", s, "seconds")
    totals = (
        ("completed_total", f.completed_total, "tasks"),
        ("tracked_total", f.tracked_total, "seconds"),
        ("focus_total", f.focus_total, "seconds"), ("meetings_total", f.meeting_total, "seconds"),
        ("rate_per_week", _round(f.rate_per_week), "tasks per week"),
        ("baseline_per_week", _round(f.baseline.per_week), "tasks per week"),
        ("target_per_week", _round(f.target_per_week), "tasks per week"),
        ("estimate_accuracy", _round(f.estimate_accuracy), "fraction"),
        ("overdue", f.overdue, "tasks"), ("completed_late", f.completed_late, "tasks"),
    )
    for name, value, unit in totals:
        add(name, "", "", "", value, unit)
    return rows


def csv_text(f: Figures) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(f))
    return buf.getvalue()


def write_csv(f: Figures, path: Path) -> None:
    """Write the numbers to path; a disk problem becomes a one-line StoreError."""
    try:
        path.write_text(csv_text(f), encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"Could not write {path}: {exc.strerror or exc}") from exc
