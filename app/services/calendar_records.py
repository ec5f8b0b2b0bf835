"""Event and to-do records from tokenized ICS components: times in zones, keys, end rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from app.services.calendar_zones import ZoneResolver, zone
from app.services.ics_parse import LineError, RawComponent, properties, unescape

EVENT_PROPS = frozenset({
    "UID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "SEQUENCE", "DTSTART", "DTEND",
    "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
})
_STATUSES = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled",
             "CANCELED": "cancelled"}
_EPOCH = datetime(1970, 1, 1)


class RecordError(ValueError):
    """A component that cannot become an event or a task; the message says why."""


@dataclass(frozen=True, slots=True)
class Moment:
    """A parsed DATE or DATE-TIME: the value (aware, naive=floating, or a date) and its zone."""

    value: date | datetime
    tzid: str | None  # IANA name for zoned values, "UTC" for UTC, None for floating/date

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, datetime)

    def key(self) -> str:
        return key_of(self.value)


def key_of(value: date | datetime) -> str:
    """The text form of an instant used for RECURRENCE-ID, RDATE and EXDATE columns."""
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if value.tzinfo is None:
        return value.strftime("%Y%m%dT%H%M%S")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_key(key: str, tz: tzinfo | None = None) -> date | datetime:
    """Inverse of key_of; UTC keys are converted into ``tz`` when given."""
    k = key.strip()
    if len(k) == 8:
        return date(int(k[:4]), int(k[4:6]), int(k[6:8]))
    value = datetime(int(k[:4]), int(k[4:6]), int(k[6:8]),
                     int(k[9:11]), int(k[11:13]), int(k[13:15]))
    if k.endswith("Z"):
        value = value.replace(tzinfo=UTC)
        return value.astimezone(tz) if tz is not None else value
    return value


def epoch(value: date | datetime) -> int:
    """Seconds since 1970 of an instant, or of a wall-clock time/date read as UTC."""
    if not isinstance(value, datetime):
        return (value.toordinal() - 719163) * 86400
    if value.tzinfo is not None:
        return int(value.timestamp())
    return int((value - _EPOCH).total_seconds())


@dataclass(slots=True)
class ParsedEvent:
    """A VEVENT ready to be stored; attribute names match the ``events`` columns."""

    uid: str
    recurrence_id: str | None = None
    this_and_future: bool = False
    summary: str = ""
    description: str = ""
    location: str = ""
    all_day: bool = False
    floating: bool = False
    tzid: str | None = None
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    rrule: str | None = None
    rdate: str | None = None
    exdate: str | None = None
    status: str = "confirmed"
    sequence: int = 0
    raw_ics: str = ""
    content_hash: str = ""
    line_no: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What a component needs from its file: zone definitions and X-WR-TIMEZONE."""

    zones: ZoneResolver
    default_zone: str | None = None  # from X-WR-TIMEZONE, resolved

    @classmethod
    def for_file(cls, vtimezones: dict[str, str], x_wr_timezone: str | None) -> Context:
        zones = ZoneResolver(vtimezones)
        default = zones.resolve(x_wr_timezone).name if x_wr_timezone else None
        return cls(zones, default)


def _raw_value(value: str, params: dict[str, str]) -> tuple[date | datetime, bool]:
    """(value, is_utc) of a DATE or DATE-TIME text; naive datetimes are wall-clock times."""
    v = value.strip()
    kind = params.get("VALUE", "").upper()
    try:
        if kind == "DATE" or (len(v) == 8 and v.isdigit()):
            return date(int(v[:4]), int(v[4:6]), int(v[6:8])), False
        if len(v) >= 15 and v[8] in "Tt" and v[15:] in ("", "Z", "z"):
            second = min(int(v[13:15]), 59)  # a leap second ":60" becomes :59
            return datetime(int(v[:4]), int(v[4:6]), int(v[6:8]), int(v[9:11]),
                            int(v[11:13]), second), len(v) > 15
    except ValueError as exc:
        raise RecordError(f"bad date {v!r}") from exc
    return _slow_value(v)


def _slow_value(v: str) -> tuple[date | datetime, bool]:
    from icalendar.prop import vDDDTypes

    parser: Any = vDDDTypes  # icalendar's from_ical is not annotated
    try:
        parsed = parser.from_ical(v)
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError and friends
        raise RecordError(f"bad date {v!r}") from exc
    if isinstance(parsed, datetime):
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC).replace(tzinfo=None), True
        return parsed, False
    if isinstance(parsed, date):
        return parsed, False
    raise RecordError(f"bad date {v!r}")


