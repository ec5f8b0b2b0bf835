"""Reminder commands: list upcoming triggers, add a reminder to a task."""

from __future__ import annotations

import argparse
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from app.cli.common import Context, clip, resolve_task_id, short, table
from app.errors import ValidationError

if TYPE_CHECKING:
    from app.services.clock import Clock


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "reminders", help="list upcoming reminders (tasks and events)",
        description="List the reminders that will fire, soonest first. A running Cadence "
                    "(window or tray) delivers them.")
    p.add_argument("--days", type=float, default=7.0, metavar="N",
                   help="how far ahead to look (default 7)")
    p.add_argument("--json", action="store_true",
                   help='print [{"item_id", "title", "occurrence", "trigger"}] with ISO 8601 '
                        "instants")
    p.set_defaults(run=list_reminders)

    p = subparsers.add_parser(
        "remind", help="add a reminder to a task",
        description="Add a reminder to a task: at a time (--at 14:30, --at 2026-12-01T09:00, "
                    '--at "tomorrow 9am") or before its due (--before 15m, 2h, 1d, 0m = at '
                    "the due time). A task can have several.")
    p.add_argument("id", metavar="ID")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", metavar="T")
    when.add_argument("--before", metavar="LEAD")
    p.set_defaults(run=remind)


def iso(instant: datetime, clock: Clock) -> str:
    return instant.astimezone(clock.zone).isoformat(timespec="seconds")


def list_reminders(ctx: Context, args: argparse.Namespace) -> int:
    if not 0 < args.days <= 366:
        raise ValidationError("--days must be between 0 and 366.")
    services = ctx.services
    clock = services.clock
    found = services.reminders.upcoming(days=args.days)
    if args.json:
        ctx.print_json([{"item_id": t.ref_id, "title": t.title,
                         "occurrence": iso(t.occurrence, clock), "trigger": iso(t.at, clock)}
                        for t in found])
        return 0
    if not found:
        ctx.print(f"No reminders in the next {args.days:g} days.")
        return 0
    rows = [(f"{t.at.astimezone(clock.zone):%a %d %b %H:%M}", t.kind, short(t.ref_id),
             clip(t.title, 60) + (" (snoozed)" if t.snoozed else "")) for t in found]
    table(("WHEN", "KIND", "ID", "TITLE"), rows, ctx.out)
    return 0


def parse_instant(text: str, clock: Clock) -> datetime:
    """An aware instant from ISO 8601, HH:MM (the next such time) or a quick-add phrase."""
    raw = text.strip()
    now = clock.now()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=clock.zone)
    try:
        wall = datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        wall = None
    if wall is not None:
        local = datetime.combine(clock.today(), wall, tzinfo=clock.zone)
        return local if local > now else local + timedelta(days=1)
    from app.services.quickadd import parse_quick_add

    phrase = parse_quick_add(f"reminder {raw}", today=clock.today())
    if phrase.errors or phrase.due_date is None or phrase.title.strip() != "reminder":
        raise ValidationError(
            f'Cannot read "{text}" as a time; use 14:30, 2026-12-01T09:00 or "tomorrow 9am".')
    return datetime.combine(phrase.due_date, phrase.due_time or time(9, 0), tzinfo=clock.zone)


def remind(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.reminder_text import describe_rule

    services = ctx.services
    task_id = resolve_task_id(services, args.id)
    rules = services.reminders.rules
    if args.at is not None:
        rule = rules.add(task_id, at=parse_instant(args.at, services.clock))
    else:
        rule = rules.add(task_id, before=args.before)
    title = services.tasks.get(task_id).title
    when = describe_rule(rule.lead, rule.at)
    if rule.at is not None:
        when = f"at {rule.at.astimezone(services.clock.zone):%a %d %b %Y %H:%M}"
    ctx.print(f"Reminder {when}: {title} [{short(task_id)}]")
    return 0
