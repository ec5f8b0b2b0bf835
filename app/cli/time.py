"""Time commands: timer start/stop/status, log (list, add, export, import) and report."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import Context, clip, resolve_task_id, short, table
from app.errors import ConflictError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from app.services.pomodoro import PomodoroConfig
    from app.services.time_dto import TimeEntryDTO
    from app.services.time_tracking import TimeTracking

_ID_CHARS = set("0123456789abcdef")
# timesheet.REPORT_KEYS, spelled out so that building the parser imports no services
# (a test checks that the two agree).
REPORT_KEYS = ("project", "tag", "task", "day")


def register(subparsers: Any) -> None:
    timer = subparsers.add_parser("timer", help="start, stop or show the running timer")
    tsub = timer.add_subparsers(dest="timer_command", metavar="ACTION", required=True)
    p = tsub.add_parser("start", help="start timing a task (stops the running timer first)",
                        description="Start a timer on a task id, or on a new task made from "
                                    'quick-add TEXT (e.g. cadence timer start "Call Bob #Work").')
    p.add_argument("task", nargs="+", metavar="ID|TEXT")
    p.add_argument("--create-project", action="store_true",
                   help="create the #project of a new task if it does not exist yet")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(run=timer_start)
    p = tsub.add_parser("stop", help="stop the running timer")
    p.add_argument("--json", action="store_true", help="print the finished entry as JSON")
    p.set_defaults(run=timer_stop)
    p = tsub.add_parser("status", help="show the running timer")
    p.add_argument("--json", action="store_true",
                   help='print {"running", "task_id", "start", "elapsed"} as JSON')
    p.set_defaults(run=timer_status)

    p = tsub.add_parser("settings", help="show or change idle and Pomodoro settings",
                        description="Without options, shows the settings.")
    p.add_argument("--idle-minutes", type=int, metavar="N",
                   help="ask about idle time after N minutes (0: never)")
    p.add_argument("--pomodoro", metavar="W/S/L[xN]",
                   help="focus/short break/long break minutes and sessions, e.g. 25/5/15x4")
    p.add_argument("--email", help="the Email column of CSV exports")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=timer_settings)

    log = subparsers.add_parser("log", help="list, add, export or import time entries",
                                description="List time entries of a range of days (default: "
                                            "today), or add/export/import them.")
    _range_options(log)
    log.add_argument("--json", action="store_true", help="print a JSON array")
    log.set_defaults(run=log_list)
    lsub = log.add_subparsers(dest="log_command", metavar="ACTION")
    p = lsub.add_parser("add", help="add a finished entry to a task",
                        description="Times are ISO 8601 with an offset, or local "
                                    "(2026-11-28T09:30).")
    p.add_argument("task", metavar="ID")
    p.add_argument("--start", required=True, metavar="T")
    p.add_argument("--end", required=True, metavar="T")
    p.add_argument("--note", default="")
    p.add_argument("--billable", action="store_true")
    p.add_argument("--trim", action="store_true",
                   help="cut overlapped parts off other entries instead of refusing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=log_add)
    p = lsub.add_parser("export", help="write entries as Toggl-compatible CSV")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    _range_options(p)
    p.add_argument("--email", default=None, help="the Email column (default: from settings)")
    p.set_defaults(run=log_export)
    p = lsub.add_parser("import", help="import a Toggl-compatible CSV file")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--skip-bad", action="store_true",
                   help="import the good rows even if some rows are bad")
    p.set_defaults(run=log_import)

    rep = subparsers.add_parser("report", help="tracked time per project, tag, task or day",
                                description="Totals over local days FROM..TO (default: this "
                                            "week), largest first (days in order).")
    _range_options(rep)
    rep.add_argument("--by", choices=REPORT_KEYS, default="project")
    rep.add_argument("--json", action="store_true",
                     help='print a JSON list of {"key": name, "seconds": n}')
    rep.set_defaults(run=report)


def _range_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first", metavar="D", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", metavar="D", help="last day, YYYY-MM-DD")


def _range(ctx: Context, args: argparse.Namespace, *, week: bool) -> tuple[date, date]:
    from app.services.time_rules import parse_day

    today = ctx.services.clock.today()
    default_first = today - timedelta(days=today.weekday()) if week else today
    first = parse_day(args.first) if args.first else default_first
    if args.last:
        last = parse_day(args.last)
    else:
        last = first + timedelta(days=6) if week and not args.first else max(first, today)
    if last < first:
        raise ValidationError(f"--to {last} is before --from {first}.")
    return first, last


def _time(ctx: Context) -> TimeTracking:
    from app.services.time_tracking import TimeTracking

    return TimeTracking.of(ctx.services)


def _task_from(ctx: Context, words: list[str], create_project: bool) -> str:
    """A task id (prefix), or quick-add text for a new task.

    A hex word of 8 or more characters is always an id; a shorter one ("cafe") is a title
    unless a task id starts with it.
    """
    from app.services.capture import UnknownProjectError, capture

    text = " ".join(words).strip()
    if len(words) == 1 and 4 <= len(text) <= 32 and set(text.lower()) <= _ID_CHARS:
        try:
            return resolve_task_id(ctx.services, text)
        except NotFoundError:
            deleted = _deleted_title(ctx, text.lower())
            if deleted is not None:
                raise ValidationError(
                    f"The task “{deleted}” was deleted; restore it first.") from None
            if len(text) >= 8:
                raise
    try:
        return capture(ctx.services, text, create_project=create_project).id
    except UnknownProjectError as exc:
        raise ValidationError(f"{exc}; use --create-project to create it") from exc


def _deleted_title(ctx: Context, prefix: str) -> str | None:
    from sqlalchemy import select

    from app.models import Task
    from app.services.uow import read

    with read(ctx.services.store) as session:
        return session.scalar(select(Task.title).where(
            Task.id >= prefix, Task.id < prefix + "g", Task.deleted_at.is_not(None)).limit(1))


def timer_start(ctx: Context, args: argparse.Namespace) -> int:
    task_id = _task_from(ctx, args.task, args.create_project)
    status = _time(ctx).timer.start(task_id)
    if args.json:
        ctx.print_json(status.as_json())
    elif status.entry is not None:
        ctx.print(f"Timing “{status.entry.task_title}” since "
                  f"{status.entry.local_start(ctx.services.clock.zone):%H:%M:%S} "
                  f"({short(task_id)}).")
    return 0


def timer_stop(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.time_rules import fmt_duration

    entry = _time(ctx).timer.stop()
    if args.json:
        ctx.print_json(None if entry is None else entry_json(entry, ctx))
    elif entry is None:
        ctx.print("No timer was running.")
    else:
        ctx.print(f"Stopped “{entry.task_title}” after "
                  f"{fmt_duration(entry.seconds(ctx.services.clock.now()))}.")
    return 0


def timer_status(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.time_rules import fmt_duration

    status = _time(ctx).timer.status()
    if args.json:
        ctx.print_json(status.as_json())
    elif status.entry is None:
        ctx.print("No timer is running.")
    else:
        ctx.print(f"{status.entry.task_title}  {fmt_duration(status.elapsed)}  "
                  f"(since {status.entry.local_start(ctx.services.clock.zone):%Y-%m-%d %H:%M:%S})")
    return 0


def entry_json(e: TimeEntryDTO, ctx: Context) -> dict[str, Any]:
    return {
        "id": e.id, "task_id": e.task_id, "task": e.task_title, "project": e.project,
        "start": e.start.isoformat(), "end": None if e.end is None else e.end.isoformat(),
        "tz": e.tz, "seconds": e.seconds(ctx.services.clock.now()), "note": e.note,
        "source": e.source, "billable": e.billable,
    }


def log_list(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.time_rules import fmt_duration

    first, last = _range(ctx, args, week=False)
    entries = _time(ctx).sheet.entries(first, last)
    if args.json:
        ctx.print_json([entry_json(e, ctx) for e in entries])
        return 0
    zone, now = ctx.services.clock.zone, ctx.services.clock.now()
    rows = []
    for e in entries:
        start = e.local_start(zone)
        end = e.local_end(zone)
        rows.append([
            short(e.id), f"{start:%Y-%m-%d}", f"{start:%H:%M}",
            "running" if end is None else f"{end:%H:%M}", fmt_duration(e.seconds(now)),
            clip(e.task_title, 40), clip(e.project or "", 20), clip(e.note, 30),
        ])
    table(["ID", "DATE", "START", "END", "TIME", "TASK", "PROJECT", "NOTE"], rows, ctx.out)
    total = sum(e.seconds(now) for e in entries)
    ctx.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, {fmt_duration(total)}")
    return 0


def log_add(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.time_rules import parse_instant

    zone = ctx.services.clock.zone
    task_id = resolve_task_id(ctx.services, args.task)
    start, end = parse_instant(args.start, zone), parse_instant(args.end, zone)
    try:
        entry = _time(ctx).entries.add(task_id, start, end, note=args.note,
                                       billable=args.billable, trim=args.trim)
    except ConflictError as exc:
        raise ConflictError(f"{exc} Add --trim to cut the overlapped part off.") from exc
    if args.json:
        ctx.print_json(entry_json(entry, ctx))
    else:
        ctx.print(entry.id)
    return 0


def log_export(ctx: Context, args: argparse.Namespace) -> int:
    from app.services import time_settings

    time = _time(ctx)
    today = ctx.services.clock.today()
    first, last = _range(ctx, args, week=False) if args.first or args.last else (
        min(time.sheet.first_day() or today, today), today)
    email = args.email if args.email is not None else time_settings.load(ctx.services.store).email
    count = time.csv.export_file(args.file, first, last, email=email)
    ctx.print(f"Wrote {count} entr{'y' if count == 1 else 'ies'} to {args.file}.")
    return 0


def log_import(ctx: Context, args: argparse.Namespace) -> int:
    csv = _time(ctx).csv
    plan = csv.read_file(args.file)
    for message in plan.errors:
        sys.stderr.write(f"{args.file}: {message}\n")
    if plan.errors and not args.skip_bad:
        raise ValidationError(
            f"{len(plan.errors)} bad row(s); nothing was imported. Fix them, or use "
            f"--skip-bad to import the {len(plan.rows)} good row(s)."
        )
    count = csv.apply(plan)
    ctx.print(f"Imported {count} entr{'y' if count == 1 else 'ies'}"
              + (f", skipped {len(plan.errors)} bad row(s)." if plan.errors else "."))
    return 0


def report(ctx: Context, args: argparse.Namespace) -> int:
    from app.services.time_rules import fmt_duration

    first, last = _range(ctx, args, week=True)
    rows = _time(ctx).sheet.report(first, last, args.by)
    if args.json:
        ctx.print_json([{"key": r.key, "seconds": r.seconds} for r in rows])
        return 0
    table([args.by.upper(), "TIME"], [[clip(r.key, 50), fmt_duration(r.seconds)] for r in rows],
          ctx.out)
    if args.by != "tag":  # an entry counts under each of its tags: no meaningful sum
        ctx.print(f"Total {fmt_duration(sum(r.seconds for r in rows))} ({first} to {last})")
    return 0


def _pomodoro(text: str) -> PomodoroConfig:
    from app.services.pomodoro import PomodoroConfig

    body, _, cycles = text.lower().partition("x")
    parts = body.split("/")
    try:
        if len(parts) != 3:
            raise ValueError(text)
        work, short_break, long_break = (int(p) for p in parts)
        count = int(cycles) if cycles else 4
    except ValueError as exc:
        raise ValidationError(f"--pomodoro wants FOCUS/SHORT/LONG[xSESSIONS] minutes, e.g. "
                              f"25/5/15x4, not {text!r}.") from exc
    return PomodoroConfig(work, short_break, long_break, count).checked()


def timer_settings(ctx: Context, args: argparse.Namespace) -> int:
    from app.services import time_settings

    store = ctx.services.store
    current = time_settings.load(store)
    changes: dict[str, Any] = {}
    if args.idle_minutes is not None:
        changes["idle_minutes"] = args.idle_minutes
    if args.pomodoro is not None:
        changes["pomodoro"] = _pomodoro(args.pomodoro)
    if args.email is not None:
        changes["email"] = args.email.strip()
    if changes:
        current = time_settings.save(store, replace(current, **changes), ctx.services.clock)
    p = current.pomodoro
    if args.json:
        ctx.print_json({"idle_minutes": current.idle_minutes, "email": current.email,
                        "pomodoro": {"work": p.work_minutes, "short_break": p.short_break_minutes,
                                     "long_break": p.long_break_minutes, "cycles": p.cycles}})
    else:
        idle = f"after {current.idle_minutes} min" if current.idle_minutes else "off"
        ctx.print(f"Idle question: {idle}\nPomodoro: {p.work_minutes}/{p.short_break_minutes}/"
                  f"{p.long_break_minutes} min, long break after {p.cycles} sessions\n"
                  f"E-mail for CSV: {current.email or '(none)'}")
    return 0