def moment(value: str, params: dict[str, str], ctx: Context, notes: list[str]) -> Moment:
    raw, is_utc = _raw_value(value, params)
    if not isinstance(raw, datetime):
        return Moment(raw, None)
    if is_utc:
        aware = raw.replace(tzinfo=UTC)
        if ctx.default_zone:  # X-WR-TIMEZONE: same instant, recurrences in that zone
            return Moment(aware.astimezone(zone(ctx.default_zone)), ctx.default_zone)
        return Moment(aware, "UTC")
    tzid = params.get("TZID")
    if tzid:
        res = ctx.zones.resolve(tzid)
        if res.warning and res.warning not in notes:
            notes.append(res.warning)
        if res.name is not None:
            return Moment(raw.replace(tzinfo=zone(res.name)), res.name)
        if res.tz is not None:
            return Moment(raw.replace(tzinfo=res.tz).astimezone(UTC), "UTC")
        return Moment(raw, None)
    if ctx.default_zone:
        return Moment(raw.replace(tzinfo=zone(ctx.default_zone)), ctx.default_zone)
    return Moment(raw, None)


def _moments(value: str, params: dict[str, str], ctx: Context, notes: list[str]) -> list[str]:
    """Keys for an RDATE/EXDATE value list (PERIOD values become ``start/end``)."""
    keys: list[str] = []
    period = params.get("VALUE", "").upper() == "PERIOD"
    for raw in value.split(","):
        part = raw.strip()
        if not part:
            continue
        if period or "/" in part:
            first, _, second = part.partition("/")
            start = moment(first, params, ctx, notes)
            if second.upper().startswith(("P", "-P", "+P")):
                end_value = start.value + _duration(second)
            else:
                end_value = moment(second, params, ctx, notes).value
            keys.append(f"{start.key()}/{key_of(end_value)}")
        else:
            keys.append(moment(part, params, ctx, notes).key())
    return keys


_LOOSE_DURATION = re.compile(r"(\d+)([WDHMS])")
_UNITS = {"W": "weeks", "D": "days", "H": "hours", "M": "minutes", "S": "seconds"}
_RULE_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
               "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}


def _duration(text: str) -> timedelta:
    from icalendar.prop import vDuration

    parser: Any = vDuration  # icalendar's from_ical is not annotated
    try:
        result = parser.from_ical(text.strip())
        assert isinstance(result, timedelta)
        return result
    except Exception:  # noqa: BLE001 - icalendar raises several kinds; try the loose form
        pass
    # Outlook writes "-PT1W1D2H": accept any unit order, M after a T meaning minutes.
    body = text.strip().upper()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    rest = body[1:].replace("T", "")
    if not body.startswith("P") or not re.fullmatch(r"(\d+[WDHMS])+", rest):
        raise RecordError(f"bad duration {text!r}")
    try:
        parts = {_UNITS[u]: int(n) for n, u in _LOOSE_DURATION.findall(body[1:])}
        return sign * timedelta(**parts)
    except (OverflowError, ValueError) as exc:
        raise RecordError(f"bad duration {text!r}") from exc


def clean_rule(body: str, notes: list[str]) -> str:
    """An RRULE body dateutil accepts: no blanks or empty parts; unknown parts dropped."""
    kept = []
    for part in body.replace(" ", "").split(";"):
        name, _, value = part.partition("=")
        name = name.upper()
        if not name or not value:
            continue
        if name in ("RSCALE", "SKIP") and value.upper() in ("GREGORIAN", "OMIT"):
            continue
        if name not in _RULE_PARTS and name != "RSCALE":  # other calendars fail in dateutil
            notes.append(f"unknown RRULE part {part!r} ignored")
            continue
        kept.append(f"{name}={value.upper()}")
    return ";".join(kept)


def parse_event(comp: RawComponent, ctx: Context) -> ParsedEvent:
    """A ParsedEvent, or RecordError saying why this VEVENT cannot be used."""
    try:
        props = properties(comp, EVENT_PROPS)
    except LineError as exc:
        raise RecordError(str(exc)) from exc
    notes: list[str] = []
    ev = ParsedEvent(uid="", raw_ics=comp.text, content_hash=comp.digest, line_no=comp.line_no,
                     warnings=notes)
    start: Moment | None = None
    end: Moment | None = None
    duration: timedelta | None = None
    rrules: list[str] = []
    rdates: list[str] = []
    exdates: list[str] = []
    for name, params, value in props:
        if name == "UID":
            ev.uid = value.strip()
        elif name == "SUMMARY":
            ev.summary = unescape(value)
        elif name == "DESCRIPTION":
            ev.description = unescape(value)
        elif name == "LOCATION":
            ev.location = unescape(value)
        elif name == "STATUS":
            ev.status = _STATUSES.get(value.strip().upper(), "confirmed")
        elif name == "SEQUENCE":
            ev.sequence = as_int(value)
        elif name == "DTSTART":
            start = moment(value, params, ctx, notes)
        elif name == "DTEND":
            end = moment(value, params, ctx, notes)
        elif name == "DURATION":
            duration = _duration(value)
        elif name == "RRULE" and value.strip():
            rrules.append(clean_rule(value.strip().removeprefix("RRULE:"), notes))
        elif name in ("RDATE", "EXDATE") and value.strip():
            try:
                (rdates if name == "RDATE" else exdates).extend(
                    _moments(value, params, ctx, notes))
            except RecordError as exc:
                notes.append(f"{name} ignored: {exc}")
        elif name == "RECURRENCE-ID":
            ev.recurrence_id = moment(value, params, ctx, notes).key()
            ev.this_and_future = params.get("RANGE", "").upper() == "THISANDFUTURE"
    if start is None:
        raise RecordError("no DTSTART")
    ev.rdate = ",".join(rdates) or None
    ev.exdate = ",".join(exdates) or None
    _set_times(ev, start, end, duration)
    ev.rrule = "\n".join(_checked_rules(ev, rrules)) or None
    return ev


