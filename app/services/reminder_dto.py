"""Plain records of the reminder feature: planned triggers, reminder rows, deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Key = tuple[str, str, datetime, str]  # (target kind, target id, occurrence, trigger)
Target = tuple[str, str]  # (kind, ref id): the row a trigger is planned from


@dataclass(frozen=True, slots=True)
class Trigger:
    """One planned reminder: when it fires and what it is about."""

    kind: str  # "task" | "event"
    target_id: str  # task id or event UID
    occurrence: datetime  # the due / event start this reminder belongs to (UTC)
    trigger: str  # lead key or ABSOLUTE
    at: datetime  # when it fires (UTC); for a snoozed reminder, its snooze end
    title: str
    ref_id: str  # the row to open: task id or event row id
    detail: str = ""  # one line: project, location, ...
    snoozed: bool = False

    @property
    def key(self) -> Key:
        return (self.kind, self.target_id, self.occurrence, self.trigger)

    @property
    def target(self) -> Target:
        return (self.kind, self.ref_id)


@dataclass(frozen=True, slots=True)
class ReminderDTO:
    """A reminder row as the notification centre shows it."""

    id: int
    kind: str
    target_id: str
    ref_id: str
    title: str
    detail: str
    occurrence: datetime
    trigger: str
    trigger_at: datetime
    state: str
    snoozed_until: datetime | None
    fired_at: datetime | None
    missed: bool
    seen: bool

    @property
    def is_task(self) -> bool:
        return self.kind == "task"

    @property
    def active(self) -> bool:
        return self.state in ("fired", "snoozed")


@dataclass(frozen=True, slots=True)
class RuleDTO:
    id: str
    task_id: str
    lead: str | None
    at: datetime | None

    def describe(self) -> str:
        from app.services.reminder_text import describe_rule

        return describe_rule(self.lead, self.at)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one wake-up of the scheduler has to show.

    ``individual``: one notification each. ``grouped``: several late ones, shown as one
    "You missed N reminders" summary. ``held``: delivered after quiet hours, as one
    summary. ``overflow``: on-time ones beyond the first few at one instant, as one summary.
    ``missed``: older than the grace window, only listed in the centre.
    """

    individual: list[ReminderDTO] = field(default_factory=list)
    grouped: list[ReminderDTO] = field(default_factory=list)
    held: list[ReminderDTO] = field(default_factory=list)
    overflow: list[ReminderDTO] = field(default_factory=list)
    missed: list[ReminderDTO] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.all()

    def all(self) -> list[ReminderDTO]:
        return [*self.individual, *self.grouped, *self.held, *self.overflow, *self.missed]
