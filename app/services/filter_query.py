"""The search/filter language, parsed into an immutable syntax tree (no evaluation here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeAlias

__all__ = [
    "And", "DueCompare", "DueOn", "DueWithin", "FilterError", "HasSubtasks", "Node",
    "NoField", "Not", "Or", "Overdue", "PriorityIs", "ProjectIs", "StatusIs", "TagIs", "Text",
    "parse_filter", "shows_closed",
]  # fmt: skip

CompareOp = Literal["<", "<=", ">", ">="]
Field = Literal["due", "project", "tag"]
Status = Literal["todo", "in_progress", "done", "cancelled", "open"]


class FilterError(ValueError):
    """A malformed query; str() is a one-line message, start/end locate the bad term."""

    def __init__(self, message: str, start: int = 0, end: int = 0) -> None:
        super().__init__(message)
        self.start = start
        self.end = end


@dataclass(frozen=True)
class Text:
    """Case-insensitive substring of title or notes."""

    value: str


@dataclass(frozen=True)
class ProjectIs:
    """The named project or any of its subprojects."""

    name: str


@dataclass(frozen=True)
class TagIs:
    name: str


@dataclass(frozen=True)
class PriorityIs:
    priority: int


@dataclass(frozen=True)
class DueOn:
    day: date


@dataclass(frozen=True)
class DueCompare:
    op: CompareOp
    day: date


@dataclass(frozen=True)
class DueWithin:
    """Due from today up to, not including, today + days."""

    days: int


@dataclass(frozen=True)
class Overdue:
    pass


@dataclass(frozen=True)
class NoField:
    field: Field


@dataclass(frozen=True)
class StatusIs:
    status: Status


@dataclass(frozen=True)
class HasSubtasks:
    pass


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


Node: TypeAlias = (
    Text | ProjectIs | TagIs | PriorityIs | DueOn | DueCompare | DueWithin | Overdue
    | NoField | StatusIs | HasSubtasks | Not | And | Or
)  # fmt: skip

_TOKEN = re.compile(r'(-?)"([^"]*)("?)|\S+')
_COMPARE = re.compile(r"due(<=|>=|<|>)(.*)", re.IGNORECASE)
_FIELD = re.compile(r"(due|no|is|has):(.*)", re.IGNORECASE)
_PRIORITY = re.compile(r"p([1-4])", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_LIKE = re.compile(r"[\d-]+")
_OPS: dict[str, CompareOp] = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_NO: dict[str, Field] = {"due": "due", "project": "project", "tag": "tag", "tags": "tag"}
_IS: dict[str, Status] = {
    "todo": "todo", "doing": "in_progress", "done": "done", "open": "open",
    "cancelled": "cancelled", "canceled": "cancelled",
}  # fmt: skip
_RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}


@dataclass(frozen=True)
class _Tok:
    raw: str
    start: int
    end: int
    quoted: bool = False


def _lex(text: str) -> Iterator[_Tok]:
    for match in _TOKEN.finditer(text):
        if match[2] is not None and not match[3]:
            raise FilterError(f"Unclosed quote at column {match.start() + 1}", *match.span())
        yield _Tok(match[0], match.start(), match.end(), match[2] is not None)


def _day(value: str, tok: _Tok, today: date) -> date:
    """today/tomorrow/yesterday or YYYY-MM-DD."""
    lower = value.lower()
    if lower in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[lower])
    match = _ISO.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise FilterError(f'Bad date "{value}"', tok.start, tok.end) from None


def _due(value: str, tok: _Tok, today: date) -> Node:
    if value.lower() == "week":
        return DueWithin(7)
    if value.lower() in _RELATIVE_DAYS or _DATE_LIKE.fullmatch(value):
        return DueOn(_day(value, tok, today))
    raise FilterError(f'Unknown filter "{tok.raw}"', tok.start, tok.end)


def _field(prefix: str, value: str, tok: _Tok, today: date) -> Node:
    """A prefix:value term (due:, no:, is:, has:)."""
    if not value:
        raise FilterError(f'Missing value after "{prefix}:"', tok.start, tok.end)
    lower = value.lower()
    if prefix == "due":
        return _due(value, tok, today)
    if prefix == "no" and lower in _NO:
        return NoField(_NO[lower])
    if prefix == "is" and lower in _IS:
        return StatusIs(_IS[lower])
    if prefix == "has" and lower == "subtasks":
        return HasSubtasks()
    raise FilterError(f'Unknown filter "{tok.raw}"', tok.start, tok.end)


def _word(word: str, tok: _Tok, today: date) -> Node:
    """One unquoted term without its "-" prefix."""
    if word.lower() == "overdue":
        return Overdue()
    if word[0] in "#@":
        if len(word) == 1:
            what = "project" if word == "#" else "tag"
            raise FilterError(f'Missing {what} name after "{word}"', tok.start, tok.end)
        return ProjectIs(word[1:]) if word[0] == "#" else TagIs(word[1:])
    if match := _PRIORITY.fullmatch(word):
        return PriorityIs(int(match[1]))
    if match := _COMPARE.fullmatch(word):
        if not match[2]:
            raise FilterError(f'Missing date after "{tok.raw}"', tok.start, tok.end)
        return DueCompare(_OPS[match[1]], _day(match[2], tok, today))
    if match := _FIELD.fullmatch(word):
        return _field(match[1].lower(), match[2], tok, today)
    return Text(word)


def _term(tok: _Tok, today: date) -> Node:
    """One token: a quoted phrase, or a word, either optionally negated with "-"."""
    negated = tok.raw.startswith("-")
    if tok.quoted:
        phrase = tok.raw[2 if negated else 1 : -1]
        if not phrase.strip():
            raise FilterError(f"Empty quotes at column {tok.start + 1}", tok.start, tok.end)
        node: Node = Text(phrase)
    else:
        word = tok.raw[1:] if negated else tok.raw
        if not word:
            raise FilterError(f'Nothing after "-" at column {tok.start + 1}', tok.start, tok.end)
        node = _word(word, tok, today)
    return Not(node) if negated else node


def _all(terms: list[Node]) -> Node:
    return terms[0] if len(terms) == 1 else And(tuple(terms))


def parse_filter(text: str, *, today: date) -> Node:
    """Parse a query. Terms are ANDed; "or" joins AND groups; single-item groups collapse.

    Empty text gives And(()), which matches everything.
    """
    groups: list[list[Node]] = [[]]
    last_or: _Tok | None = None
    for tok in _lex(text):
        if tok.raw == "or":
            if not groups[-1]:
                raise FilterError('"or" needs a term before it', tok.start, tok.end)
            groups.append([])
            last_or = tok
        else:
            groups[-1].append(_term(tok, today))
    if last_or is not None and not groups[-1]:
        raise FilterError('"or" needs a term after it', last_or.start, last_or.end)
    alternatives = [_all(group) for group in groups]
    return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))


def shows_closed(node: Node) -> bool:
    """True if the query asks for closed tasks: is:done, is:cancelled, or -is:open."""
    return _asks_closed(node, negated=False)


def _asks_closed(node: Node, *, negated: bool) -> bool:
    if isinstance(node, Not):
        return _asks_closed(node.term, negated=not negated)
    if isinstance(node, And | Or):
        return any(_asks_closed(term, negated=negated) for term in node.terms)
    if not isinstance(node, StatusIs):
        return False
    if negated:
        return node.status == "open"
    return node.status in ("done", "cancelled")
