"""Words for reminders: notification title/body/actions, rule descriptions, snooze choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.services.reminder_dto import ReminderDTO
from app.services.reminder_time import parse_lead

# Snooze choices: action key -> (menu label, minutes; None = tomorrow morning)
SNOOZES: dict[str, tuple[str, int | None]] = {
    "snooze-5": ("Snooze 5 min", 5),
    "snooze-10": ("Snooze 10 min", 10),
    "snooze-30": ("Snooze 30 min", 30),
    "snooze-60": ("Snooze 1 hour", 60),
    "snooze-tomorrow": ("Tomorrow morning", None),
}
OPEN, DONE, TIMER, DISMISS = "default", "done", "timer", "dismiss"
ACTION_LABELS = {OPEN: "Open", DONE: "Done", TIMER: "Start timer", DISMISS: "Dismiss",
                 **{k: v[0] for k, v in SNOOZES.items()}}


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to show: ``reminder_ids`` are what its actions act on."""

    title: str
    body: str
    actions: tuple[str, ...]  # action keys, most important first; "default" = click
    reminder_ids: tuple[int, ...]
    missed: bool = False

    def labelled_actions(self) -> list[tuple[str, str]]:
        return [(key, ACTION_LABELS[key]) for key in self.actions]


def actions_for(reminder: ReminderDTO) -> tuple[str, ...]:
    snoozes = ("snooze-10", "snooze-5", "snooze-30", "snooze-60", "snooze-tomorrow")
    if reminder.is_task:
        return (OPEN, DONE, TIMER, *snoozes)
    return (OPEN, *snoozes)


def notice_for(reminder: ReminderDTO) -> Notice:
    title = f"Missed: {reminder.title}" if reminder.missed else reminder.title
    return Notice(title, reminder.detail, actions_for(reminder), (reminder.id,),
                  reminder.missed)


def summary_notice(reminders: list[ReminderDTO], reason: str) -> Notice:
    """One notification for several reminders ("missed", "quiet" or "many")."""
    n = len(reminders)
    head = {
        "missed": f"You missed {n} reminders",
        "quiet": f"{n} reminders during quiet hours",
        "many": f"{n} more reminders",
    }[reason]
    shown = [f"• {r.title}" for r in reminders[:5]]
    if n > 5:
        shown.append(f"… and {n - 5} more in the notification centre")
    return Notice(head, "\n".join(shown), (OPEN, "snooze-10", DISMISS),
                  tuple(r.id for r in reminders), reason == "missed")


def when_text(instant: datetime, zone: ZoneInfo, today: date, *, all_day: bool) -> str:
    local = instant.astimezone(zone)
    day = local.date()
    if day == today:
        day_text = "today"
    elif day == today + timedelta(days=1):
        day_text = "tomorrow"
    elif day == today - timedelta(days=1):
        day_text = "yesterday"
    else:
        day_text = local.strftime("%a %d %b").replace(" 0", " ")
    if all_day:
        return day_text
    clock = local.strftime("%H:%M")
    return clock if day_text == "today" else f"{day_text} {clock}"


def task_detail(due: datetime, *, all_day: bool, project: str | None, zone: ZoneInfo,
                today: date) -> str:
    text = f"Due {when_text(due, zone, today, all_day=all_day)}"
    return f"{text} · {project}" if project else text


def event_detail(start: datetime, *, all_day: bool, location: str, zone: ZoneInfo,
                 today: date) -> str:
    verb = "Starts" if not all_day else "On"
    text = f"{verb} {when_text(start, zone, today, all_day=all_day)}"
    return f"{text} · {location}" if location.strip() else text


def describe_lead(lead_text: str) -> str:
    """"at due", "15 min before", "1 day before", "5 min before the end"."""
    lead = parse_lead(lead_text)
    total = lead.days * 86400 + lead.seconds
    if total == 0:
        return "at the end" if lead.related_end else "at due"
    mins = abs(total) // 60
    if lead.days and not lead.seconds:
        days = abs(lead.days)
        amount = f"{days // 7} week{'s' * (days // 7 != 1)}" if days % 7 == 0 else \
            f"{days} day{'s' * (days != 1)}"
    elif mins % 60 == 0:
        amount = f"{mins // 60} h"
    else:
        amount = f"{mins} min"
    side = "before" if total < 0 else "after"
    return f"{amount} {side}" + (" the end" if lead.related_end else "")


def describe_rule(lead: str | None, at: datetime | None) -> str:
    if lead is not None:
        return "no reminder" if lead == "none" else describe_lead(lead)
    assert at is not None
    return f"at {at.isoformat(timespec='minutes')}"