def _checked_rules(ev: ParsedEvent, bodies: list[str]) -> list[str]:
    """RRULEs with UNTIL in the form DTSTART needs (RFC 5545 §3.3.10); unusable ones are
    dropped with a warning, so the event stays as a single occurrence."""
    from app.services.calendar_expand import check_rule, local_bounds

    if not bodies:
        return []
    start = local_bounds(ev)[0]
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
    kept = []
    for raw in bodies:
        body = until_like_start(raw, start)
        try:
            check_rule(body, dtstart)
        except ValueError as exc:
            ev.warnings.append(f"recurrence dropped: {exc}")
            continue
        kept.append(body)
    return kept


def until_like_start(body: str, start: date | datetime) -> str:
    parts = body.split(";")
    for i, part in enumerate(parts):
        name, _, value = part.partition("=")
        if name.strip().upper() != "UNTIL" or not value:
            continue
        try:
            until = parse_key(value)
        except (ValueError, IndexError):
            return body
        if not isinstance(start, datetime):
            fixed = until.date() if isinstance(until, datetime) else until
        elif not isinstance(until, datetime):  # a date: the end of that day, local time
            local = datetime.combine(until, time(23, 59, 59))
            fixed = local if start.tzinfo is None else local.replace(tzinfo=start.tzinfo)
        elif start.tzinfo is None:
            fixed = until.replace(tzinfo=None)
        else:
            fixed = until if until.tzinfo else until.replace(tzinfo=start.tzinfo)
        parts[i] = f"UNTIL={key_of(fixed)}"
    return ";".join(parts)


def _set_times(ev: ParsedEvent, start: Moment, end: Moment | None, dur: timedelta | None) -> None:
    if start.is_date:
        first = start.value if not isinstance(start.value, datetime) else start.value.date()
        if end is not None:
            last = end.value.date() if isinstance(end.value, datetime) else end.value
        elif dur is not None:
            last = first + timedelta(days=max(1, -(-dur // timedelta(days=1))))
        else:
            last = first + timedelta(days=1)
        if last <= first:
            if last < first:
                ev.warnings.append("end before start: made it a one-day event")
            last = first + timedelta(days=1)
        ev.all_day, ev.start_date, ev.end_date = True, first, last
        return
    assert isinstance(start.value, datetime)
    begin = start.value
    if end is not None and isinstance(end.value, datetime):
        finish = end.value
        if (finish.tzinfo is None) != (begin.tzinfo is None):  # floating mixed with zoned
            finish = finish.replace(tzinfo=begin.tzinfo) if begin.tzinfo else finish.replace(
                tzinfo=None)
    elif end is not None:  # a DATE end on a timed start
        finish = datetime.combine(end.value, begin.time(), begin.tzinfo)
    elif dur is not None:
        finish = begin + dur
    else:
        finish = begin
    if finish < begin:
        ev.warnings.append("end before start: end set to the start")
        finish = begin
    ev.tzid = start.tzid
    ev.floating = begin.tzinfo is None
    if ev.floating:
        ev.start_utc, ev.end_utc = begin.replace(tzinfo=UTC), finish.replace(tzinfo=UTC)
    else:
        ev.start_utc, ev.end_utc = begin.astimezone(UTC), finish.astimezone(UTC)


def as_int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return 0


def from_epoch(seconds: int, kind: str, tz: tzinfo | None) -> date | datetime:
    """Inverse of ``epoch`` for an event of the given kind ("date", "floating", "zoned")."""
    if kind == "date":
        return date.fromordinal(719163 + seconds // 86400)
    if kind == "floating":
        return _EPOCH + timedelta(seconds=seconds)
    return datetime.fromtimestamp(seconds, UTC).astimezone(tz or UTC)
