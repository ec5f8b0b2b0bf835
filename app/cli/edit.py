"""The edit command: change any field of one task in one undoable step."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from app.cli.common import Context, resolve_task_id, short
from app.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from app.services.clock import Clock
    from app.services.facade import Services

_ISO_START = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_NONE = "none"


def _minutes(text: str) -> int | None:
    if text.lower() == _NONE:
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "edit", help="change fields of a task",
        description="Change fields of a task. Use 'none' to clear --due, --project, "
                    "--recurrence, --estimate or --parent.")
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="T")
    p.add_argument("--notes", metavar="N")
    p.add_argument("--due", metavar="DATE|DATETIME|none",
                   help="2026-12-01, 2026-12-01T09:00, or words such as 'tomorrow 9am'")
    p.add_argument("--tz", metavar="ZONE", help="IANA zone of a timed due (default: local)")
    p.add_argument("--priority", type=int, metavar="1-4")
    p.add_argument("--project", metavar="NAME|none")
    p.add_argument("--tags", metavar="a,b", help="replace the tags ('' for none)")
    p.add_argument("--status", metavar="S", help="todo, in_progress, done or cancelled")
    p.add_argument("--estimate", type=_minutes, metavar="MIN", default=argparse.SUPPRESS)
    p.add_argument("--recurrence", metavar="RRULE|none",
                   help="an RRULE such as FREQ=WEEKLY;BYDAY=MO, or 'every month'")
    p.add_argument("--parent", metavar="ID|none")
    p.set_defaults(run=edit)


def edit(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.tasks import TaskFields

    services = ctx.services
    task_id = resolve_task_id(services, args.id)
    given = _fields(services, args)
    if not given:
        raise ValidationError("Nothing to change; give at least one option such as --title.")
    task = services.tasks.update(task_id, TaskFields(**given))
    ctx.print(f"Updated {short(task.id)} {task.title}")
    return 0


def _fields(services: Services, args: argparse.Namespace) -> dict[str, Any]:  # noqa: PLR0912
    given: dict[str, Any] = {}
    if args.title is not None:
        given["title"] = args.title
    if args.notes is not None:
        given["notes"] = args.notes
    if args.priority is not None:
        given["priority"] = args.priority
    if "estimate" in args:
        given["estimate_minutes"] = args.estimate
    if args.status is not None:
        given["status"] = args.status.strip().lower().replace("-", "_")
    if args.tags is not None:
        given["tags"] = tuple(t.strip().lstrip("@") for t in args.tags.split(",") if t.strip())
    if args.project is not None:
        given["project_id"] = _project_id(services, args.project)
    if args.parent is not None:
        is_none = args.parent.lower() == _NONE
        given["parent_id"] = None if is_none else resolve_task_id(services, args.parent)
    if args.due is not None:
        day, wall, zone = parse_due(args.due, services.clock, args.tz)
        given.update(due_date=day, due_time=wall)
        if zone is not None:
            given["due_tz"] = zone
    elif args.tz is not None:
        from app.services import validate

        validate.zone(args.tz)
        given["due_tz"] = args.tz
    if args.recurrence is not None:
        given.update(_recurrence(services.clock, args.recurrence))
    return given


def _project_id(services: Services, name: str) -> str | None:
    if name.strip().lower() == _NONE:
        return None
    found = services.projects.by_name(name.lstrip("#"))
    if found is None:
        raise NotFoundError(f'Unknown project "{name}".')
    return found.id


def parse_due(
    text: str, clock: Clock, tz: str | None
) -> tuple[date | None, time | None, str | None]:
    """(date, wall time or None, zone or None) from ISO text or quick-add words."""
    from app.services import validate
    from app.services.quickadd import parse_quick_add

    value = text.strip()
    if value.lower() in (_NONE, ""):
        return None, None, None
    zone = tz or clock.zone_key()
    if _ISO_START.match(value):
        try:
            if len(value) <= 10:
                return date.fromisoformat(value), None, None
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f'No such date: "{value}".') from None
        if moment.tzinfo is not None:  # an instant: keep it, shown in the task's zone
            moment = moment.astimezone(validate.zone(zone))
        return moment.date(), moment.time().replace(tzinfo=None), zone
    now = clock.local_now()
    parsed = parse_quick_add(value, today=now.date(), now_time=now.time())
    if parsed.errors:
        raise ValidationError(parsed.errors[0])
    if parsed.title or parsed.due_date is None or parsed.recurrence:
        raise ValidationError(
            f'Cannot read the due date "{value}"; use 2026-12-01, 2026-12-01T09:00 '
            "or words such as 'tomorrow 9am'.")
    return parsed.due_date, parsed.due_time, zone if parsed.due_time else None


def _recurrence(clock: Clock, text: str) -> dict[str, Any]:
    value = text.strip()
    if value.lower() == _NONE:
        return {"recurrence": None}
    if value.lower().startswith("every"):
        from app.services.quickadd import parse_quick_add

        parsed = parse_quick_add(value, today=clock.today())
        if parsed.errors:
            raise ValidationError(parsed.errors[0])
        if parsed.recurrence is None or parsed.title:
            raise ValidationError(f'Cannot read the repeat rule "{value}".')
        return {"recurrence": parsed.recurrence,
                "recur_from_completion": parsed.recurrence_from_completion}
    return {"recurrence": value, "recur_from_completion": False}
