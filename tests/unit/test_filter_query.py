"""Tests for the filter/search query parser."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.filter_query import (
    And,
    DueCompare,
    DueOn,
    DueWithin,
    FilterError,
    HasSubtasks,
    Node,
    NoField,
    Not,
    Or,
    Overdue,
    PriorityIs,
    ProjectIs,
    StatusIs,
    TagIs,
    Text,
    parse_filter,
    shows_closed,
)

TODAY = date(2026, 11, 28)


def _parse(text: str) -> Node:
    return parse_filter(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", And(())),
        ("   ", And(())),
        ("milk", Text("milk")),
        ("Buy MILK", And((Text("Buy"), Text("MILK")))),
        ('"buy milk"', Text("buy milk")),
        ('"  spaced  out "', Text("  spaced  out ")),
        ('"p1 or #Home"', Text("p1 or #Home")),
        ("#Home", ProjectIs("Home")),
        ("#Work/Reports", ProjectIs("Work/Reports")),
        ("@errands", TagIs("errands")),
        ("p1", PriorityIs(1)),
        ("P4", PriorityIs(4)),
        ("p5", Text("p5")),
        ("p10", Text("p10")),
        ("due:today", DueOn(TODAY)),
        ("Due:Tomorrow", DueOn(date(2026, 11, 29))),
        ("due:yesterday", DueOn(date(2026, 11, 27))),
        ("due:week", DueWithin(7)),
        ("due:2026-12-01", DueOn(date(2026, 12, 1))),
        ("due<2026-12-01", DueCompare("<", date(2026, 12, 1))),
        ("due<=today", DueCompare("<=", TODAY)),
        ("due>tomorrow", DueCompare(">", date(2026, 11, 29))),
        ("due>=2027-01-31", DueCompare(">=", date(2027, 1, 31))),
        ("overdue", Overdue()),
        ("OVERDUE", Overdue()),
        ('"overdue"', Text("overdue")),
        ("no:due", NoField("due")),
        ("no:project", NoField("project")),
        ("no:tag", NoField("tag")),
        ("no:tags", NoField("tag")),
        ("is:done", StatusIs("done")),
        ("is:open", StatusIs("open")),
        ("is:cancelled", StatusIs("cancelled")),
        ("is:canceled", StatusIs("cancelled")),
        ("is:doing", StatusIs("in_progress")),
        ("is:todo", StatusIs("todo")),
        ("has:subtasks", HasSubtasks()),
        ("http://example.com", Text("http://example.com")),
        ("re:meeting", Text("re:meeting")),
        ("-milk", Not(Text("milk"))),
        ("-@errands", Not(TagIs("errands"))),
        ('-"buy milk"', Not(Text("buy milk"))),
        ("-is:done", Not(StatusIs("done"))),
        ("-or", Not(Text("or"))),
        ("OR", Text("OR")),
        ("a-b", Text("a-b")),
        ("#Home p1 due:today", And((ProjectIs("Home"), PriorityIs(1), DueOn(TODAY)))),
        ("p1 or p2", Or((PriorityIs(1), PriorityIs(2)))),
        ("#Home p1 or @urgent", Or((And((ProjectIs("Home"), PriorityIs(1))), TagIs("urgent")))),
        (
            "a b or c or -d e",
            Or((And((Text("a"), Text("b"))), Text("c"), And((Not(Text("d")), Text("e"))))),
        ),
    ],
)
def test_parse(text: str, expected: Node) -> None:
    assert _parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("due:someday", 'Unknown filter "due:someday"'),
        ("DUE:Someday", 'Unknown filter "DUE:Someday"'),
        ("due:2026-13-01", 'Bad date "2026-13-01"'),
        ("due:2026-02-30", 'Bad date "2026-02-30"'),
        ("due:2026-1-5", 'Bad date "2026-1-5"'),
        ("due<someday", 'Bad date "someday"'),
        ("due>=2026-00-10", 'Bad date "2026-00-10"'),
        ("due<", 'Missing date after "due<"'),
        ("due:", 'Missing value after "due:"'),
        ("no:priority", 'Unknown filter "no:priority"'),
        ("is:finished", 'Unknown filter "is:finished"'),
        ("has:notes", 'Unknown filter "has:notes"'),
        ("is:", 'Missing value after "is:"'),
        ("#", 'Missing project name after "#"'),
        ("-@", 'Missing tag name after "@"'),
        ("a -", 'Nothing after "-" at column 3'),
        ('milk "open', "Unclosed quote at column 6"),
        ('""', "Empty quotes at column 1"),
        ("or p1", '"or" needs a term before it'),
        ("p1 or", '"or" needs a term after it'),
        ("p1 or or p2", '"or" needs a term before it'),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        _parse(text)
    assert str(caught.value) == message
    assert "\n" not in message


def test_error_locates_the_bad_term() -> None:
    text = "p1 #Home due:someday milk"
    with pytest.raises(FilterError) as caught:
        _parse(text)
    assert text[caught.value.start : caught.value.end] == "due:someday"


def test_filter_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Bad date"):
        _parse("due:2026-99-99")


def test_relative_dates_follow_today() -> None:
    assert parse_filter("due:today", today=date(2027, 12, 31)) == DueOn(date(2027, 12, 31))
    assert parse_filter("due:tomorrow", today=date(2027, 12, 31)) == DueOn(date(2028, 1, 1))


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("", False),
        ("milk", False),
        ("is:open", False),
        ("is:todo", False),
        ("is:doing", False),
        ("is:done", True),
        ("is:cancelled", True),
        ("#Home is:done", True),
        ("p1 or is:cancelled", True),
        ("-is:done", False),
        ("-is:open", True),
        ("-is:todo", False),
        ('"is:done"', False),
    ],
)
def test_shows_closed(text: str, closed: bool) -> None:
    assert shows_closed(_parse(text)) is closed


def test_nodes_are_frozen_and_hashable() -> None:
    node = _parse("#Home p1 or -@x")
    assert hash(node) == hash(_parse("#Home p1 or -@x"))
    with pytest.raises(AttributeError):
        node.terms = ()  # type: ignore[misc, union-attr]
