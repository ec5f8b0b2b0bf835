"""Todoist-style natural-language quick add: one line of text into task fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TypeVar

from app.services.quickadd_dates import (
    Ctx,
    Hit,
    Matcher,
    Rule,
    Token,
    Value,
    first_occurrence,
    match_date,
    match_recurrence,
    match_time,
    next_start,
)

__all__ = ["ParsedTask", "Span", "parse_quick_add"]

_T = TypeVar("_T")
_PROJECT = re.compile(r"#([^\W\d][\w-]*)")
_TAG = re.compile(r"@([^\W\d][\w-]*)")
_PRIORITY = re.compile(r"[p!]([1-4])")
_ESTIMATE = re.compile(r"~(?:(\d{1,3}(?:\.\d{1,2})?)h)?(?:(\d{1,4})(?:m|mins?)?)?")
_LABELS = {
    "date": "due date", "time": "time", "project": "project", "priority": "priority",
    "recurrence": "recurrence", "estimate": "estimate",
}  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A recognised part of the input, for highlighting while typing."""

    start: int  # index into the original text
    end: int  # exclusive
    kind: str  # date, time, project, tag, priority, recurrence, estimate or quoted


@dataclass(frozen=True)
class ParsedTask:
    """Everything recognised in one quick-add line."""

    title: str
    project: str | None
    tags: tuple[str, ...]
    priority: int | None
    due_date: date | None
    due_time: time | None
    recurrence: str | None
    recurrence_from_completion: bool
    estimate_minutes: int | None
    spans: tuple[Span, ...]
    errors: tuple[str, ...]


def _tokenize(text: str) -> tuple[Token, ...]:
    """Split on whitespace; a word opening with '"' is literal up to the closing quote."""
    toks: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        if text[i] == '"':
            close = text.find('"', i + 1)
            quote_end = n if close < 0 else close + 1
            inner = text[i + 1 : quote_end - 1 if close >= 0 else n]
            i = quote_end
            while i < n and not text[i].isspace():
                i += 1
            toks.append(Token(inner + text[quote_end:i], start, i, True, quote_end))
        else:
            while i < n and not text[i].isspace():
                i += 1
            toks.append(Token(text[start:i], start, i))
    return tuple(toks)


def _match_project(ctx: Ctx, i: int) -> Hit | None:
    match = _PROJECT.fullmatch(ctx.toks[i].text)
    return Hit(1, match[1]) if match else None


def _match_tag(ctx: Ctx, i: int) -> Hit | None:
    match = _TAG.fullmatch(ctx.toks[i].text)
    return Hit(1, match[1]) if match else None


def _match_priority(ctx: Ctx, i: int) -> Hit | None:
    match = _PRIORITY.fullmatch(ctx.toks[i].text.lower())
    return Hit(1, int(match[1])) if match else None


def _match_estimate(ctx: Ctx, i: int) -> Hit | None:
    """ "~15m", "~1h", "~1h30m", "~1.5h", "~90" (a bare number is minutes)."""
    match = _ESTIMATE.fullmatch(ctx.toks[i].text.lower())
    if match is None or match[1] is None and match[2] is None:
        return None
    minutes = round(float(match[1] or 0) * 60) + int(match[2] or 0)
    if minutes <= 0:
        return Hit(1, error=f'Estimate must be more than zero: "{ctx.phrase(i, 1)}"')
    return Hit(1, minutes)


_MATCHERS: tuple[tuple[str, Matcher], ...] = (
    ("recurrence", match_recurrence),
    ("date", match_date),
    ("time", match_time),
    ("project", _match_project),
    ("tag", _match_tag),
    ("priority", _match_priority),
    ("estimate", _match_estimate),
)


def _first_hit(ctx: Ctx, i: int) -> tuple[str, Hit] | None:
    for kind, matcher in _MATCHERS:
        hit = matcher(ctx, i)
        if hit is not None:
            return kind, hit
    return None


def _get(found: dict[str, Value], kind: str, kind_type: type[_T]) -> _T | None:
    value = found.get(kind)
    return value if isinstance(value, kind_type) else None


