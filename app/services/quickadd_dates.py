"""Date, time and recurrence phrase matchers used by the quick-add parser."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UNITS: dict[str, str] = {
    "day": "DAILY", "days": "DAILY", "week": "WEEKLY", "weeks": "WEEKLY",
    "month": "MONTHLY", "months": "MONTHLY", "year": "YEARLY", "years": "YEARLY",
}  # fmt: skip
_ONE = {"a": 1, "an": 1, "one": 1}
_NUMBER = re.compile(r"\d{1,3}")
_DAY = re.compile(r"(\d{1,2})(st|nd|rd|th)?")
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)")
_YEAR = re.compile(r"\d{4}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CLOCK_12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)")
_CLOCK_24 = re.compile(r"(\d{1,2}):(\d{2})")
_CLOCK_BARE = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?")
_MERIDIEM = ("am", "pm")
_LAST_MONTH_DAY = 31
_HALF_DAY = 12
_LAST_HOUR = 23
_LAST_MINUTE = 59


@dataclass(frozen=True)
class Token:
    """One whitespace-delimited word, or a double-quoted literal, of the input."""

    text: str  # as typed; for a literal, without the quote characters
    start: int
    end: int
    literal: bool = False
    quote_end: int = 0  # for a literal: end of the closing quote


@dataclass(frozen=True)
class Rule:
    """A recurrence rule, kept in parts so the first occurrence can be computed."""

    freq: str  # DAILY, WEEKLY, MONTHLY or YEARLY
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month: int | None = None
    month_day: int | None = None
    from_completion: bool = False

    def rrule(self) -> str:
        """RRULE body without the "RRULE:" prefix."""
        parts = [f"FREQ={self.freq}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.month is not None:
            parts.append(f"BYMONTH={self.month}")
        if self.month_day is not None:
            parts.append(f"BYMONTHDAY={self.month_day}")
        if self.weekdays:
            parts.append("BYDAY=" + ",".join(RRULE_DAYS[d] for d in self.weekdays))
        return ";".join(parts)


Value = date | time | Rule | str | int


@dataclass(frozen=True)
class Hit:
    """A phrase recognised at a token position: its size in tokens, and a value or an error."""

    size: int
    value: Value | None = None
    error: str | None = None


@dataclass(frozen=True)
class Ctx:
    """What every matcher needs: the original text, its tokens and the reference day."""

    text: str
    toks: tuple[Token, ...]
    today: date

    def low(self, k: int) -> str | None:
        """Lower-cased token k, or None past the end or for a quoted literal."""
        if k >= len(self.toks) or self.toks[k].literal:
            return None
        return self.toks[k].text.lower()

    def phrase(self, i: int, size: int) -> str:
        """The original text of tokens i..i+size-1."""
        return self.text[self.toks[i].start : self.toks[i + size - 1].end]


Matcher = Callable[[Ctx, int], Hit | None]


def add_months(day: date, months: int) -> date:
    """Shift by whole months, clamping the day to the end of a shorter month."""
    year, month0 = divmod(day.month - 1 + months, 12)
    last = calendar.monthrange(day.year + year, month0 + 1)[1]
    return date(day.year + year, month0 + 1, min(day.day, last))


def shift(day: date, count: int, freq: str) -> date:
    """Move `count` units of a DAILY/WEEKLY/MONTHLY/YEARLY frequency forward."""
    if freq == "DAILY":
        return day + timedelta(days=count)
    if freq == "WEEKLY":
        return day + timedelta(weeks=count)
    return add_months(day, count * (12 if freq == "YEARLY" else 1))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month_day(start: date, month: int, day: int) -> date | None:
    """The first `month`/`day` on or after start (None if that day never exists)."""
    for year in range(start.year, start.year + 9):
        found = _safe_date(year, month, day)
        if found is not None and found >= start:
            return found
    return None


def first_occurrence(rule: Rule, start: date) -> date:
    """The first day on or after start that the rule can fall on."""
    if rule.weekdays:
        ahead = min((day - start.weekday()) % 7 for day in rule.weekdays)
        return start + timedelta(days=ahead)
    if rule.month is not None and rule.month_day is not None:
        return _next_month_day(start, rule.month, rule.month_day) or start
    if rule.month_day is not None:
        for n in range(13):
            first = add_months(start.replace(day=1), n)
            found = _safe_date(first.year, first.month, rule.month_day)
            if found is not None and found >= start:
                return found
    return start


def next_start(rule: Rule, today: date) -> date:
    """The occurrence after today, for a series whose first occurrence today has passed."""
    if rule.weekdays or rule.month_day is not None:
        return first_occurrence(rule, today + timedelta(days=1))
    return shift(today, rule.interval, rule.freq)


# ----------------------------------------------------------------------------- dates


def _no_such_date(ctx: Ctx, i: int, size: int) -> Hit:
    return Hit(size, error=f'No such date: "{ctx.phrase(i, size)}"')


def _parse_day(word: str | None) -> int | None:
    match = _DAY.fullmatch(word or "")
    day = int(match.group(1)) if match else 0
    return day if 1 <= day <= _LAST_MONTH_DAY else None


def month_day(ctx: Ctx, i: int) -> tuple[int, int] | None:
    """Match the two tokens "jan 5" / "5th jan" at i: (month, day).

    A comma after the second token ("jan 5,") is only accepted when a year follows.
    """
    first, second = ctx.low(i), ctx.low(i + 1)
    if first is None or second is None:
        return None
    bare = second.removesuffix(",")
    if first in MONTHS and (day := _parse_day(bare)) is not None:
        month = MONTHS[first]
    elif bare in MONTHS and (day := _parse_day(first)) is not None:
        month = MONTHS[bare]
    else:
        return None
    if bare != second and not _YEAR.fullmatch(ctx.low(i + 2) or ""):
        return None
    return month, day


def _match_month_day(ctx: Ctx, i: int) -> Hit | None:
    found = month_day(ctx, i)
    if found is None:
        return None
    month, day = found
    year_word = ctx.low(i + 2)
    if year_word is not None and _YEAR.fullmatch(year_word):
        exact = _safe_date(int(year_word), month, day)
        return Hit(3, exact) if exact else _no_such_date(ctx, i, 3)
    upcoming = _next_month_day(ctx.today, month, day)
    return Hit(2, upcoming) if upcoming else _no_such_date(ctx, i, 2)


def _match_iso(ctx: Ctx, i: int) -> Hit | None:
    match = _ISO.fullmatch(ctx.low(i) or "")
    if match is None:
        return None
    found = _safe_date(*(int(g) for g in match.groups()))
    return Hit(1, found) if found else _no_such_date(ctx, i, 1)


def _match_keyword(ctx: Ctx, i: int) -> Hit | None:
    word = ctx.low(i)
    if word in ("today", "tod"):
        return Hit(1, ctx.today)
    if word in ("tomorrow", "tmr"):
        return Hit(1, ctx.today + timedelta(days=1))
    if word in WEEKDAYS:
        ahead = (WEEKDAYS[word] - ctx.today.weekday() - 1) % 7 + 1
        return Hit(1, ctx.today + timedelta(days=ahead))
    return None


def _match_next(ctx: Ctx, i: int) -> Hit | None:
    """ "next <weekday>" is that day in the next Monday-start calendar week."""
    word = ctx.low(i + 1)
    if ctx.low(i) != "next" or word is None:
        return None
    today = ctx.today
    next_monday = today + timedelta(days=7 - today.weekday())
    if word in WEEKDAYS:
        return Hit(2, next_monday + timedelta(days=WEEKDAYS[word]))
    if word == "week":
        return Hit(2, next_monday)
    if word == "month":
        return Hit(2, add_months(today.replace(day=1), 1))
    if word == "year":
        return Hit(2, date(today.year + 1, 1, 1))
    return None


def _match_in(ctx: Ctx, i: int) -> Hit | None:
    count, unit = ctx.low(i + 1), ctx.low(i + 2)
    if ctx.low(i) != "in" or count is None or unit not in UNITS:
        return None
    amount = _ONE.get(count) or (int(count) if _NUMBER.fullmatch(count) else None)
    if amount is None:
        return None
    return Hit(3, shift(ctx.today, amount, UNITS[unit]))


_DATE_MATCHERS: tuple[Matcher, ...] = (
    _match_keyword, _match_next, _match_in, _match_iso, _match_month_day,
)  # fmt: skip


def match_date(ctx: Ctx, i: int) -> Hit | None:
    """A due date: today, tomorrow, fri, next monday, in 3 days, jan 5 [2027], 2026-12-01.

    May follow "on" ("on friday") or "starting" ("every week starting dec 10").
    """
    skip = 1 if ctx.low(i) in ("on", "starting") else 0
    for matcher in _DATE_MATCHERS:
        hit = matcher(ctx, i + skip)
        if hit is not None:
            return Hit(hit.size + skip, hit.value, hit.error)
    return None


# ----------------------------------------------------------------------------- times


def _to_time(hour: int, minute: str | None, meridiem: str | None) -> time | None:
    """A wall time from clock parts (12-hour when meridiem is given), None if impossible."""
    if meridiem is not None:
        if not 1 <= hour <= _HALF_DAY:
            return None
        hour = hour % _HALF_DAY + (_HALF_DAY if meridiem == "pm" else 0)
    minutes = int(minute or 0)
    if hour <= _LAST_HOUR and minutes <= _LAST_MINUTE:
        return time(hour, minutes)
    return None


def _clock(ctx: Ctx, i: int, size: int, value: time | None) -> Hit:
    if value is None:
        return Hit(size, error=f'No such time: "{ctx.phrase(i, size)}"')
    return Hit(size, value)


def _match_clock(ctx: Ctx, i: int, after_at: bool) -> Hit | None:
    word = ctx.low(i) or ""
    if word in ("noon", "midnight"):
        return Hit(1, time(12 if word == "noon" else 0))
    if match := _CLOCK_12.fullmatch(word):
        return _clock(ctx, i, 1, _to_time(int(match[1]), match[2], match[3]))
    bare = _CLOCK_BARE.fullmatch(word)
    if bare and ctx.low(i + 1) in _MERIDIEM:
        return _clock(ctx, i, 2, _to_time(int(bare[1]), bare[2], ctx.low(i + 1)))
    if match := _CLOCK_24.fullmatch(word):
        return _clock(ctx, i, 1, _to_time(int(match[1]), match[2], None))
    if after_at and bare and (bare[2] is not None or int(bare[1]) <= _LAST_HOUR):
        return _clock(ctx, i, 1, _to_time(int(bare[1]), bare[2], None))
    return None


def match_time(ctx: Ctx, i: int) -> Hit | None:
    """A time: 9am, 9:30am, 9.30pm, 9 pm, 21:00, at 9, at 21:15, noon, midnight."""
    if ctx.low(i) == "at":
        hit = _match_clock(ctx, i + 1, after_at=True)
        return Hit(hit.size + 1, hit.value, hit.error) if hit else None
    return _match_clock(ctx, i, after_at=False)


# ----------------------------------------------------------------------------- recurrence

_KEYWORD_RULES: dict[str, Rule] = {
    "daily": Rule("DAILY"), "weekly": Rule("WEEKLY"), "monthly": Rule("MONTHLY"),
    "yearly": Rule("YEARLY"), "annually": Rule("YEARLY"),
}  # fmt: skip
_DAY_SETS: dict[str, tuple[int, ...]] = {
    "weekday": (0, 1, 2, 3, 4), "workday": (0, 1, 2, 3, 4), "weekend": (5, 6),
}  # fmt: skip


def weekday_list(ctx: Ctx, i: int) -> tuple[tuple[int, ...], int] | None:
    """Match "mon", "mon, fri", "mon,wed", "tue and thu": (sorted weekdays, size)."""
    days: set[int] = set()
    k = i
    while (word := ctx.low(k)) is not None:
        names = [name for name in word.split(",") if name]
        if not names or any(name not in WEEKDAYS for name in names):
            break
        days.update(WEEKDAYS[name] for name in names)
        k += 1
        if word.endswith(","):
            continue
        if ctx.low(k) == "and" and ctx.low(k + 1) in WEEKDAYS:
            k += 1
            continue
        break
    return (tuple(sorted(days)), k - i) if days else None


def _month_day_of(ctx: Ctx, i: int, ordinal_only: bool) -> Hit | None:
    """ "15th" (or "15" where ordinal_only is False) as a BYMONTHDAY rule."""
    pattern = _ORDINAL if ordinal_only else _DAY
    match = pattern.fullmatch(ctx.low(i) or "")
    if match is None:
        return None
    day = int(match[1])
    if not 1 <= day <= _LAST_MONTH_DAY:
        return Hit(1, error=f'No such day of the month: "{ctx.phrase(i, 1)}"')
    return Hit(1, Rule("MONTHLY", month_day=day))


def _on_clause(ctx: Ctx, i: int, rule: Rule) -> tuple[Rule, int, str | None]:
    """Optional "on mon, fri" (weekly) or "on the 15th" (monthly) after a unit."""
    if ctx.low(i) != "on":
        return rule, 0, None
    if rule.freq == "WEEKLY" and (days := weekday_list(ctx, i + 1)):
        return Rule(rule.freq, rule.interval, weekdays=days[0]), days[1] + 1, None
    if rule.freq == "MONTHLY":
        skip = 2 if ctx.low(i + 1) == "the" else 1
        hit = _month_day_of(ctx, i + skip, ordinal_only=False)
        if hit is not None:
            day = hit.value.month_day if isinstance(hit.value, Rule) else None
            return Rule(rule.freq, rule.interval, month_day=day), skip + 1, hit.error
    return rule, 0, None


def _unit_rule(ctx: Ctx, i: int, interval: int, size: int) -> Hit | None:
    """ "<unit> [on ...]" after a count of `size` tokens (0 when the count is implied)."""
    unit = ctx.low(i + size)
    if unit not in UNITS:
        return None
    if interval == 0:
        phrase = ctx.phrase(i, size + 1)
        return Hit(size + 1, error=f'Repeat interval must be at least 1: "{phrase}"')
    rule, extra, error = _on_clause(ctx, i + size + 1, Rule(UNITS[unit], interval))
    return Hit(size + 1 + extra, None if error else rule, error)


def _every_weekly(ctx: Ctx, i: int) -> Hit | None:
    """ "every weekday", "every other tue", "every 2 weeks", "every mon, fri"."""
    word = ctx.low(i)
    if word is None:
        return None
    if word in _DAY_SETS:
        return Hit(1, Rule("WEEKLY", weekdays=_DAY_SETS[word]))
    if word == "other":
        days = weekday_list(ctx, i + 1)
        if days is not None:
            return Hit(days[1] + 1, Rule("WEEKLY", 2, weekdays=days[0]))
        return _unit_rule(ctx, i, 2, 1)
    if _NUMBER.fullmatch(word) and (hit := _unit_rule(ctx, i, int(word), 1)):
        return hit
    days = weekday_list(ctx, i)
    return Hit(days[1], Rule("WEEKLY", weekdays=days[0])) if days else None


def _every_dated(ctx: Ctx, i: int) -> Hit | None:
    """ "every jan 5" (yearly), "every 15th" (monthly), "every day/week/month/year"."""
    if (found := month_day(ctx, i)) is not None:
        month, day = found
        if _safe_date(2000, month, day) is None:  # 2000 is a leap year
            return _no_such_date(ctx, i, 2)
        return Hit(2, Rule("YEARLY", month=month, month_day=day))
    return _month_day_of(ctx, i, ordinal_only=True) or _unit_rule(ctx, i, 1, 0)


def _after_body(ctx: Ctx, i: int) -> Hit | None:
    count = ctx.low(i) or ""
    amount = _ONE.get(count) or (int(count) if _NUMBER.fullmatch(count) else None)
    return None if amount is None else _unit_rule(ctx, i, amount, 1)


def match_recurrence(ctx: Ctx, i: int) -> Hit | None:
    """every day/weekday/2 weeks/other tue/mon, fri/15th/jan 5, daily..., every! and after."""
    word = ctx.low(i)
    if word in _KEYWORD_RULES:
        return Hit(1, _KEYWORD_RULES[word])
    if word not in ("every", "every!", "after"):
        return None
    if word == "after":
        hit = _after_body(ctx, i + 1)
    else:
        hit = _every_weekly(ctx, i + 1) or _every_dated(ctx, i + 1)
    if hit is None:
        return None
    value = hit.value
    if isinstance(value, Rule) and word != "every":
        value = replace(value, from_completion=True)
    return Hit(hit.size + 1, value, hit.error)
