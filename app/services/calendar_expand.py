"""Expanding an event and its overrides (one UID) into occurrence rows inside a window.

Plain series (RRULE/RDATE/EXDATE, no overrides) go straight to dateutil, which is what
recurring-ical-events uses underneath; anything else (overrides, THISANDFUTURE, PERIOD
RDATEs, DATE/DATE-TIME mixtures) goes through recurring-ical-events itself. Both paths are
bounded: at most ``MAX_PER_SERIES`` instances, an UNTIL at the window end for endless rules,
and a refusal for sub-daily rules that would need millions of steps to reach the window.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from dateutil.rrule import DAILY, HOURLY, MINUTELY, SECONDLY, YEARLY, rrule, rruleset, rrulestr

from app.services.calendar_records import epoch, key_of, parse_key
from app.services.calendar_zones import zone

MAX_PER_SERIES = 5000
MAX_STEPS = 2_000_000
_STEP_SECONDS = {SECONDLY: 1, MINUTELY: 60, HOURLY: 3600, DAILY: 86400}

# event id, start, end, span, all_day, floating, recurrence key
OccRow = tuple[str, int, int, int, bool, bool, str | None]


class EventTimes(Protocol):
    """The columns expansion reads (an Event row, a ParsedEvent or an ORM Event)."""

    @property
    def uid(self) -> str: ...
    @property
    def recurrence_id(self) -> str | None: ...
    @property
    def this_and_future(self) -> bool: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def floating(self) -> bool: ...
    @property
    def tzid(self) -> str | None: ...
    @property
    def start_utc(self) -> datetime | None: ...
    @property
    def end_utc(self) -> datetime | None: ...
    @property
    def start_date(self) -> date | None: ...
    @property
    def end_date(self) -> date | None: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def rdate(self) -> str | None: ...
    @property
    def exdate(self) -> str | None: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class Window:
    """The span recurrences are expanded over (UTC instants)."""

    start: datetime
    end: datetime

    def naive(self) -> tuple[datetime, datetime]:
        """Wall-clock bounds for floating and all-day series, widened for any zone offset."""
        day = timedelta(days=1)
        return self.start.replace(tzinfo=None) - day, self.end.replace(tzinfo=None) + day


@dataclass
class Expansion:
    """Rows for one UID; ``windowed`` rows are recurring instances that belong to the window
    slice their start falls in (so a growing window never stores one twice)."""

    rows: list[OccRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    windowed: bool = False

    def in_window(self, win: Window) -> list[OccRow]:
        if not self.windowed:
            return self.rows
        lo, hi = epoch(win.start), epoch(win.end)
        return [r for r in self.rows if lo <= r[1] < hi]


def local_bounds(p: EventTimes) -> tuple[date | datetime, date | datetime]:
    """Start and end in the event's own terms: dates, naive wall times, or zoned datetimes."""
    if p.all_day:
        assert p.start_date is not None and p.end_date is not None
        return p.start_date, p.end_date
    assert p.start_utc is not None and p.end_utc is not None
    if p.floating:
        return p.start_utc.replace(tzinfo=None), p.end_utc.replace(tzinfo=None)
    tz = zone(p.tzid or "UTC")
    return p.start_utc.astimezone(tz), p.end_utc.astimezone(tz)


def is_recurring(p: EventTimes) -> bool:
    return bool(p.rrule or p.rdate)


def single_row(eid: str, p: EventTimes, key: str | None = None) -> OccRow:
    start, end = local_bounds(p)
    s, e = epoch(start), epoch(end)
    return (eid, s, e, e - s, p.all_day, p.all_day or p.floating, key)


