"""Next occurrence of a recurring task, from its due date or from its completion."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr


def next_due(
    rule: str,
    *,
    due_date: date | None,
    due_time: time | None,
    completed_on: date,
    from_completion: bool,
) -> date | None:
    """The local date of the next occurrence, or None when the rule has run out.

    From the due date (Todoist's ``every``): the first occurrence after the old due that
    is not before the completion day, so an overdue daily task comes back today, not in
    the past. From completion (``every!``): the rule restarted on the completion day.
    """
    wall = due_time or time()
    if from_completion or due_date is None:
        start = datetime.combine(completed_on, wall)
        after = start
    else:
        start = datetime.combine(due_date, wall)
        after = max(start, datetime.combine(completed_on - timedelta(days=1), wall))
    rule_set = rrulestr(rule, dtstart=start)
    nxt = rule_set.after(after, inc=False)
    return None if nxt is None else nxt.date()
