"""Plain records of the analytics figures (what the dashboard, charts and CLI receive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.errors import ValidationError

NO_KEY = ""  # a share for "no project" / "no tag" / "no task"
OTHER_KEY = "*other"  # the rest folded into one share
MAX_RANGE_DAYS = 3660  # ten years: beyond that the per-day charts are unreadable anyway

PRESETS = ("week", "4weeks", "quarter", "year")
PRESET_LABELS = {
    "week": "This week",
    "4weeks": "Last 4 weeks",
    "quarter": "This quarter",
    "year": "This year",
    "custom": "Custom…",
}


def preset_range(name: str, today: date) -> tuple[date, date]:
    """(first, last) local days of a named range; each ends on its natural last day."""
    monday = today - timedelta(days=today.weekday())
    if name == "week":
        return monday, monday + timedelta(days=6)
    if name == "4weeks":
        return monday - timedelta(weeks=3), monday + timedelta(days=6)
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        nxt = date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
        return start, nxt - timedelta(days=1)
    if name == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ValidationError(f"Unknown range {name!r}; use one of {', '.join(PRESETS)}.")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """Local days first..last (inclusive) in the user's zone, optionally filtered.

    Several projects (each with its subprojects) or several tags widen the filter;
    a project and a tag filter together narrow it.
    """

    first: date
    last: date
    project_ids: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    top_n: int = 8

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError(
                f"The range ends ({self.last}) before it starts ({self.first})."
            )
        if (self.last - self.first).days >= MAX_RANGE_DAYS:
            raise ValidationError("A range can span at most ten years.")
        if self.top_n < 1:
            raise ValidationError("Top N must be at least 1.")

    @property
    def filtered(self) -> bool:
        return bool(self.project_ids or self.tag_ids)


@dataclass(frozen=True, slots=True)
class Share:
    """One bar or slice: a project, tag or task (key NO_KEY = none, OTHER_KEY = the rest)."""

    key: str
    label: str
    seconds: int
    color: str


@dataclass(frozen=True, slots=True)
class Stack:
    """One project's tracked seconds on each day of the range (a layer of a stacked bar)."""

    key: str
    label: str
    color: str
    seconds: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WeekFigure:
    """Completed tasks in one ISO week (only the days inside the range are counted)."""

    week: str  # "2026-W48"
    monday: date
    count: int
    days_in_range: int  # 7 unless the range cuts the week
    rolling_average: float | None  # completions in the 28 days up to the week's end / 4

    @property
    def partial(self) -> bool:
        return self.days_in_range < 7


@dataclass(frozen=True, slots=True)
class EstimateFigure:
    task_id: str
    title: str
    project: str | None
    estimate_seconds: int | None
    actual_seconds: int


@dataclass(frozen=True, slots=True)
class Baseline:
    per_week: float | None
    source: str  # "set" (in settings), "auto" (first 4 full weeks), "none" (not enough history)
    first_monday: date | None = None


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows for one query (per-day tuples align with ``days``)."""

    query: StatsQuery
    zone: str
    generated_at: datetime
    days: tuple[date, ...]
    elapsed_days: int  # days of the range up to and including today
    completed_per_day: tuple[int, ...]
    weeks: tuple[WeekFigure, ...]
    baseline: Baseline
    target_percent: float
    rate_per_week: float | None  # completions per week over the elapsed days
    prior_average: float | None  # completions per week in the 4 weeks before the range
    tracked_per_day: tuple[int, ...]
    project_stacks: tuple[Stack, ...]  # top N projects + other
    by_project: tuple[Share, ...]  # every project with time, largest first
    by_tag: tuple[Share, ...]
    by_task: tuple[Share, ...]  # top N tasks + other
    estimates: tuple[EstimateFigure, ...]  # the top N completed tasks of the range by effort
    estimate_accuracy: float | None  # 1 - sum|actual - estimate| / sum(estimate), floor 0
    estimate_ratio: float | None  # sum(actual) / sum(estimate): > 1 means longer than planned
    estimated: int  # completed tasks with an estimate and tracked time (the accuracy sample)
    unestimated: int  # completed tasks without an estimate
    untracked: int  # completed tasks with an estimate but no tracked time
    focus_per_day: tuple[int, ...]
    meeting_per_day: tuple[int, ...]
    heatmap: tuple[tuple[int, ...], ...]  # [weekday, Monday = 0][local hour] seconds
    overdue: int
    completed_late: int
    running: bool
    footnotes: tuple[str, ...] = ()
    review: str = ""
    odd_days: tuple[tuple[date, float], ...] = field(default=())

    @property
    def completed_total(self) -> int:
        return sum(self.completed_per_day)

    @property
    def tracked_total(self) -> int:
        return sum(self.tracked_per_day)

    @property
    def focus_total(self) -> int:
        return sum(self.focus_per_day)

    @property
    def meeting_total(self) -> int:
        return sum(self.meeting_per_day)

    @property
    def target_per_week(self) -> float | None:
        if self.baseline.per_week is None:
            return None
        return self.baseline.per_week * (1.0 + self.target_percent / 100.0)

    @property
    def progress(self) -> float | None:
        """The weekly rate as a fraction of the target (1.0 = target met)."""
        target = self.target_per_week
        if target is None or self.rate_per_week is None or target <= 0:
            return None
        return self.rate_per_week / target