class _Draft:
    """Mutable collector while walking the tokens."""

    def __init__(self) -> None:
        self.found: dict[str, Value] = {}
        self.tags: list[str] = []
        self.title: list[str] = []
        self.spans: list[Span] = []
        self.errors: list[str] = []

    def record(self, kind: str, value: Value | None, phrase: str) -> str | None:
        """Store a recognised value; return a problem instead if it cannot be applied."""
        if kind == "tag" and isinstance(value, str):
            if value.casefold() not in {tag.casefold() for tag in self.tags}:
                self.tags.append(value)
            return None
        if kind in self.found:
            return f'More than one {_LABELS[kind]}: ignored "{phrase}"'
        if value is not None:
            self.found[kind] = value
        return None


def _walk(ctx: Ctx) -> _Draft:
    draft = _Draft()
    i = 0
    while i < len(ctx.toks):
        tok = ctx.toks[i]
        hit = None if tok.literal else _first_hit(ctx, i)
        if hit is None:
            if tok.literal:
                draft.spans.append(Span(tok.start, tok.quote_end, "quoted"))
            draft.title.append(tok.text)
            i += 1
            continue
        kind, found = hit
        last = ctx.toks[i + found.size - 1]
        phrase = ctx.text[tok.start : last.end]
        problem = found.error or draft.record(kind, found.value, phrase)
        if problem:
            draft.errors.append(problem)
            draft.title.extend(t.text for t in ctx.toks[i : i + found.size])
        else:
            draft.spans.append(Span(tok.start, last.end, kind))
        i += found.size
    return draft


def _resolve_due(
    found: dict[str, Value], today: date, now_time: time | None
) -> tuple[date | None, time | None]:
    """Fill in the due date implied by a lone time or a recurrence."""
    due_date, due_time = _get(found, "date", date), _get(found, "time", time)
    rule = _get(found, "recurrence", Rule)
    passed = due_time is not None and now_time is not None and due_time <= now_time
    if due_date is None and rule is not None:
        due_date = first_occurrence(rule, today)
        if passed and due_date == today:
            due_date = next_start(rule, today)
    elif due_date is None and due_time is not None:
        due_date = today + timedelta(days=1) if passed else today
    return due_date, due_time


def parse_quick_add(text: str, *, today: date, now_time: time | None = None) -> ParsedTask:
    """Parse a quick-add line (keywords are case-insensitive, whole words only).

    - Dates: today/tod, tomorrow/tmr, a weekday (the next one, today excluded), "next <weekday>"
      (that day in the next Monday-start calendar week), next week (its Monday), next month
      (its 1st), next year, "in N days/weeks/months/years", "jan 5", "5th jan", "jan 5 2027",
      "2026-12-01"; optionally after "on" or "starting". A month-day without a year is the
      next such day on or after today.
    - Times: 9am, 9:30am, 9.30pm, "9 pm", 21:00, "at 9", "at 9.30", noon, midnight. A time
      without a date is today if still ahead of now_time (or now_time is None), else tomorrow.
    - Recurrence: daily/weekly/monthly/yearly/annually; "every" + day/week/month/year,
      "N <units>", "other <unit or weekday>", weekday/workday/weekend, weekday lists
      ("mon, fri", "tue and thu"), "15th", "jan 5"; "on mon"/"on the 15th" after a unit.
      "every!" and "after N <units>" count from completion. Without a date the due date is
      the first occurrence on or after today, moved to the next one if its time has passed.
    - #project, @tag (start with a letter), p1-p4 / !1-!4, ~15m / ~1h30m / ~1.5h / ~90.
    - "double quoted" text is literal; an unclosed quote runs to the end of the line.
    Impossible values go to errors and stay in the title; for a repeated single-valued field
    the first one wins and the later one stays in the title with an error.
    """
    ctx = Ctx(text, _tokenize(text), today)
    draft = _walk(ctx)
    due_date, due_time = _resolve_due(draft.found, today, now_time)
    rule = _get(draft.found, "recurrence", Rule)
    return ParsedTask(
        title=" ".join(" ".join(draft.title).split()),
        project=_get(draft.found, "project", str),
        tags=tuple(draft.tags),
        priority=_get(draft.found, "priority", int),
        due_date=due_date,
        due_time=due_time,
        recurrence=rule.rrule() if rule else None,
        recurrence_from_completion=rule.from_completion if rule else False,
        estimate_minutes=_get(draft.found, "estimate", int),
        spans=tuple(sorted(draft.spans, key=lambda span: span.start)),
        errors=tuple(draft.errors),
    )
