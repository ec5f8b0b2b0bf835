"""The words around the figures: footnotes that keep a chart honest and the weekly review."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.services.analytics_types import NO_KEY, Figures

if TYPE_CHECKING:
    from app.services.analytics_tracked import Tracked


def duration_text(seconds: int) -> str:
    """45 min, 2 h 5 min, 12.5 h: minutes below 10 h, hours with one decimal above."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 600:
        h, m = divmod(minutes, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    return f"{seconds / 3600:.1f} h"


def number_text(value: float) -> str:
    """10 -> "10", 10.25 -> "10.3"."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def day_text(day: date) -> str:
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def annotate(figures: Figures, tracked: Tracked) -> Figures:
    return replace(figures, footnotes=tuple(footnotes(figures, tracked)),
                   review=review(figures))


def footnotes(f: Figures, tracked: Tracked) -> list[str]:  # noqa: PLR0912
    notes: list[str] = []
    ndays = len(f.days)
    if f.elapsed_days == 0:
        notes.append("The range lies in the future: nothing has happened in it yet.")
    elif f.elapsed_days < ndays:
        notes.append(f"The range runs past today: weekly rates use the "
                     f"{plural(f.elapsed_days, 'day')} so far.")
    if f.completed_total == 0:
        notes.append("No tasks were completed in this range.")
    if f.tracked_total == 0:
        notes.append("No time was tracked in this range.")
    if f.running:
        local = f.generated_at.astimezone(ZoneInfo(f.zone))
        notes.append(f"Includes the running timer, counted up to now ({local:%H:%M}).")
    if f.unestimated:
        notes.append(f"{plural(f.unestimated, 'completed task')} had no estimate and "
                     "are left out of the estimate accuracy.")
    if f.untracked:
        notes.append(f"{plural(f.untracked, 'estimated task')} had no tracked time and "
                     "are left out of the estimate accuracy.")
    if tracked.zones:
        notes.append(f"Some time was recorded in another time zone "
                     f"({', '.join(tracked.zones)}); "
                     f"all days and hours are shown in {f.zone} time.")
    for day, hours in f.odd_days:
        notes.append(f"Clocks changed on {day_text(day)} (a {hours:g}-hour day); "
                     "days and hours follow the local clock.")
    if tracked.multi_tagged:
        notes.append("A task with several tags counts toward each of them, so tag totals "
                     "can add up to more than the time tracked.")
    meeting_tracked = sum(tracked.meeting_source_per_day)
    if meeting_tracked:
        notes.append(f"{duration_text(meeting_tracked)} tracked as meetings is not counted "
                     "as focus time.")
    if f.query.filtered and f.meeting_total:
        notes.append("Meeting time comes from the calendar and is not filtered by "
                     "project or tag.")
    notes.append(_baseline_note(f))
    return notes


def _baseline_note(f: Figures) -> str:
    b = f.baseline
    if b.source == "set":
        return f"Baseline {number_text(b.per_week or 0)} tasks a week, set in settings."
    if b.source == "auto" and b.first_monday is not None:
        scope = " of the filtered tasks" if f.query.filtered else ""
        return (f"Baseline: your first 4 full weeks{scope} (from {day_text(b.first_monday)}), "
                f"{number_text(b.per_week or 0)} tasks a week.")
    return ("No baseline yet: it needs 4 full weeks after your first completed task "
            "(or set one in the dashboard's settings).")


def review(f: Figures) -> str:
    """A few sentences about the range, e.g. "You completed 14 tasks, 3 more than ..."."""
    if f.elapsed_days == 0:
        return "This range has not started yet."
    parts = [_completed_sentence(f)]
    target = f.target_per_week
    if target is not None and f.rate_per_week is not None and f.progress is not None:
        parts.append(f"That is {f.progress:.0%} of your target of {number_text(target)} a week "
                     f"(baseline {number_text(f.baseline.per_week or 0)} "
                     f"{f.target_percent:+g}%).")
    top = next((s for s in f.by_project if s.seconds > 0), None)
    if top is None:
        parts.append("No time was tracked.")
    else:
        name = "tasks without a project" if top.key == NO_KEY else top.label
        share = top.seconds / f.tracked_total if f.tracked_total else 0.0
        parts.append(f"Most time went to {name} ({duration_text(top.seconds)}, {share:.0%} "
                     f"of {duration_text(f.tracked_total)} tracked).")
    if f.meeting_total:
        parts.append(f"Meetings took {duration_text(f.meeting_total)} against "
                     f"{duration_text(f.focus_total)} of focus time.")
    if f.estimate_accuracy is not None and f.estimate_ratio is not None:
        parts.append(f"Estimates were {f.estimate_accuracy:.0%} accurate; work took "
                     f"{f.estimate_ratio:.2g}× the estimate.")
    late = []
    if f.overdue:
        late.append(f"{plural(f.overdue, 'task')} {'is' if f.overdue == 1 else 'are'} overdue")
    if f.completed_late:
        late.append(f"{f.completed_late} {'was' if f.completed_late == 1 else 'were'} "
                    "completed late")
    if late:
        parts.append("; ".join(late).capitalize() + ".")
    return " ".join(parts)


def _completed_sentence(f: Figures) -> str:
    n = f.completed_total
    done = f"You completed {plural(n, 'task')}"
    partial = f.elapsed_days < len(f.days)
    avg = f.prior_average
    if len(f.days) <= 7:
        if avg is None:
            return done + (" so far." if partial else ".")
        diff = n - avg
        so_far = " so far" if partial else ""
        if abs(diff) < 0.05:
            return f"{done}{so_far}, the same as your average of {number_text(avg)} a week."
        word = "more" if diff > 0 else "fewer"
        return (f"{done}{so_far}, {number_text(abs(diff))} {word} than your average of "
                f"{number_text(avg)} a week.")
    rate = f.rate_per_week or 0.0
    text = f"{done} ({number_text(rate)} a week)"
    if avg is None:
        return text + "."
    diff = rate - avg
    if abs(diff) < 0.05:
        return f"{text}, the same as in the 4 weeks before."
    word = "more" if diff > 0 else "fewer"
    return (f"{text}, {number_text(abs(diff))} a week {word} than in the 4 weeks before "
            f"({number_text(avg)}).")


def kpis(f: Figures) -> list[tuple[str, str, str]]:
    """(caption, big number, detail) for the key figures; shared with the dashboard tiles."""
    rate = "" if f.rate_per_week is None else f"{number_text(f.rate_per_week)} a week"
    if f.progress is not None and f.target_per_week is not None:
        target = (f"{f.progress:.0%}", f"of {number_text(f.target_per_week)} a week "
                  f"(baseline {number_text(f.baseline.per_week or 0)} {f.target_percent:+g}%)")
    else:
        target = ("–", "no baseline yet")
    accuracy = ("–", "no estimated tasks with time") if f.estimate_accuracy is None else (
        f"{f.estimate_accuracy:.0%}",
        f"over {f.estimated} task{'s' if f.estimated != 1 else ''}; "
        f"took {f.estimate_ratio or 0:.2g}× the plan")
    return [
        ("Completed", str(f.completed_total), rate),
        ("Target", *target),
        ("Tracked", duration_text(f.tracked_total),
         f"focus {duration_text(f.focus_total)} · meetings {duration_text(f.meeting_total)}"),
        ("Estimates", *accuracy),
        ("Overdue", str(f.overdue), f"{f.completed_late} completed late"),
    ]
