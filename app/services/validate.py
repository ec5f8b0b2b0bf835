"""Checks shared by the task services: titles, zones, recurrence rules, priorities."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import ValidationError
from app.models.entities import TASK_STATUSES


def title(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationError("A task needs a title.")
    if len(cleaned) > 2000:
        raise ValidationError("A task title can be at most 2000 characters.")
    return cleaned


def priority(value: int) -> int:
    if value not in (1, 2, 3, 4):
        raise ValidationError(f"Priority must be 1 (highest) to 4, not {value}.")
    return value


def status(value: str) -> str:
    if value not in TASK_STATUSES:
        raise ValidationError(f"Unknown status {value!r}; use one of {', '.join(TASK_STATUSES)}.")
    return value


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"Unknown time zone {name!r}.") from exc


def estimate(minutes: int | None) -> int | None:
    if minutes is not None and not 0 < minutes <= 100_000:
        raise ValidationError("An estimate must be a positive number of minutes.")
    return minutes


def recurrence(rule: str | None, start: date | None = None) -> str | None:
    """Accept an RRULE body (``FREQ=...``), normalised without the ``RRULE:`` prefix."""
    if rule is None or not rule.strip():
        return None
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    from dateutil.rrule import rrulestr

    try:
        rrulestr(body, dtstart=datetime.combine(start or date(2000, 1, 1), time()))
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"Not a valid recurrence rule: {body!r} ({exc}).") from exc
    return body.upper()


def due(
    due_date: date | None, due_time: time | None, tz_name: str
) -> tuple[date | None, datetime | None, str | None]:
    """(due_date, due_at in UTC or None, zone) from a local date and optional wall time."""
    if due_date is None:
        if due_time is not None:
            raise ValidationError("A due time needs a due date.")
        return None, None, None
    if due_time is None:
        return due_date, None, None
    tz = zone(tz_name)
    local = datetime.combine(due_date, due_time, tzinfo=tz)
    return due_date, local.astimezone(ZoneInfo("UTC")), tz_name
