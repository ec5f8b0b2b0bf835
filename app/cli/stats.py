"""``cadence stats``: the dashboard's figures for a range of days, as text or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Context, clip, table
from app.errors import NotFoundError, ValidationError
from app.services.analytics_text import duration_text, kpis, number_text
from app.services.analytics_types import PRESETS, Figures, StatsQuery, preset_range


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "stats", help="completed tasks, tracked time, estimates and meetings over a range",
        description="The dashboard's figures for local days FROM..TO (default: this week).")
    p.add_argument("--from", dest="first", metavar="D", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="last", metavar="D", help="last day, YYYY-MM-DD")
    p.add_argument("--range", choices=PRESETS, default=None,
                   help="a named range instead of --from/--to")
    p.add_argument("--project", action="append", default=[], metavar="NAME",
                   help="only this project (and its subprojects); repeatable")
    p.add_argument("--tag", action="append", default=[], metavar="NAME",
                   help="only tasks with this tag; repeatable")
    p.add_argument("--top", type=int, default=8, metavar="N",
                   help="projects, tags and tasks listed before 'Other' (default 8)")
    p.add_argument("--json", action="store_true",
                   help="print every figure as JSON (durations in seconds)")
    p.set_defaults(run=stats)


def _query(ctx: Context, args: argparse.Namespace) -> StatsQuery:
    from app.services.time_rules import parse_day  # SQLAlchemy: not at parser build

    services = ctx.services
    today = services.clock.today()
    if args.range and (args.first or args.last):
        raise ValidationError("Give either --range or --from/--to, not both.")
    first, last = preset_range(args.range or "week", today)
    if args.first:
        first = parse_day(args.first)
    if args.last:
        last = parse_day(args.last)
    elif args.first:
        last = max(first, today)
    projects = []
    for name in args.project:
        found = services.projects.by_name(name.lstrip("#"))
        if found is None:
            raise NotFoundError(f"No project called {name!r}.")
        projects.append(found.id)
    tags = {t.name.lower(): t.id for t in services.tags.list()}
    tag_ids = []
    for name in args.tag:
        key = name.lstrip("@").lower()
        if key not in tags:
            raise NotFoundError(f"No tag called {name!r}.")
        tag_ids.append(tags[key])
    return StatsQuery(first, last, tuple(projects), tuple(tag_ids), args.top)


def stats(ctx: Context, args: argparse.Namespace) -> int:
    # numpy loads here, not for every cadence command.
    from app.services.analytics import AnalyticsService
    from app.services.analytics_export import to_json

    query = _query(ctx, args)
    services = ctx.services
    figures = AnalyticsService(services.store, services.clock).figures(query)
    if args.json:
        ctx.print_json(to_json(figures))
        return 0
    _print(ctx, figures)
    return 0


def _print(ctx: Context, f: Figures) -> None:
    ctx.print(f"{f.query.first} to {f.query.last} ({f.zone})")
    ctx.print()
    for caption, value, detail in kpis(f):
        ctx.print(f"{caption:<10} {value:<11} {detail}".rstrip())
    ctx.print()
    ctx.print(f.review)
    ctx.print()
    weeks = [[w.week, str(w.count) + ("*" if w.partial else ""),
              "" if w.rolling_average is None else number_text(w.rolling_average)]
             for w in f.weeks]
    table(["WEEK", "DONE", "4-WEEK AVG"], weeks, ctx.out)
    for title, shares in (("PROJECT", f.by_project), ("TAG", f.by_tag), ("TASK", f.by_task)):
        if shares:
            ctx.print()
            table([title, "TIME"], [[clip(s.label, 50), duration_text(s.seconds)]
                                    for s in shares], ctx.out)
    ctx.print()
    ctx.print(f"Focus {duration_text(f.focus_total)}, meetings {duration_text(f.meeting_total)}")
    if f.estimates:
        ctx.print()
        rows = [[clip(e.title, 40), duration_text(e.estimate_seconds) if e.estimate_seconds
                 else "-", duration_text(e.actual_seconds)] for e in f.estimates]
        table(["TASK", "ESTIMATE", "ACTUAL"], rows, ctx.out)
    if any(w.partial for w in f.weeks):
        ctx.print()
        ctx.print("* only part of the week lies in the range")
    for note in f.footnotes:
        ctx.print(f"Note: {note}")
