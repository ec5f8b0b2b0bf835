"""Calendar commands: agenda, calendars, subscribe, refresh; ICS import and export formats."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.cli.common import Context, clip, resolve_task_ids, table
from app.cli.transfer import Exporter, Importer, register_exporter, register_importer
from app.errors import ValidationError
from app.services.calendar_dto import ImportSummary, OccurrenceDTO, RefreshResult
from app.services.calendar_zones import zone


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("agenda", help="list calendar events in a date range",
                              description="List event occurrences from --from to --to "
                                          "(inclusive; default: the next 7 days).")
    p.add_argument("--from", dest="first", metavar="DATE", help="YYYY-MM-DD or today")
    p.add_argument("--to", dest="last", metavar="DATE", help="YYYY-MM-DD (inclusive)")
    p.add_argument("--tz", metavar="ZONE", help="display time zone (default: the system's)")
    p.add_argument("--calendar", metavar="NAME", help="only this calendar")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(run=agenda)

    p = subparsers.add_parser("calendars", help="list calendars and subscriptions")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(run=calendars)

    p = subparsers.add_parser("subscribe", help="subscribe to an ICS feed (https, webcal)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--name", required=True, metavar="NAME", help="name of the new calendar")
    p.set_defaults(run=subscribe)

    p = subparsers.add_parser("refresh", help="refresh subscribed calendars now")
    p.add_argument("names", nargs="*", metavar="NAME", help="only these (default: all)")
    p.set_defaults(run=refresh)


def parse_day(text: str | None, today: date, default: date) -> date:
    if text is None:
        return default
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f'"{text}" is not a date; use YYYY-MM-DD or "today".') from None


def _iso(value: datetime | date, tz: ZoneInfo) -> str:
    if not isinstance(value, datetime):
        return value.isoformat()
    local = value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return local.isoformat()


def occurrence_json(o: OccurrenceDTO, display: ZoneInfo) -> dict[str, Any]:
    own = zone(o.tz) if o.tz and not o.floating and not o.all_day else display
    return {
        "event_id": o.event_id, "uid": o.uid, "recurrence_id": o.instance,
        "calendar": o.calendar, "title": o.title, "start": _iso(o.start, own),
        "end": _iso(o.end, own), "all_day": o.all_day,
        "tz": None if o.all_day or o.floating else (o.tz or "UTC"),
        "floating": o.floating, "location": o.location, "status": o.status,
        "task_id": o.task_id,
    }


def agenda(ctx: Context, args: argparse.Namespace) -> int:
    services = ctx.services
    tz_name = args.tz or services.clock.zone_key()
    try:
        display = zone(tz_name)
    except (KeyError, ValueError):
        raise ValidationError(f"Unknown time zone {tz_name!r}.") from None
    except Exception:  # noqa: BLE001 - zoneinfo raises ZoneInfoNotFoundError subclasses
        raise ValidationError(f"Unknown time zone {tz_name!r}.") from None
    today = services.clock.local_now().astimezone(display).date()
    first = parse_day(args.first, today, today)
    last = parse_day(args.last, today, first + timedelta(days=6))
    if last < first:
        raise ValidationError("--to is before --from.")
    found = services.calendar.query.agenda(first, last, tz=tz_name)
    if args.calendar:
        wanted = services.calendar.calendars.by_name(args.calendar).id
        found = [o for o in found if o.calendar_id == wanted]
    if args.json:  # compact: a month can hold thousands of occurrences
        rows_json = [occurrence_json(o, display) for o in found]
        ctx.out.write(json.dumps(rows_json, ensure_ascii=False) + "\n")
        return 0
    rows = []
    for o in found:
        start, end = o.local_start(display), o.local_end(display)
        when = "all day" if o.all_day else f"{start:%H:%M}-{end:%H:%M}"
        rows.append((f"{start:%a %Y-%m-%d}", when, clip(o.title, 60), o.calendar))
    if rows:
        table(("DATE", "TIME", "TITLE", "CALENDAR"), rows, ctx.out)
    else:
        ctx.print(f"No events from {first} to {last}.")
    return 0


def calendars(ctx: Context, args: argparse.Namespace) -> int:
    found = ctx.services.calendar.calendars.list(with_counts=True)
    if args.json:
        ctx.print_json([{
            "id": c.id, "name": c.name, "color": c.color, "tz": c.tz, "visible": c.visible,
            "read_only": c.read_only, "events": c.event_count, "source_url": c.source_url,
            "refresh_minutes": c.refresh_minutes,
            "last_fetched": c.last_fetched.isoformat() if c.last_fetched else None,
            "last_error": c.last_error,
        } for c in found])
        return 0
    rows = [(c.name, str(c.event_count), "subscription" if c.is_subscription else "local",
             c.last_error or ("hidden" if not c.visible else "")) for c in found]
    table(("NAME", "EVENTS", "KIND", "STATUS"), rows, ctx.out)
    return 0


def _refresh_line(result: RefreshResult) -> str:
    if result.error:
        return f"{result.name}: {result.error}"
    if result.summary is not None:
        return result.summary.line()
    return f"{result.name}: unchanged"


def subscribe(ctx: Context, args: argparse.Namespace) -> int:
    result = ctx.services.calendar.subscriptions.subscribe(args.url, args.name)
    ctx.print(_refresh_line(result))
    return 1 if result.status == "error" else 0


def refresh(ctx: Context, args: argparse.Namespace) -> int:
    subs = ctx.services.calendar.subscriptions
    chosen = subs.subscribed()
    if args.names:
        wanted = {n.lower() for n in args.names}
        chosen = [c for c in chosen if c.name.lower() in wanted]
        if len(chosen) != len(wanted):
            raise ValidationError("No subscribed calendar named "
                                  + ", ".join(sorted(wanted - {c.name.lower() for c in chosen})))
    failed = 0
    for cal in chosen:
        result = subs.refresh(cal.id)
        failed += result.status == "error"
        ctx.print(_refresh_line(result))
    return 1 if failed else 0


# -- the ICS format for `cadence import` and `cadence export` -------------------------------

def _is_ics(path: Path, head: bytes) -> bool:
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].upper()
    return path.suffix.lower() in (".ics", ".ical", ".ifb", ".vcs") or sample.startswith(
        (b"BEGIN:VCALENDAR", b"BEGIN:VEVENT", b"BEGIN:VTODO"))


def _import_ics(ctx: Context, path: Path, args: argparse.Namespace) -> str:
    summary: ImportSummary = ctx.services.calendar.ics.import_file(
        path, calendar=getattr(args, "calendar", None))
    return summary.line()


def _calendar_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calendar", metavar="NAME",
                        help="ICS: the calendar to import into / export (default for import: "
                             "the file's calendar name)")


def _export_options(parser: argparse.ArgumentParser) -> None:
    _calendar_option(parser)
    parser.add_argument("--tasks", metavar="FILTER",
                        help='ICS: export tasks matching FILTER as VTODOs instead of a calendar '
                             '("" = every open task; "is:done" etc. as in `cadence list`)')
    parser.add_argument("--task", action="append", default=[], metavar="ID",
                        help="ICS: export this task as a VTODO (repeatable)")
    parser.add_argument("--from", dest="first", metavar="DATE",
                        help="ICS: only series with an event on or after DATE")
    parser.add_argument("--to", dest="last", metavar="DATE",
                        help="ICS: only series with an event on or before DATE")


def _selected_task_ids(ctx: Context, args: argparse.Namespace) -> list[str]:
    from app.services.filter_query import FilterError
    from app.services.task_json import listing_clause

    ids = resolve_task_ids(ctx.services, args.task)
    if args.tasks is not None:
        try:
            where, order = listing_clause(args.tasks, ctx.services.clock, include_closed=False)
        except FilterError as exc:
            raise ValidationError(str(exc)) from None
        ids += [t.id for t in ctx.services.tasks.reader.select(where, order)
                if t.id not in ids]
    return ids


def _export_ics(ctx: Context, path: Path | None, args: argparse.Namespace) -> str | None:
    services = ctx.services
    if args.task or args.tasks is not None:
        ids = _selected_task_ids(ctx, args)
        text, what = services.calendar.export.tasks_text(ids), f"{len(ids)} tasks"
    elif getattr(args, "calendar", None):
        cal = services.calendar.calendars.by_name(args.calendar)
        today = services.clock.today()
        first = parse_day(args.first, today, today) if args.first else None
        last = parse_day(args.last, today, today) if args.last else None
        text, count = services.calendar.export.calendar_text(cal.id, first=first, last=last)
        what = f"{count} events from {cal.name}"
    else:
        raise ValidationError("Exporting ICS needs --calendar NAME, --tasks FILTER or --task ID.")
    if path is None:
        ctx.out.write(text)
        return None
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return f"Exported {what} to {path}."


register_importer(Importer("iCalendar (.ics)", _is_ics, _import_ics, _calendar_option))
register_exporter(Exporter("ics", _export_ics, _export_options))
