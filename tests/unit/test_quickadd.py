"""Tests for the natural-language quick-add parser."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from dateutil.rrule import rrulestr

from app.services.quickadd import ParsedTask, Span, parse_quick_add

TODAY = date(2026, 11, 28)  # a Saturday
D = date
T = time

DEFAULTS: dict[str, Any] = {
    "project": None,
    "tags": (),
    "priority": None,
    "due_date": None,
    "due_time": None,
    "recurrence": None,
    "recurrence_from_completion": False,
    "estimate_minutes": None,
    "errors": (),
}

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

# (text, expected title, expected fields; every field not named must keep its default)
# fmt: off
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # the reference example
    ("Pay rent tomorrow 9am #Home @bills p1 every month ~15m", "Pay rent", {
        "project": "Home", "tags": ("bills",), "priority": 1, "due_date": D(2026, 11, 29),
        "due_time": T(9), "recurrence": "FREQ=MONTHLY", "estimate_minutes": 15}),
    ("Plain task", "Plain task", {}),
    ("  lots   of   space  ", "lots of space", {}),
    ("", "", {}),
    # keywords
    ("Call mom today", "Call mom", {"due_date": TODAY}),
    ("Call mom tod", "Call mom", {"due_date": TODAY}),
    ("Call mom TODAY", "Call mom", {"due_date": TODAY}),
    ("Call mom tomorrow", "Call mom", {"due_date": D(2026, 11, 29)}),
    ("Call mom tmr", "Call mom", {"due_date": D(2026, 11, 29)}),
    ("Call mom yesterday", "Call mom yesterday", {}),
    # weekdays: the next such day after today, today excluded
    ("Gym monday", "Gym", {"due_date": D(2026, 11, 30)}),
    ("Gym tue", "Gym", {"due_date": D(2026, 12, 1)}),
    ("Gym Wednesday", "Gym", {"due_date": D(2026, 12, 2)}),
    ("Gym thurs", "Gym", {"due_date": D(2026, 12, 3)}),
    ("Gym fri", "Gym", {"due_date": D(2026, 12, 4)}),
    ("Gym saturday", "Gym", {"due_date": D(2026, 12, 5)}),
    ("Gym sun", "Gym", {"due_date": D(2026, 11, 29)}),
    ("Gym on friday", "Gym", {"due_date": D(2026, 12, 4)}),
    # next ...
    ("Plan next monday", "Plan", {"due_date": D(2026, 11, 30)}),
    ("Plan next friday", "Plan", {"due_date": D(2026, 12, 4)}),
    ("Plan next sunday", "Plan", {"due_date": D(2026, 12, 6)}),
    ("Plan next week", "Plan", {"due_date": D(2026, 11, 30)}),
    ("Plan next month", "Plan", {"due_date": D(2026, 12, 1)}),
    ("Plan next year", "Plan", {"due_date": D(2027, 1, 1)}),
    # in N units
    ("Renew in 3 days", "Renew", {"due_date": D(2026, 12, 1)}),
    ("Renew in 2 weeks", "Renew", {"due_date": D(2026, 12, 12)}),
    ("Renew in 1 month", "Renew", {"due_date": D(2026, 12, 28)}),
    ("Renew in a year", "Renew", {"due_date": D(2027, 11, 28)}),
    ("Renew in 0 days", "Renew", {"due_date": TODAY}),
    # month and day
    ("Party jan 5", "Party", {"due_date": D(2027, 1, 5)}),
    ("Party 5 jan", "Party", {"due_date": D(2027, 1, 5)}),
    ("Party january 5th", "Party", {"due_date": D(2027, 1, 5)}),
    ("Party 3rd March", "Party", {"due_date": D(2027, 3, 3)}),
    ("Party jan 5 2027", "Party", {"due_date": D(2027, 1, 5)}),
    ("Party jan 5, 2028", "Party", {"due_date": D(2028, 1, 5)}),
    ("Party dec 25", "Party", {"due_date": D(2026, 12, 25)}),
    ("Party nov 28", "Party", {"due_date": TODAY}),
    ("Party nov 27", "Party", {"due_date": D(2027, 11, 27)}),
    ("Party feb 29", "Party", {"due_date": D(2028, 2, 29)}),
    ("Party Sept 9", "Party", {"due_date": D(2027, 9, 9)}),
    ("Party on dec 24", "Party", {"due_date": D(2026, 12, 24)}),
    ("Ship 2026-12-01", "Ship", {"due_date": D(2026, 12, 1)}),
    ("Ship 2025-01-01", "Ship", {"due_date": D(2025, 1, 1)}),
    # times; a time alone means today (no now_time given)
    ("Standup 9am", "Standup", {"due_date": TODAY, "due_time": T(9)}),
    ("Standup 9:30am", "Standup", {"due_date": TODAY, "due_time": T(9, 30)}),
    ("Standup 9.30pm", "Standup", {"due_date": TODAY, "due_time": T(21, 30)}),
    ("Standup 9 PM", "Standup", {"due_date": TODAY, "due_time": T(21)}),
    ("Standup 21:00", "Standup", {"due_date": TODAY, "due_time": T(21)}),
    ("Standup at 9", "Standup", {"due_date": TODAY, "due_time": T(9)}),
    ("Standup at 21:15", "Standup", {"due_date": TODAY, "due_time": T(21, 15)}),
    ("Standup at 9.45", "Standup", {"due_date": TODAY, "due_time": T(9, 45)}),
    ("Lunch at noon", "Lunch", {"due_date": TODAY, "due_time": T(12)}),
    ("Backup midnight", "Backup", {"due_date": TODAY, "due_time": T(0)}),
    ("Backup 12am", "Backup", {"due_date": TODAY, "due_time": T(0)}),
    ("Lunch 12pm", "Lunch", {"due_date": TODAY, "due_time": T(12)}),
    ("Call tomorrow at 9pm", "Call", {"due_date": D(2026, 11, 29), "due_time": T(21)}),
    ("Call 17:45 fri", "Call", {"due_date": D(2026, 12, 4), "due_time": T(17, 45)}),
    # recurrence
    ("Water plants every day", "Water plants", {"due_date": TODAY, "recurrence": "FREQ=DAILY"}),
    ("Water plants daily", "Water plants", {"due_date": TODAY, "recurrence": "FREQ=DAILY"}),
    ("Vitamins every 3 days", "Vitamins", {
        "due_date": TODAY, "recurrence": "FREQ=DAILY;INTERVAL=3"}),
    ("Commute every weekday", "Commute", {"due_date": D(2026, 11, 30), "recurrence": WEEKDAYS}),
    ("Commute every workday", "Commute", {"due_date": D(2026, 11, 30), "recurrence": WEEKDAYS}),
    ("Hike every weekend", "Hike", {"due_date": TODAY, "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"}),
    ("Review every week", "Review", {"due_date": TODAY, "recurrence": "FREQ=WEEKLY"}),
    ("Review weekly", "Review", {"due_date": TODAY, "recurrence": "FREQ=WEEKLY"}),
    ("Sync every 2 weeks", "Sync", {"due_date": TODAY, "recurrence": "FREQ=WEEKLY;INTERVAL=2"}),
    ("Bins every other tuesday", "Bins", {
        "due_date": D(2026, 12, 1), "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"}),
    ("Clean every other week", "Clean", {
        "due_date": TODAY, "recurrence": "FREQ=WEEKLY;INTERVAL=2"}),
    ("Team every monday", "Team", {
        "due_date": D(2026, 11, 30), "recurrence": "FREQ=WEEKLY;BYDAY=MO"}),
    ("Market every sat", "Market", {"due_date": TODAY, "recurrence": "FREQ=WEEKLY;BYDAY=SA"}),
    ("Gym every mon, fri", "Gym", {
        "due_date": D(2026, 11, 30), "recurrence": "FREQ=WEEKLY;BYDAY=MO,FR"}),
    ("Gym every fri,wed", "Gym", {
        "due_date": D(2026, 12, 2), "recurrence": "FREQ=WEEKLY;BYDAY=WE,FR"}),
    ("Gym every tue and thu", "Gym", {
        "due_date": D(2026, 12, 1), "recurrence": "FREQ=WEEKLY;BYDAY=TU,TH"}),
    ("Gym every 2 weeks on sunday", "Gym", {
        "due_date": D(2026, 11, 29), "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"}),
    ("Invoice every month", "Invoice", {"due_date": TODAY, "recurrence": "FREQ=MONTHLY"}),
    ("Invoice monthly", "Invoice", {"due_date": TODAY, "recurrence": "FREQ=MONTHLY"}),
    ("Invoice every month on the 15th", "Invoice", {
        "due_date": D(2026, 12, 15), "recurrence": "FREQ=MONTHLY;BYMONTHDAY=15"}),
    ("Invoice every 15th", "Invoice", {
        "due_date": D(2026, 12, 15), "recurrence": "FREQ=MONTHLY;BYMONTHDAY=15"}),
    ("Invoice every 28th", "Invoice", {
        "due_date": TODAY, "recurrence": "FREQ=MONTHLY;BYMONTHDAY=28"}),
    ("Invoice every 3 months on 1st", "Invoice", {
        "due_date": D(2026, 12, 1), "recurrence": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"}),
    ("Taxes every year", "Taxes", {"due_date": TODAY, "recurrence": "FREQ=YEARLY"}),
    ("Taxes yearly", "Taxes", {"due_date": TODAY, "recurrence": "FREQ=YEARLY"}),
    ("Taxes annually", "Taxes", {"due_date": TODAY, "recurrence": "FREQ=YEARLY"}),
    ("Birthday every mar 3", "Birthday", {
        "due_date": D(2027, 3, 3), "recurrence": "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3"}),
    ("Haircut every! 2 weeks", "Haircut", {
        "due_date": TODAY, "recurrence": "FREQ=WEEKLY;INTERVAL=2",
        "recurrence_from_completion": True}),
    ("Haircut every! day", "Haircut", {
        "due_date": TODAY, "recurrence": "FREQ=DAILY", "recurrence_from_completion": True}),
    ("Filter after 3 months", "Filter", {
        "due_date": TODAY, "recurrence": "FREQ=MONTHLY;INTERVAL=3",
        "recurrence_from_completion": True}),
    ("Filter after a week", "Filter", {
        "due_date": TODAY, "recurrence": "FREQ=WEEKLY", "recurrence_from_completion": True}),
    ("Pills every day at 9am", "Pills", {
        "due_date": TODAY, "due_time": T(9), "recurrence": "FREQ=DAILY"}),
    ("Report every friday 5pm", "Report", {
        "due_date": D(2026, 12, 4), "due_time": T(17), "recurrence": "FREQ=WEEKLY;BYDAY=FR"}),
    ("Report every week starting dec 10", "Report", {
        "due_date": D(2026, 12, 10), "recurrence": "FREQ=WEEKLY"}),
    # project, tags, priority, estimate
    ("Fix bug #Work", "Fix bug", {"project": "Work"}),
    ("Fix bug #side-project", "Fix bug", {"project": "side-project"}),
    ("Fix bug @urgent @Phone @URGENT", "Fix bug", {"tags": ("urgent", "Phone")}),
    ("Fix bug P2", "Fix bug", {"priority": 2}),
    ("Fix bug !3", "Fix bug", {"priority": 3}),
    ("Fix bug p4", "Fix bug", {"priority": 4}),
    ("Read ~1h", "Read", {"estimate_minutes": 60}),
    ("Read ~1h30m", "Read", {"estimate_minutes": 90}),
    ("Read ~1.5h", "Read", {"estimate_minutes": 90}),
    ("Read ~90", "Read", {"estimate_minutes": 90}),
    ("Read ~45min", "Read", {"estimate_minutes": 45}),
    ("#Home p3 @x", "", {"project": "Home", "priority": 3, "tags": ("x",)}),
    # false positives: words that only contain keywords stay in the title
    ("Update Monday.com board", "Update Monday.com board", {}),
    ("Mail email@host now", "Mail email@host now", {}),
    ("Todayish vibes", "Todayish vibes", {}),
    ("Fix p10 and p0 and p5", "Fix p10 and p0 and p5", {}),
    ("Close issue #3 in C#", "Close issue #3 in C#", {}),
    ("Meet at the office", "Meet at the office", {}),
    ("Deliver to 25 Main St at 25", "Deliver to 25 Main St at 25", {}),
    ("Version 9.30 notes", "Version 9.30 notes", {}),
    ("Fix every bug", "Fix every bug", {}),
    ("Walk after lunch", "Walk after lunch", {}),
    ("Sit next to Ann", "Sit next to Ann", {}),
    ("Ask Jan about it", "Ask Jan about it", {}),
    ("It may rain", "It may rain", {}),
    ("tomorrow's agenda", "tomorrow's agenda", {}),
    ("Say ~ and !5 and @ and #", "Say ~ and !5 and @ and #", {}),
    # literals
    ('Read "next monday" article', "Read next monday article", {}),
    ('"#Home" sign p1', "#Home sign", {"priority": 1}),
    ('Watch "Friday   night" tomorrow', "Watch Friday night", {"due_date": D(2026, 11, 29)}),
    ('Say "every day" and "today"', "Say every day and today", {}),
    ('Type "unfinished today', "Type unfinished today", {}),
    ('Buy 2" pipe today', 'Buy 2" pipe', {"due_date": TODAY}),
]
# fmt: on


def _parse(text: str, now_time: time | None = None) -> ParsedTask:
    return parse_quick_add(text, today=TODAY, now_time=now_time)


def _covered(text: str, result: ParsedTask) -> list[tuple[str, str]]:
    return [(span.kind, text[span.start : span.end]) for span in result.spans]


@pytest.mark.parametrize(("text", "title", "fields"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_phrase(text: str, title: str, fields: dict[str, Any]) -> None:
    result = _parse(text)
    assert result.title == title
    for name, default in DEFAULTS.items():
        assert getattr(result, name) == fields.get(name, default), name


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 70


@pytest.mark.parametrize(("text", "title", "fields"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_spans_are_sorted_disjoint_and_account_for_the_title(
    text: str, title: str, fields: dict[str, Any]
) -> None:
    spans = _parse(text).spans
    assert list(spans) == sorted(spans, key=lambda s: s.start)
    for left, right in zip(spans, spans[1:], strict=False):
        assert left.end <= right.start
    if '"' not in text:
        kept = list(text)
        for span in spans:
            kept[span.start : span.end] = [" "] * (span.end - span.start)
        assert " ".join("".join(kept).split()) == title


@pytest.mark.parametrize(("text", "title", "fields"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_due_date_is_the_first_occurrence_of_the_rule(
    text: str, title: str, fields: dict[str, Any]
) -> None:
    result = _parse(text)
    if result.recurrence is None:
        return
    assert result.due_date is not None
    start = datetime.combine(result.due_date, result.due_time or time())
    first = rrulestr(result.recurrence, dtstart=start).after(start, inc=True)
    assert first == start


# ----------------------------------------------------------------------------- spans


def test_spans_of_the_reference_example() -> None:
    text = "Pay rent tomorrow 9am #Home @bills p1 every month ~15m"
    assert _covered(text, _parse(text)) == [
        ("date", "tomorrow"),
        ("time", "9am"),
        ("project", "#Home"),
        ("tag", "@bills"),
        ("priority", "p1"),
        ("recurrence", "every month"),
        ("estimate", "~15m"),
    ]


def test_span_indexes_point_into_the_original_text() -> None:
    result = _parse("Gym  on friday   at 9 pm")
    assert result.spans == (Span(5, 14, "date"), Span(17, 24, "time"))


def test_spans_include_connector_words() -> None:
    text = "Pills every month on the 1st at noon"
    assert _covered(text, _parse(text)) == [
        ("recurrence", "every month on the 1st"),
        ("time", "at noon"),
    ]


def test_span_of_a_weekday_list() -> None:
    text = "Gym every mon, wed and fri !1"
    assert _covered(text, _parse(text)) == [
        ("recurrence", "every mon, wed and fri"),
        ("priority", "!1"),
    ]


def test_quoted_span_covers_the_quotes() -> None:
    text = 'Read "next monday" article'
    result = _parse(text)
    assert result.spans == (Span(5, 18, "quoted"),)
    assert _covered(text, result) == [("quoted", '"next monday"')]


def test_unterminated_quote_runs_to_the_end() -> None:
    text = 'Note "buy milk tomorrow'
    result = _parse(text)
    assert _covered(text, result) == [("quoted", '"buy milk tomorrow')]
    assert result.title == "Note buy milk tomorrow"
    assert result.due_date is None


def test_text_glued_to_a_closing_quote_stays_literal() -> None:
    text = '"Mon"day tomorrow'
    result = _parse(text)
    assert result.title == "Monday"
    assert _covered(text, result) == [("quoted", '"Mon"'), ("date", "tomorrow")]


def test_quote_inside_a_word_is_plain_text() -> None:
    result = _parse('say"hi" today')
    assert result.title == 'say"hi"'
    assert result.due_date == TODAY


def test_failed_phrases_have_no_span() -> None:
    assert _parse("Pay feb 30 p1").spans == (Span(11, 13, "priority"),)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "title", "error"),
    [
        ("Pay feb 30", "Pay feb 30", 'No such date: "feb 30"'),
        ("Pay 31 april", "Pay 31 april", 'No such date: "31 april"'),
        ("Pay on Feb 29 2027", "Pay on Feb 29 2027", 'No such date: "Feb 29 2027"'),
        ("Pay 2026-02-30", "Pay 2026-02-30", 'No such date: "2026-02-30"'),
        ("Pay 2026-13-01", "Pay 2026-13-01", 'No such date: "2026-13-01"'),
        ("Call 25:00", "Call 25:00", 'No such time: "25:00"'),
        ("Call at 9:75", "Call at 9:75", 'No such time: "9:75"'),
        ("Call 13pm", "Call 13pm", 'No such time: "13pm"'),
        ("Call 0 am", "Call 0 am", 'No such time: "0 am"'),
        ("Spin every 0 days", "Spin every 0 days", 'Repeat interval must be at least 1: "0 days"'),
        ("Pay every 32nd", "Pay every 32nd", 'No such day of the month: "32nd"'),
        (
            "Pay every month on the 40th",
            "Pay every month on the 40th",
            'No such day of the month: "40th"',
        ),
        ("Pay every feb 30", "Pay every feb 30", 'No such date: "feb 30"'),
        ("Nap ~0m", "Nap ~0m", 'Estimate must be more than zero: "~0m"'),
    ],
)
def test_impossible_values_are_reported_and_not_applied(text: str, title: str, error: str) -> None:
    result = _parse(text)
    assert result.errors == (error,)
    assert result.title == title
    assert result.due_date is None
    assert result.due_time is None
    assert result.recurrence is None
    assert result.estimate_minutes is None


def test_a_bad_part_does_not_spoil_the_rest() -> None:
    result = _parse("Pay feb 30 #Home 9am")
    assert result.project == "Home"
    assert result.due_time == T(9)
    assert result.due_date == TODAY
    assert result.errors == ('No such date: "feb 30"',)


@pytest.mark.parametrize(
    ("text", "title", "error"),
    [
        ("Gym fri mon", "Gym mon", 'More than one due date: ignored "mon"'),
        ("Gym 9am at 10", "Gym at 10", 'More than one time: ignored "at 10"'),
        ("Gym #A #B", "Gym #B", 'More than one project: ignored "#B"'),
        ("Gym p1 p2", "Gym p2", 'More than one priority: ignored "p2"'),
        ("Gym daily weekly", "Gym weekly", 'More than one recurrence: ignored "weekly"'),
        ("Gym ~1h ~2h", "Gym ~2h", 'More than one estimate: ignored "~2h"'),
    ],
)
def test_the_first_of_a_repeated_field_wins(text: str, title: str, error: str) -> None:
    result = _parse(text)
    assert result.title == title
    assert result.errors == (error,)


def test_empty_title_is_left_empty() -> None:
    result = _parse("tomorrow p1")
    assert result.title == ""
    assert result.due_date == D(2026, 11, 29)


# ----------------------------------------------------------------------------- now_time


@pytest.mark.parametrize(
    ("text", "now", "due"),
    [
        ("9am", T(8), TODAY),
        ("9am", T(9), D(2026, 11, 29)),
        ("9am", T(10), D(2026, 11, 29)),
        ("at 23:59", T(23, 58), TODAY),
        ("today 9am", T(10), TODAY),
        ("tomorrow 9am", T(10), D(2026, 11, 29)),
        ("every day at 9am", T(8), TODAY),
        ("every day at 9am", T(10), D(2026, 11, 29)),
        ("every 3 days at 9am", T(10), D(2026, 12, 1)),
        ("every week at 9am", T(10), D(2026, 12, 5)),
        ("every month at 9am", T(10), D(2026, 12, 28)),
        ("every saturday 9am", T(10), D(2026, 12, 5)),
        ("every weekend 9am", T(10), D(2026, 11, 29)),
        ("every 28th 9am", T(10), D(2026, 12, 28)),
        ("every 15th 9am", T(10), D(2026, 12, 15)),
        ("every day", T(23), TODAY),
    ],
)
def test_a_time_that_has_passed_moves_to_the_next_day(text: str, now: time, due: date) -> None:
    assert _parse(text, now_time=now).due_date == due


def test_next_weekday_is_in_the_next_calendar_week() -> None:
    wednesday = date(2026, 11, 25)
    got = {
        text: parse_quick_add(text, today=wednesday).due_date
        for text in ("fri", "next fri", "mon", "next mon", "tue", "next tue", "wed", "next wed")
    }
    assert got == {
        "fri": D(2026, 11, 27),
        "next fri": D(2026, 12, 4),
        "mon": D(2026, 11, 30),
        "next mon": D(2026, 11, 30),
        "tue": D(2026, 12, 1),
        "next tue": D(2026, 12, 1),
        "wed": D(2026, 12, 2),
        "next wed": D(2026, 12, 2),
    }


def test_month_arithmetic_clamps_to_the_end_of_the_month() -> None:
    assert parse_quick_add("in 1 month", today=date(2027, 1, 31)).due_date == D(2027, 2, 28)
    assert parse_quick_add("in 1 year", today=date(2028, 2, 29)).due_date == D(2029, 2, 28)


def test_every_31st_skips_short_months() -> None:
    result = parse_quick_add("every 31st", today=date(2027, 2, 1))
    assert result.due_date == D(2027, 3, 31)


def test_result_is_immutable() -> None:
    result = _parse("x")
    with pytest.raises(AttributeError):
        result.title = "y"  # type: ignore[misc]
