"""Event reminders: an occurrence's VALARMs, else its calendar's default lead.

The default lead applies to timed events only; hidden calendars and cancelled events stay
silent.

Occurrences store epoch seconds; floating and all-day ones are wall-clock times read as UTC,
which become real instants in the user's zone here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from app.models.calendar import Calendar, Event, Occurrence
from app.models.reminders import CalendarReminderLead
from app.services.reminder_dto import Trigger
from app.services.reminder_settings import ReminderSettings
from app.services.reminder_text import event_detail
from app.services.reminder_time import Alarm, Lead, apply_lead, cached_lead, extract_alarms, wall

WALL_SLACK = timedelta(hours=14)  # widest UTC offset: floating times vs real instants
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_HAS_ALARM = func.instr(Event.raw_ics, "BEGIN:VALARM") > 0
_OCCURRENCES = (
    select(Occurrence.start, Occurrence.end, Occurrence.all_day, Occurrence.floating,
           Event.id, Event.uid, Event.summary, Event.location, Event.tzid,
           Event.content_hash, case((_HAS_ALARM, Event.raw_ics), else_=None),
           Event.updated_at, Calendar.tz, CalendarReminderLead.lead,
           CalendarReminderLead.calendar_id)
    .join(Event, Event.id == Occurrence.event_id)
    .join(Calendar, Calendar.id == Event.calendar_id)
    .outerjoin(CalendarReminderLead, CalendarReminderLead.calendar_id == Calendar.id)
    .where(Event.deleted_at.is_(None), Event.status != "cancelled",
           Calendar.deleted_at.is_(None), Calendar.visible.is_(True))
)
# Far ahead only occurrences whose event has a VALARM matter (a long "-P1W" alarm).
OCCURRENCES_BETWEEN = _OCCURRENCES.where(
    Occurrence.floating.in_((False, True)),  # both halves of the (floating, start) index
    Occurrence.start.between(bindparam("s_lo"), bindparam("s_hi")),
    or_(Occurrence.start <= bindparam("plain_hi"), _HAS_ALARM))
OCCURRENCES_OF = _OCCURRENCES.where(
    Event.id.in_(bindparam("ids", expanding=True)),
    Occurrence.start.between(bindparam("s_lo"), bindparam("s_hi")))
MAX_CALENDAR_LEAD = select(func.max(CalendarReminderLead.lead_seconds))


def _epoch(instant: datetime) -> int:
    return int((instant - _EPOCH).total_seconds())


def _instant(seconds: int, wall_clock: bool, zone: ZoneInfo) -> datetime:
    naive = _EPOCH + timedelta(seconds=seconds)
    if not wall_clock:
        return naive
    return wall(naive.date(), naive.time(), zone)


def _zone_or(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


class EventSource:
    """Reads occurrences and turns them into triggers; caches parsed VALARMs by content."""

    # Occurrences this far beyond the default-lead range are read too, for long VALARMs
    # ("-P1W"): only those whose raw text has a VALARM.
    lookahead = timedelta(days=8)

    def __init__(self) -> None:
        self._alarms: dict[str, tuple[str, tuple[Alarm, ...]]] = {}

    def max_lead(self, s: Session, settings: ReminderSettings) -> timedelta:
        longest = s.scalar(MAX_CALENDAR_LEAD) or 0
        if settings.event_lead is not None:
            longest = max(longest, cached_lead(settings.event_lead).approx_seconds)
        return timedelta(seconds=int(longest))

    def window(
        self, s: Session, settings: ReminderSettings, lo: datetime, hi: datetime,
        occ_lo: datetime, occ_hi: datetime, zone: ZoneInfo, today: date,
    ) -> list[Trigger]:
        """Triggers in [lo, hi] of occurrences starting in [occ_lo, occ_hi + lookahead]."""
        params = {"s_lo": _epoch(occ_lo - WALL_SLACK),
                  "s_hi": _epoch(occ_hi + self.lookahead + WALL_SLACK),
                  "plain_hi": _epoch(occ_hi + WALL_SLACK)}
        return self._triggers(s.execute(OCCURRENCES_BETWEEN, params), settings, lo, hi, zone,
                              today)

    def for_events(
        self, s: Session, settings: ReminderSettings, lo: datetime, hi: datetime,
        event_ids: Iterable[str], occ_hi: datetime, zone: ZoneInfo, today: date,
    ) -> list[Trigger]:
        params = {"ids": list(event_ids), "s_lo": _epoch(lo - timedelta(days=1) - WALL_SLACK),
                  "s_hi": _epoch(occ_hi + self.lookahead + WALL_SLACK)}
        return self._triggers(s.execute(OCCURRENCES_OF, params), settings, lo, hi, zone, today)

    def _alarms_of(self, event_id: str, content_hash: str, raw: str | None) -> tuple[Alarm, ...]:
        if raw is None:
            return ()
        cached = self._alarms.get(event_id)
        if cached is not None and cached[0] == content_hash and content_hash:
            return cached[1]
        alarms = extract_alarms(raw)
        self._alarms[event_id] = (content_hash, alarms)
        return alarms

    def _triggers(
        self, rows: Iterable[Any], settings: ReminderSettings, lo: datetime, hi: datetime,
        zone: ZoneInfo, today: date,
    ) -> list[Trigger]:
        default = None if settings.event_lead is None else cached_lead(settings.event_lead)
        out: list[Trigger] = []
        for row in rows:
            (start_s, end_s, all_day, floating, event_id, uid, summary, location, tzid,
             content_hash, raw, edited, cal_tz, cal_lead, cal_has_lead) = tuple(row)
            alarms = self._alarms_of(event_id, content_hash, raw)
            if alarms:
                planned = alarms
            elif all_day:
                continue
            else:
                lead: Lead | None = default if cal_has_lead is None else (
                    cached_lead(cal_lead) if cal_lead else None)
                if lead is None:
                    continue
                planned = (Alarm(lead=lead),)
            wall_clock = bool(all_day or floating)
            start = _instant(start_s, wall_clock, zone)
            end = _instant(end_s, wall_clock, zone)
            item_zone = _zone_or(tzid or cal_tz, zone)
            for alarm in planned:
                at = alarm.at if alarm.lead is None else apply_lead(start, end, alarm.lead,
                                                                    item_zone)
                assert at is not None
                if lo <= at <= hi and at >= edited:
                    detail = event_detail(start, all_day=bool(all_day),
                                          location=location or "", zone=zone, today=today)
                    out.append(Trigger("event", uid, start, alarm.key, at,
                                       summary or "(no title)", event_id, detail))
        return out
