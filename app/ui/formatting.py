"""Short human texts for dates, times, estimates and tags, shared by the list and editor."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.services.dto import TaskDTO


def day_text(day: date, today: date) -> str:
    """"Today", "Tomorrow", "Yesterday", a weekday within the week, else "5 Dec" (+ year)."""
    delta = (day - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    if 1 < delta < 7:
        return day.strftime("%A")
    if day.year == today.year:
        return f"{day.day} {day.strftime('%b')}"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def due_text(task: TaskDTO, today: date, zone: ZoneInfo) -> str:
    """The due as shown in the list: date words plus the time in the user's zone."""
    if task.due_date is None:
        return ""
    if task.due_at is None:
        return day_text(task.due_date, today)
    local = task.due_at.astimezone(zone)
    return f"{day_text(local.date(), today)} {local.strftime('%H:%M')}"


def is_overdue(task: TaskDTO, today: date, now: datetime) -> bool:
    if not task.is_open or task.due_date is None:
        return False
    if task.due_at is not None:
        return task.due_at < now
    return task.due_date < today


def estimate_text(minutes: int | None) -> str:
    """90 -> "1:30"; 45 -> "0:45"; None -> ""."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


def parse_estimate(text: str) -> int | None:
    """Minutes from "90", "1:30", "1h30m", "1.5h", "45m"; empty means none.

    Raises ValueError with a message fit for the user.
    """
    raw = text.strip().lower().replace(" ", "")
    if not raw:
        return None
    try:
        if ":" in raw:
            hours, _, mins = raw.partition(":")
            minutes = int(hours or 0) * 60 + int(mins or 0)
            if int(mins or 0) >= 60:
                raise ValueError
        elif raw.endswith(("m", "min", "mins")) and "h" not in raw:
            minutes = int(raw.rstrip("mins"))
        elif "h" in raw:
            hours, _, rest = raw.partition("h")
            minutes = round(float(hours or 0) * 60) + int(rest.rstrip("mins") or 0)
        else:
            minutes = int(raw)
    except ValueError as exc:
        raise ValueError(f'Not a duration: "{text.strip()}" (use minutes or h:mm).') from exc
    if minutes <= 0:
        raise ValueError("An estimate must be more than zero minutes.")
    return minutes


def tags_text(tags: tuple[str, ...]) -> str:
    return "  ".join(f"@{t}" for t in tags)


def tags_edit_text(tags: tuple[str, ...]) -> str:
    return ", ".join(tags)


def split_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tag names, without "@", duplicates (any case) dropped."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split()).lstrip("@")
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return tuple(seen.values())


def time_text(value: time | None) -> str:
    return "" if value is None else value.strftime("%H:%M")


def parse_day(text: str, today: date) -> date | None:
    """A date typed by the user: "2026-12-05", "tomorrow", "next mon", "dec 5", "in 3 days".

    Empty means none. Raises ValueError with a message fit for the user.
    """
    raw = " ".join(text.split())
    if not raw:
        return None
    from app.services.quickadd import parse_quick_add

    parsed = parse_quick_add(f"x {raw}", today=today)
    if parsed.errors:
        raise ValueError(parsed.errors[0])
    if parsed.title != "x" or parsed.due_date is None or parsed.due_time or parsed.recurrence:
        raise ValueError(f'Not a date: "{raw}" (try 2026-12-05, tomorrow, fri, dec 5).')
    return parsed.due_date


def parse_clock(text: str) -> time | None:
    """A time of day: "9am", "9:30 pm", "14:30", "noon". Empty means none."""
    raw = " ".join(text.split())
    if not raw:
        return None
    from app.services.quickadd import parse_quick_add

    parsed = parse_quick_add(f"x {raw}", today=date(2000, 1, 3))
    if parsed.errors:
        raise ValueError(parsed.errors[0])
    if parsed.title != "x" or parsed.due_time is None or parsed.due_date != date(2000, 1, 3):
        raise ValueError(f'Not a time: "{raw}" (try 9am, 14:30).')
    return parsed.due_time
