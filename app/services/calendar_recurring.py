"""Editing recurring series the RFC 5545 way: overrides, EXDATEs, and splits with UNTIL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.models.calendar import Event
from app.services.calendar_expand import local_bounds
from app.services.calendar_records import key_of, parse_key
from app.services.calendar_zones import zone

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def kind_tz(ev: Event) -> tuple[str, ZoneInfo | None]:
    if ev.all_day:
        return "date", None
    if ev.floating:
        return "floating", None
    return "zoned", zone(ev.tzid or "UTC")


def key_value(ev: Event, key: str) -> date | datetime:
    """An instance key as a value of the event's own kind (date, naive or zoned)."""
    kind, tz = kind_tz(ev)
    value = parse_key(key, tz)
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if kind == "zoned" and value.tzinfo is None:
        value = value.replace(tzinfo=UTC).astimezone(zone(ev.tzid or "UTC"))
    return value


def key_for(ev: Event, value: date | datetime) -> str:
    if ev.all_day:
        return key_of(value.date() if isinstance(value, datetime) else value)
    return key_of(value)


def shift_key(ev: Event, key: str, delta: timedelta) -> str:
    if not delta:
        return key
    return key_for(ev, key_value(ev, key) + delta)


def rule_parts(body: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in body.split(";"):
        name, _, value = item.partition("=")
        if name:
            parts[name.strip().upper()] = value.strip()
    return parts


def rule_text(parts: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in parts.items())


def until_text(ev: Event, before: date | datetime) -> str:
    """UNTIL that ends a series just before ``before`` (in the form RFC 5545 wants)."""
    if ev.all_day:
        day = before.date() if isinstance(before, datetime) else before
        return (day - timedelta(days=1)).strftime("%Y%m%d")
    assert isinstance(before, datetime)
    last = before - timedelta(seconds=1)
    if ev.floating:
        return last.strftime("%Y%m%dT%H%M%S")
    return last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule_start(ev: Event) -> datetime:
    start = local_bounds(ev)[0]
    return start if isinstance(start, datetime) else datetime.combine(start, time())


def count_before(ev: Event, body: str, before: date | datetime) -> int:
    """How many instances of one RRULE fall before ``before`` (for COUNT bookkeeping)."""
    stop = before if isinstance(before, datetime) else datetime.combine(before, time())
    rule = rrulestr(body, dtstart=_rule_start(ev))
    n = 0
    for when in rule:
        if when >= stop:
            break
        n += 1
    return n


def truncated(ev: Event, before: date | datetime) -> str | None:
    """The master's RRULE lines ending before ``before``; None when nothing would remain."""
    if not ev.rrule:
        return None
    out = []
    for body in ev.rrule.split("\n"):
        parts = rule_parts(body)
        parts.pop("COUNT", None)
        parts["UNTIL"] = until_text(ev, before)
        out.append(rule_text(parts))
    return "\n".join(out)


def continued(ev: Event, before: date | datetime, day_shift: int) -> str | None:
    """The RRULE lines for the new series that starts at ``before``."""
    if not ev.rrule:
        return None
    out = []
    for body in ev.rrule.split("\n"):
        parts = rule_parts(body)
        if "COUNT" in parts:
            left = int(parts["COUNT"]) - count_before(ev, body, before)
            parts["COUNT"] = str(max(1, left))
        out.append(shift_byday(rule_text(parts), day_shift))
    return "\n".join(out)


def shift_byday(body: str, days: int) -> str:
    """Move BYDAY weekdays along when a weekly series is dragged to another day."""
    days %= 7
    parts = rule_parts(body)
    if not days or "BYDAY" not in parts:
        return body
    shifted = []
    for item in parts["BYDAY"].split(","):
        prefix, code = item[:-2], item[-2:].upper()
        if code in _DAYS:
            code = _DAYS[(_DAYS.index(code) + days) % 7]
        shifted.append(prefix + code)
    parts["BYDAY"] = ",".join(shifted)
    return rule_text(parts)


def shift_rule(body: str, delta: timedelta) -> str:
    """A rule moved in time with its series: weekdays follow, UNTIL moves by ``delta``."""
    parts = rule_parts(shift_byday(body, delta.days))
    until = parts.get("UNTIL")
    if until and delta:
        try:
            value = parse_key(until)
        except (ValueError, IndexError):
            return rule_text(parts)
        moved = value + (delta if isinstance(value, datetime) else timedelta(days=delta.days))
        parts["UNTIL"] = key_of(moved)
    return rule_text(parts)


def split_keys(text: str | None, ev: Event, before: str) -> tuple[list[str], list[str]]:
    """RDATE/EXDATE keys before and from an instance key (compared as instants)."""
    if not text:
        return [], []
    pivot = _sortable(key_value(ev, before))
    early: list[str] = []
    late: list[str] = []
    for key in text.split(","):
        first = key.split("/", 1)[0]
        try:
            value = key_value(ev, first)
        except (ValueError, IndexError):
            early.append(key)
            continue
        (late if _sortable(value) >= pivot else early).append(key)
    return early, late


def _sortable(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


def join_keys(keys: list[str]) -> str | None:
    return ",".join(keys) or None


def add_key(text: str | None, key: str) -> str:
    keys = [k for k in (text or "").split(",") if k]
    if key not in keys:
        keys.append(key)
    return ",".join(keys)


def strip_recurrence(raw: str) -> str:
    """Raw component text without the recurrence lines (for an override or a new series)."""
    keep = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        if name not in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "UID"):
            keep.append(line)
    return "\r\n".join(keep)
