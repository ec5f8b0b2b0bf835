"""Reminder and e-mail settings (quiet hours, grace window, default leads, SMTP) as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, time
from typing import Any

from app.errors import ValidationError
from app.models import Setting
from app.models.base import from_utc_text, to_utc_text
from app.models.db import Store
from app.services.reminder_time import QuietHours, parse_lead
from app.services.uow import read

KEY = "reminders"
CHECKED_KEY = "reminders.checked_until"  # heartbeat: reminders up to here were handled
DIGEST_KEY = "reminders.digest_sent"  # local date of the last agenda digest sent


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where e-mails go; the password lives in the OS keyring, never here."""

    host: str = ""
    port: int = 587
    starttls: bool = True
    user: str = ""
    sender: str = ""
    recipient: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.recipient)


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    quiet: QuietHours = field(default_factory=QuietHours)
    grace_hours: float = 12.0
    task_lead: str | None = "PT0S"  # default for tasks with a due time and no rules
    all_day_lead: str | None = None  # default for date-only tasks, relative to all_day_time
    all_day_time: time = time(9, 0)
    event_lead: str | None = "-PT10M"  # for timed events of calendars without their own lead
    morning: time = time(9, 0)  # "tomorrow morning" snooze
    digest_enabled: bool = False
    digest_time: time = time(7, 0)
    email_missed: bool = False
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    def validated(self) -> ReminderSettings:
        if not 0 <= self.grace_hours <= 168:
            raise ValidationError("The catch-up window must be between 0 and 168 hours.")
        for lead in (self.task_lead, self.all_day_lead, self.event_lead):
            if lead is not None:
                parse_lead(lead)
        if self.smtp.host and not 0 < self.smtp.port < 65536:
            raise ValidationError(f"SMTP port {self.smtp.port} is not a valid port number.")
        return self

    def to_json(self) -> str:
        data = asdict(self)
        data["quiet"] = {
            "enabled": self.quiet.enabled,
            "start": self.quiet.start.strftime("%H:%M"),
            "end": self.quiet.end.strftime("%H:%M"),
        }
        for name in ("all_day_time", "morning", "digest_time"):
            data[name] = getattr(self, name).strftime("%H:%M")
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> ReminderSettings:
        """Settings from stored JSON; unknown or damaged values fall back to defaults."""
        base = cls()
        if not text:
            return base
        try:
            data: dict[str, Any] = dict(json.loads(text))
        except (ValueError, TypeError):
            return base
        quiet = data.pop("quiet", {}) or {}
        smtp = data.pop("smtp", {}) or {}
        out = base
        try:
            out = replace(
                base,
                quiet=QuietHours(bool(quiet.get("enabled", False)),
                                 parse_hhmm(quiet.get("start", "22:00")),
                                 parse_hhmm(quiet.get("end", "07:00"))),
                smtp=SmtpSettings(**{k: v for k, v in smtp.items()
                                     if k in SmtpSettings.__dataclass_fields__}),
            )
            for name in ("all_day_time", "morning", "digest_time"):
                if name in data:
                    data[name] = parse_hhmm(data[name])
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            out = replace(out, **known).validated()
        except (ValidationError, TypeError, ValueError):
            return base
        return out


def parse_hhmm(text: str) -> time:
    try:
        return datetime.strptime(str(text).strip(), "%H:%M").time()
    except ValueError as exc:
        raise ValidationError(f"Not a time of day: {text!r} (use HH:MM).") from exc


def load_value(store: Store, key: str) -> str | None:
    with read(store) as session:
        row = session.get(Setting, key)
        return None if row is None else row.value


def save_value(store: Store, key: str, value: str) -> None:
    """Bookkeeping settings bypass the change log: they are not user edits to undo."""
    from sqlalchemy.dialects.sqlite import insert

    stmt = insert(Setting).values(key=key, value=value)
    stmt = stmt.on_conflict_do_update(index_elements=[Setting.key], set_={"value": value})
    with read(store) as session:
        session.execute(stmt)
        session.commit()


def load_instant(store: Store, key: str) -> datetime | None:
    raw = load_value(store, key)
    try:
        return None if raw is None else from_utc_text(json.loads(raw))
    except (ValueError, TypeError):
        return None


def save_instant(store: Store, key: str, value: datetime) -> None:
    save_value(store, key, json.dumps(to_utc_text(value)))
