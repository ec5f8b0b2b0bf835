"""What every CLI command shares: the open services, id prefixes, JSON and table output."""

# Importing this (and any command module) must stay cheap: the parser is built on every
# ``cadence`` run, so services and SQLAlchemy are imported inside the handlers.

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from app.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from app.services.clock import Clock
    from app.services.facade import Services

SHORT_ID = 8
MIN_PREFIX = 4
_HEX = re.compile(r"[0-9a-f]+")

Handler = Callable[["Context", argparse.Namespace], int]


class UsageError(Exception):
    """A command line argparse could not make sense of (exit 2, one line)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors raised instead of printed usage plus exit."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}")


@dataclass
class Context:
    """One CLI invocation: where the data lives, the clock, the output stream."""

    data_dir: Path
    clock: Clock | None = None
    _services: Services | None = field(default=None, repr=False)

    @property
    def out(self) -> IO[str]:
        return sys.stdout

    @property
    def services(self) -> Services:
        """The services on the store, opened (and migrated if needed) on first use."""
        if self._services is None:
            from app.services.clock import Clock
            from app.services.facade import Services

            self._services = Services.open(self.data_dir, clock=self.clock or Clock())
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def print_json(self, value: Any) -> None:
        self.out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def short(task_id: str) -> str:
    return task_id[:SHORT_ID]


def resolve_task_id(services: Services, text: str) -> str:
    """The full id of the one live task whose id starts with text (at least 4 hex digits)."""
    prefix = text.strip().lower()
    if not _HEX.fullmatch(prefix) or not MIN_PREFIX <= len(prefix) <= 32:
        raise ValidationError(
            f'"{text}" is not a task id; give at least {MIN_PREFIX} characters of an id '
            'shown by "cadence list".'
        )
    from sqlalchemy import select

    from app.models import Task
    from app.services.uow import read

    # A range scan on the primary key: ids are lower-case hex, and "g" sorts after "f".
    stmt = (
        select(Task.id)
        .where(Task.id >= prefix, Task.id < prefix + "g", Task.deleted_at.is_(None))
        .limit(2)
    )
    with read(services.store) as session:
        found = list(session.scalars(stmt))
    if not found:
        raise NotFoundError(f"No task with id {text}.")
    if len(found) > 1:
        raise ValidationError(f'Task id "{text}" is ambiguous; give more of its characters.')
    return found[0]


def resolve_task_ids(services: Services, texts: Sequence[str]) -> list[str]:
    """Resolve every id first, so that one bad id means nothing is changed."""
    ids: list[str] = []
    for text in texts:
        ident = resolve_task_id(services, text)
        if ident not in ids:
            ids.append(ident)
    return ids


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: IO[str]) -> None:
    """An aligned plain-text table; the last column is not padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    fmt = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + "  {}"
    out.write(fmt.format(*headers).rstrip() + "\n")
    out.writelines(fmt.format(*row).rstrip() + "\n" for row in rows)
