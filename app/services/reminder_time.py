"""Reminder time arithmetic: leads (signed ISO 8601 durations), VALARM triggers, quiet hours.

Days and weeks in a lead are calendar days on the wall clock of the item's zone (RFC 5545
§3.3.6), so "1 day before 09:00" stays 09:00 across a DST change; hours, minutes and
seconds are exact elapsed time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.errors import ValidationError
from app.models.reminders import ABSOLUTE

_ISO = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
_HUMAN = re.compile(r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Lead:
    """A trigger relative to an occurrence's start (or end); negative = before."""

    days: int = 0
    seconds: int = 0
    related_end: bool = False

    def key(self) -> str:
        """Canonical text: equal leads give equal keys (the dedup key's trigger part)."""
        total = self.days * 86400 + self.seconds
        sign = "-" if total < 0 else ""
        days, secs = abs(self.days), abs(self.seconds)
        out = f"{sign}P"
        if days:
            out += f"{days // 7}W" if days % 7 == 0 and not secs else f"{days}D"
        if secs or not days:
            hours, rest = divmod(secs, 3600)
            minutes, seconds = divmod(rest, 60)
            out += "T"
            out += f"{hours}H" if hours else ""
            out += f"{minutes}M" if minutes else ""
            out += f"{seconds}S" if seconds or not (hours or minutes) else ""
        return ("end:" if self.related_end else "") + out

    @property
    def approx_seconds(self) -> int:
        """Length before the occurrence, for windowing (0 for leads after it)."""
        return max(0, -(self.days * 86400 + self.seconds))


def parse_lead(text: str) -> Lead:
    """Read a lead key or an RFC 5545 duration ("-PT15M", "end:-PT5M", "-P1W")."""
    raw = text.strip().upper()
    related_end = raw.startswith("END:")
    if related_end:
        raw = raw[4:]
    match = _ISO.match(raw)
    if match is None or raw in ("P", "-P", "+P", "PT", "-PT"):
        raise ValidationError(f"Not a reminder offset: {text!r} (expected e.g. -PT15M).")
    num = {k: int(v) if v else 0 for k, v in match.groupdict().items() if k != "sign"}
    sign = -1 if match.group("sign") == "-" else 1
    days = sign * (num["w"] * 7 + num["d"])
    seconds = sign * (num["h"] * 3600 + num["m"] * 60 + num["s"])
    return Lead(days, seconds, related_end)


@functools.lru_cache(maxsize=512)
def cached_lead(text: str) -> Lead:
    """parse_lead for the planner's hot loop (a few distinct leads, read thousands of times)."""
    return parse_lead(text)


def lead_before(text: str) -> Lead:
    """A human offset before the due ("15m", "2h", "1d", "1w", or an ISO duration)."""
    match = _HUMAN.match(text)
    if match is None:
        lead = parse_lead(text)
        if lead.days > 0 or lead.seconds > 0:
            raise ValidationError(f"{text!r} is after the due; use a negative offset.")
        return lead
    amount, unit = int(match.group(1)), match.group(2)[0].lower()
    if amount > 100_000:
        raise ValidationError(f"{text!r} is too far ahead for a reminder.")
    if unit == "m":
        return Lead(0, -amount * 60)
    if unit == "h":
        return Lead(0, -amount * 3600)
    return Lead(-amount * (7 if unit == "w" else 1), 0)


def wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time; a time inside a DST gap moves forward."""
    # fold=0 (PEP 495): inside a spring-forward gap this reads the wall time with the
    # offset before the change, i.e. 02:30 becomes 03:30; in a fall-back overlap, the first.
    return datetime.combine(day, at).replace(tzinfo=zone).astimezone(UTC)


def apply_lead(start: datetime, end: datetime | None, lead: Lead, zone: ZoneInfo) -> datetime:
    """The trigger instant of ``lead`` on an occurrence (UTC in, UTC out)."""
    base = end if lead.related_end and end is not None else start
    if lead.days:
        local = base.astimezone(zone)
        shifted = local.date() + timedelta(days=lead.days)
        base = wall(shifted, local.time().replace(tzinfo=None), zone)
    return (base + timedelta(seconds=lead.seconds)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Alarm:
    """One VALARM: a lead, or a fixed instant."""

    lead: Lead | None = None
    at: datetime | None = None

    @property
    def key(self) -> str:
        return ABSOLUTE if self.lead is None else self.lead.key()


def _unfold(raw: str) -> list[str]:
    lines: list[str] = []
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def _ics_instant(value: str) -> datetime | None:
    try:
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return None


def _alarm_from(trigger: tuple[str, str] | None, action: str) -> Alarm | None:
    if trigger is None or action == "NONE":
        return None
    params, value = trigger
    if "VALUE=DATE-TIME" in params:
        instant = _ics_instant(value.strip())
        return None if instant is None else Alarm(at=instant)
    try:
        lead = parse_lead(value)
    except ValidationError:
        return None
    if "RELATED=END" in params:
        lead = Lead(lead.days, lead.seconds, related_end=True)
    return Alarm(lead=lead)


def extract_alarms(raw_ics: str) -> tuple[Alarm, ...]:
    """The VALARMs of the first VEVENT, by a line scan (no full iCalendar parse).

    Alarms with ``ACTION:NONE`` (RFC 9074) and unreadable triggers are skipped; a
    component without VALARM costs one substring test.
    """
    if "BEGIN:VALARM" not in raw_ics.upper():
        return ()
    alarms: list[Alarm] = []
    in_event = in_alarm = False
    trigger: tuple[str, str] | None = None
    action = ""
    for line in _unfold(raw_ics):
        name, _, value = line.partition(":")
        upper = name.upper()
        if upper == "BEGIN" and value.upper() == "VEVENT":
            in_event = True
        elif upper == "END" and value.upper() == "VEVENT":
            if in_event:
                break
        elif upper == "BEGIN" and value.upper() == "VALARM" and in_event:
            in_alarm, trigger, action = True, None, ""
        elif upper == "END" and value.upper() == "VALARM" and in_alarm:
            in_alarm = False
            alarm = _alarm_from(trigger, action)
            if alarm is not None and alarm not in alarms:
                alarms.append(alarm)
        elif in_alarm and upper.split(";")[0] == "TRIGGER":
            trigger = (upper, value)
        elif in_alarm and upper == "ACTION":
            action = value.strip().upper()
    return tuple(alarms)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Do-not-disturb between two local wall times (may wrap over midnight)."""

    enabled: bool = False
    start: time = time(22, 0)
    end: time = time(7, 0)

    def period_at(self, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The quiet period (UTC start, end) containing ``now``, or None."""
        if not self.enabled or self.start == self.end:
            return None
        today = now.astimezone(zone).date()
        for offset in (-1, 0):
            day = today + timedelta(days=offset)
            begin = wall(day, self.start, zone)
            end_day = day + timedelta(days=1) if self.end <= self.start else day
            finish = wall(end_day, self.end, zone)
            if begin <= now < finish:
                return begin, finish
        return None


def next_morning(now: datetime, morning: time, zone: ZoneInfo) -> datetime:
    """"Tomorrow morning": the next local day's ``morning`` (today's if it is still night)."""
    local = now.astimezone(zone)
    day = local.date() if local.time() < time(4, 0) else local.date() + timedelta(days=1)
    return wall(day, morning, zone)