def expand_group(parts: Sequence[tuple[str, EventTimes]], window: Window) -> Expansion:
    """Occurrence rows for all stored components of one UID (master plus overrides)."""
    out = Expansion()
    master = next(((i, p) for i, p in parts if p.recurrence_id is None), None)
    if master is None or not is_recurring(master[1]):
        for eid, p in parts:
            if p.recurrence_id is not None and master is None and p.status == "cancelled":
                continue
            out.rows.append(single_row(eid, p, p.recurrence_id))
        return out
    overrides = [(i, p) for i, p in parts if p.recurrence_id is not None]
    out.windowed = True
    try:
        if not overrides:
            fast = _fast(master[0], master[1], window, out)
            if fast:
                return out
        _with_library(master, overrides, window, out)
    except _TooDense as exc:
        out.windowed = False
        out.rows = [single_row(master[0], master[1])]
        out.warnings.append(f"{exc}; only the first occurrence is shown")
    except Exception as exc:  # noqa: BLE001 - a broken rule must not stop an import
        out.windowed = False
        out.rows = [single_row(master[0], master[1])]
        out.warnings.append(f"recurrence could not be expanded ({exc}); only the first "
                            "occurrence is shown")
    return out


class _TooDense(ValueError):
    pass


def _kind(p: EventTimes) -> str:
    return "date" if p.all_day else "floating" if p.floating else "zoned"


def _fast(eid: str, p: EventTimes, window: Window, out: Expansion) -> bool:
    """Expand a plain series with dateutil; False when the library path must be used."""
    start, end = local_bounds(p)
    kind = _kind(p)
    tz = None if kind != "zoned" else zone(p.tzid or "UTC")
    dtstart = datetime.combine(start, time()) if kind == "date" else start
    assert isinstance(dtstart, datetime)
    lo, hi = (window.start, window.end) if kind == "zoned" else window.naive()
    rules = rruleset()
    try:
        for body in (p.rrule or "").split("\n"):
            if body:
                rules.rrule(_bounded(body, dtstart, hi))
        for target, text in ((rules.rdate, p.rdate), (rules.exdate, p.exdate)):
            for key in (text or "").split(","):
                if not key:
                    continue
                if "/" in key or (len(key) == 8) != (kind == "date") or (
                        key.endswith("Z") != (kind == "zoned")):
                    return False
                value = parse_key(key, tz)
                target(value if isinstance(value, datetime) else datetime.combine(value, time()))
    except _TooDense:
        raise
    except (ValueError, TypeError, IndexError) as exc:
        if "never produces" in str(exc):
            raise
        return False
    rules.rdate(dtstart)  # DTSTART is always the first instance (RFC 5545 §3.8.5.3)
    length = _span(start, end)
    try:
        rows = list(_instances(eid, rules, lo - length, hi, length, kind, out))
    except TypeError:  # naive/aware mixture inside dateutil
        return False
    out.rows.extend(rows)
    return True


def _span(start: date | datetime, end: date | datetime) -> timedelta:
    if isinstance(start, datetime) and isinstance(end, datetime):
        return end - start
    return datetime.combine(end, time()) - datetime.combine(start, time())


def _instances(eid: str, rules: rruleset, lo: datetime, hi: datetime, length: timedelta,
               kind: str, out: Expansion) -> Iterator[OccRow]:
    all_day = kind == "date"
    floating = kind != "zoned"
    for count, when in enumerate(rules.xafter(lo, inc=True)):
        if when >= hi:
            break
        if count >= MAX_PER_SERIES:
            out.warnings.append(f"more than {MAX_PER_SERIES} occurrences in the window; "
                                "the rest are not shown")
            break
        s = epoch(when)
        e = epoch(when + length)
        key = key_of(when.date() if all_day else when)
        yield (eid, s, e, e - s, all_day, floating, key)


def check_rule(body: str, dtstart: datetime) -> rrule:
    """The dateutil rule for an RRULE body; ValueError when it is unreadable or can never
    produce a date (dateutil would search until the year 9999 for one)."""
    try:
        rule = rrulestr(body, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"unreadable RRULE {body!r}") from exc
    if not isinstance(rule, rrule):
        raise ValueError(f"unreadable RRULE {body!r}")
    original = rule._original_rule  # noqa: SLF001 - dateutil exposes no accessor
    restrictive = any(original.get(k) for k in ("bymonth", "bymonthday", "byyearday",
                                                  "byweekno"))
    if rule._freq >= DAILY and restrictive:  # noqa: SLF001
        probe = rule.replace(freq=YEARLY, interval=1, count=None, until=None)
        if next(iter(probe), None) is None:
            raise ValueError(f"RRULE {body!r} never produces a date")
    return rule


def _bounded(body: str, dtstart: datetime, hi: datetime) -> rrule:
    """A dateutil rule that stops at the window end and cannot spin for minutes."""
    rule = check_rule(body, dtstart)
    step = _STEP_SECONDS.get(rule._freq)  # noqa: SLF001 - dateutil exposes no accessor
    if step is not None and rule._count is None:  # noqa: SLF001
        reach = (hi - dtstart).total_seconds() / (step * (rule._interval or 1))  # noqa: SLF001
        if reach > MAX_STEPS:
            raise _TooDense("recurrence too dense to expand (more than "
                            f"{MAX_STEPS:,} steps)")
    until = rule._until  # noqa: SLF001
    if until is None or until > hi:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # COUNT together with UNTIL
            rule = rule.replace(until=hi)
    return rule


def _with_library(master: tuple[str, EventTimes], overrides: list[tuple[str, EventTimes]],
                  window: Window, out: Expansion) -> None:
    import icalendar
    import recurring_ical_events

    from app.services.ics_export import time_lines

    mid, mp = master
    kind = _kind(mp)
    tz = zone(mp.tzid or "UTC") if kind == "zoned" else None
    lo, hi = (window.start, window.end) if kind == "zoned" else window.naive()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cadence//expand//EN"]
    for _, p in [master, *overrides]:
        lines += ["BEGIN:VEVENT", "UID:series", *time_lines(p, until=hi if p is mp else None),
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    cal = icalendar.Calendar.from_ical("\r\n".join(lines) + "\r\n")
    by_key: dict[str, tuple[str, EventTimes, timedelta]] = {}
    for eid, p in overrides:
        assert p.recurrence_id is not None
        own = local_bounds(p)[0]
        rid = _as_kind(parse_key(p.recurrence_id, tz), kind)
        by_key[p.recurrence_id] = (eid, p, _minus(own, rid))
    query = recurring_ical_events.of(cal, skip_bad_series=True)
    count = 0
    for series in query.series:
        for occ in itertools.islice(series.between(lo, hi), MAX_PER_SERIES + 1):
            count += 1
            if count > MAX_PER_SERIES:
                out.warnings.append(f"more than {MAX_PER_SERIES} occurrences in the window; "
                                    "the rest are not shown")
                return
            eid, key, status = mid, _key(occ.start, kind), mp.status
            rid = occ.id.recurrence_id
            hit = by_key.get(_key(rid, kind)) if rid is not None else None
            if hit is not None:
                eid, status = hit[0], hit[1].status
                key = _key(rid, kind)
                if hit[1].this_and_future and _key(occ.start, kind) != _key(
                        local_bounds(hit[1])[0], kind):
                    key = _key(occ.start - hit[2], kind)
            if status == "cancelled" and eid != mid:
                continue
            s, e = epoch(occ.start), epoch(occ.end)
            out.rows.append((eid, s, e, e - s, kind == "date", kind != "zoned", key))


def _as_kind(value: date | datetime, kind: str) -> date | datetime:
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def _minus(a: date | datetime, b: date | datetime) -> timedelta:
    if isinstance(a, datetime) and isinstance(b, datetime):
        if (a.tzinfo is None) != (b.tzinfo is None):
            return a.replace(tzinfo=None) - b.replace(tzinfo=None)
        return a - b
    return datetime.combine(a, time()) - datetime.combine(b, time())


def _key(value: date | datetime, kind: str) -> str:
    """Key of an instant from recurring-ical-events (UTC-naive ids, zoned or naive starts)."""
    if not isinstance(value, datetime):
        return key_of(value)
    if kind == "date":
        return key_of(value.date())
    if kind == "zoned":
        return key_of(value if value.tzinfo else value.replace(tzinfo=UTC))
    return key_of(value.replace(tzinfo=None))
